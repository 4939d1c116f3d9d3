import express from 'express';
import Router from 'express-promise-router';
import { HealthChecks } from '../health/HealthChecks';

/**
 * The Basalt REST API, mounted by the plugin under `/api/basalt`.
 */
export async function createRouter(options: {
  healthChecks: HealthChecks;
}): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  // 503 with the same body when a check fails, so load balancers and CI can
  // act on the status code and people can read why.
  router.get('/health', async (_req, res) => {
    const report = await options.healthChecks.report();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  return router;
}
