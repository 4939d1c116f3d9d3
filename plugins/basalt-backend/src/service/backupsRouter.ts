import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { BackupService } from './BackupService';

/**
 * Backup routes under `/clusters/{namespace}/{name}`; every one
 * authenticates and checks its permission.
 */
export function createBackupsRouter(options: {
  httpAuth: HttpAuthService;
  service: BackupService;
}): express.Router {
  const { httpAuth, service } = options;
  const router = Router();
  const credentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/clusters/:namespace/:name/backups', async (req, res) => {
    const { namespace, name } = req.params;
    const items = await service.list(namespace, name, await credentials(req));
    res.json({ items });
  });

  router.get('/clusters/:namespace/:name/backups/:id', async (req, res) => {
    const { namespace, name, id } = req.params;
    res.json(await service.get(namespace, name, id, await credentials(req)));
  });

  // Answers once the backup is recorded; it runs on in the background.
  router.post('/clusters/:namespace/:name/backups', async (req, res) => {
    const { namespace, name } = req.params;
    res
      .status(202)
      .json(
        await service.create(namespace, name, req.body, await credentials(req)),
      );
  });

  router.post('/clusters/:namespace/:name/restore', async (req, res) => {
    const { namespace, name } = req.params;
    res
      .status(201)
      .json(
        await service.restore(
          namespace,
          name,
          req.body,
          await credentials(req),
        ),
      );
  });

  return router;
}
