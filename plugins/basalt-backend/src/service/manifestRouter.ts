import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterStore } from '../store';
import { ClusterService } from './ClusterService';
import { declaredManifest, manifestYaml } from './declaredManifest';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function param(req: express.Request, key: 'namespace' | 'name'): string {
  const value = req.params[key];
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new InputError(
      `${key}: must be a DNS label (lower-case letters, digits and '-', at most 63 characters), got '${value}'`,
    );
  }
  return value;
}

/**
 * `GET /clusters/:namespace/:name/manifest`: the cluster's manifest to
 * commit, as YAML (`declaredManifest`), for those who may read the
 * cluster. The portal's manifest page shows it and offers it as a file.
 */
export function createManifestRouter(options: {
  httpAuth: HttpAuthService;
  service: ClusterService;
  clusters: ClusterStore;
}): express.Router {
  const { httpAuth, service, clusters } = options;
  const router = Router();
  router.get('/clusters/:namespace/:name/manifest', async (req, res) => {
    const namespace = param(req, 'namespace');
    const name = param(req, 'name');
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    // Checks read permission (and answers 404 for an unknown cluster).
    await service.get(namespace, name, credentials);
    const { manifest } = await clusters.getApplied(namespace, name);
    res
      .type('application/yaml; charset=utf-8')
      .set('Content-Disposition', `inline; filename="${name}.yaml"`)
      .send(manifestYaml(declaredManifest(manifest, service.offerings())));
  });
  return router;
}
