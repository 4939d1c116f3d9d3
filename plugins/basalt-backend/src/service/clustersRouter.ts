import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterLogs } from './ClusterLogs';
import { ClusterService } from './ClusterService';
import { sendEventStream } from './eventStream';
import { parseLogsQuery } from './logsQuery';
import { parseManifestBody } from './parseBody';

const MAX_EVENTS = 500;

/** Parses `label=key=value` query parameters (repeatable). */
function labelsFrom(query: express.Request['query']): Record<string, string> {
  const raw = query.label;
  const values = [raw ?? []].flat();
  return Object.fromEntries(
    values.map(value => {
      const [key, ...rest] = String(value).split('=');
      if (!key || rest.length === 0) {
        throw new InputError(`label must be key=value, got '${value}'`);
      }
      return [key, rest.join('=')];
    }),
  );
}

function limitFrom(query: express.Request['query']): number {
  if (query.limit === undefined) return 100;
  const limit = Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS) {
    throw new InputError(
      `limit must be a whole number from 1 to ${MAX_EVENTS}, got '${query.limit}'`,
    );
  }
  return limit;
}

function isDryRun(value: unknown): boolean {
  if (value === undefined) return false;
  if (value === 'All' || value === 'true') return true;
  throw new InputError(`dryRun must be All (or true), got '${String(value)}'`);
}

/** `/clusters` routes; every one authenticates and checks its permission. */
export function createClustersRouter(options: {
  httpAuth: HttpAuthService;
  service: ClusterService;
  logs: ClusterLogs;
  /** How often an idle logs stream gets a heartbeat; defaults to 15 s. */
  heartbeatMs?: number;
}): express.Router {
  const { httpAuth, service, logs } = options;
  const router = Router();
  const credentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  // Templates and the UI list these; any signed-in caller may read them.
  router.get('/offerings', async (req, res) => {
    await credentials(req);
    res.json(service.offerings());
  });

  // `?dryRun=All` (Kubernetes' spelling; `true` too) admits the manifest
  // and stores nothing: 200 with the manifest as it would run.
  router.post('/clusters', async (req, res) => {
    const body = parseManifestBody(req);
    if (isDryRun(req.query.dryRun)) {
      res.json(await service.dryRun(body, await credentials(req)));
      return;
    }
    const result = await service.apply(body, await credentials(req));
    res.status(result.created ? 201 : 200).json(result.cluster);
  });

  router.get('/clusters', async (req, res) => {
    const items = await service.list(
      {
        namespace: req.query.namespace?.toString(),
        owner: req.query.owner?.toString(),
        labels: labelsFrom(req.query),
      },
      await credentials(req),
    );
    res.json({ items });
  });

  router.get('/clusters/:namespace/:name', async (req, res) => {
    const { namespace, name } = req.params;
    res.json(await service.get(namespace, name, await credentials(req)));
  });

  // The CA clients verify the cluster's servers with (public, like the
  // cluster itself: read permission); never any private key.
  router.get('/clusters/:namespace/:name/ca.crt', async (req, res) => {
    const { namespace, name } = req.params;
    const cluster = await service.get(namespace, name, await credentials(req));
    const ca = cluster.status?.tls?.caCertificate;
    if (!ca) {
      throw new NotFoundError(
        `EngineCluster ${namespace}/${name} has no CA certificate yet`,
      );
    }
    res.type('application/x-pem-file').send(ca);
  });

  router.delete('/clusters/:namespace/:name', async (req, res) => {
    const { namespace, name } = req.params;
    res
      .status(202)
      .json(await service.delete(namespace, name, await credentials(req)));
  });

  router.get('/clusters/:namespace/:name/events', async (req, res) => {
    const { namespace, name } = req.params;
    const items = await service.events(
      namespace,
      name,
      limitFrom(req.query),
      await credentials(req),
    );
    res.json({ items });
  });

  // Day-2 operations answer at once; the controller carries them out.
  router.post('/clusters/:namespace/:name/restart', async (req, res) => {
    const { namespace, name } = req.params;
    res
      .status(202)
      .json(await service.restart(namespace, name, await credentials(req)));
  });

  router.post('/clusters/:namespace/:name/switchover', async (req, res) => {
    const { namespace, name } = req.params;
    res
      .status(202)
      .json(
        await service.switchover(
          namespace,
          name,
          req.body,
          await credentials(req),
        ),
      );
  });

  router.post('/clusters/:namespace/:name/scale', async (req, res) => {
    const { namespace, name } = req.params;
    res.json(
      await service.scale(namespace, name, req.body, await credentials(req)),
    );
  });

  router.get('/clusters/:namespace/:name/logs', async (req, res) => {
    const { namespace, name } = req.params;
    const caller = await credentials(req);
    const query = parseLogsQuery(req.query);
    // Stops reading the logs when the client goes away (or the stream ends).
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const lines = await logs.open(namespace, name, query, caller, abort.signal);
    await sendEventStream(res, lines, {
      event: 'log',
      signal: abort.signal,
      heartbeatMs: options.heartbeatMs,
    });
  });

  return router;
}
