import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { YAML_CONTENT_TYPES } from './parseBody';
import { HealthChecks } from '../health/HealthChecks';
import { BackupService } from './BackupService';
import { createBackupsRouter } from './backupsRouter';
import { ClusterLogs } from './ClusterLogs';
import { ClusterService } from './ClusterService';
import { ConnectionService } from './ConnectionService';
import { createConnectionsRouter } from './connectionsRouter';
import { createClustersRouter } from './clustersRouter';
import { createManifestRouter } from './manifestRouter';
import { NodeService } from './NodeService';
import { PoolService } from './PoolService';
import { ClusterStore } from '../store';

/**
 * The Basalt REST API, mounted by the plugin under `/api/basalt`.
 */
export async function createRouter(options: {
  healthChecks: HealthChecks;
  httpAuth: HttpAuthService;
  clusters: ClusterService;
  /** The stored manifests, for the manifest to commit. */
  clusterStore: ClusterStore;
  connections: ConnectionService;
  logs: ClusterLogs;
  nodes: NodeService;
  pools: PoolService;
  backups: BackupService;
}): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  // Manifests straight from a repository: `curl --data-binary @db.yaml`.
  router.use(express.text({ type: YAML_CONTENT_TYPES, limit: '1mb' }));

  // 503 with the same body when a check fails, so load balancers and CI can
  // act on the status code and people can read why.
  router.get('/health', async (_req, res) => {
    const report = await options.healthChecks.report();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  router.use(
    createClustersRouter({
      httpAuth: options.httpAuth,
      service: options.clusters,
      logs: options.logs,
    }),
  );
  router.use(
    createManifestRouter({
      httpAuth: options.httpAuth,
      service: options.clusters,
      clusters: options.clusterStore,
    }),
  );
  router.use(
    createConnectionsRouter({
      httpAuth: options.httpAuth,
      service: options.connections,
    }),
  );
  router.use(
    createBackupsRouter({
      httpAuth: options.httpAuth,
      service: options.backups,
    }),
  );

  // Like the offerings: any signed-in user or service; the instances shown
  // are filtered by read permission on their clusters.
  router.get('/nodes', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({ items: await options.nodes.list(credentials) });
  });

  // Any signed-in user or service: the totals are the same for all, and
  // only the clusters the caller may read are named in the breakdown.
  router.get('/pools', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({ items: await options.pools.list(credentials) });
  });
  return router;
}
