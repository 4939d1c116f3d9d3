import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { ConnectionService } from './ConnectionService';

/**
 * How to connect to a cluster: settings for readers of the cluster, a
 * password per account for those allowed to reveal it, and a new password
 * for those allowed to update the cluster.
 */
export function createConnectionsRouter(options: {
  httpAuth: HttpAuthService;
  service: ConnectionService;
}): express.Router {
  const { httpAuth, service } = options;
  const router = Router();
  const credentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/clusters/:namespace/:name/connections', async (req, res) => {
    const { namespace, name } = req.params;
    res.json(
      await service.connections(namespace, name, await credentials(req)),
    );
  });

  // POST, not GET: each reveal is recorded, and nothing may cache it.
  router.post(
    '/clusters/:namespace/:name/accounts/:account/password',
    async (req, res) => {
      const { namespace, name, account } = req.params;
      const revealed = await service.revealPassword(
        namespace,
        name,
        account,
        await credentials(req),
      );
      res.set('Cache-Control', 'no-store').json(revealed);
    },
  );
  router.post(
    '/clusters/:namespace/:name/accounts/:account/password/rotate',
    async (req, res) => {
      const { namespace, name, account } = req.params;
      res
        .status(202)
        .json(
          await service.rotatePassword(
            namespace,
            name,
            account,
            await credentials(req),
          ),
        );
    },
  );
  return router;
}
