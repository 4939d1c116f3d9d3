/*
 * A Basalt test backend in a process of its own, so a test can kill it
 * with SIGKILL: started by `startBackendProcess`, it reads its config from
 * BASALT_TEST_BACKEND_CONFIG (JSON) and prints the port it listens on.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { basaltPlugin } from '../../plugin';
import { basaltModuleEnginePostgresql } from '../../engines/postgresql';
import { READY_PREFIX } from './protocol';

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BASALT_TEST_BACKEND_CONFIG!);
  const backend = await startTestBackend({
    features: [
      basaltPlugin,
      basaltModuleEnginePostgresql,
      mockServices.rootLogger.factory({ level: 'info' }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const { port } = backend.server.address() as { port: number };
  process.stdout.write(`${READY_PREFIX}${port}\n`);
}

main().catch(error => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
