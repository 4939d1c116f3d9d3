import { createBackend } from '@backstage/backend-defaults';
import { basaltModuleEnginePostgresql } from '../src';

// Runs the Basalt backend plugin on its own for development:
//   yarn workspace @basalt/plugin-basalt-backend start
//   curl localhost:7007/api/basalt/health
const backend = createBackend();
backend.add(import('../src'));
backend.add(basaltModuleEnginePostgresql);
backend.start();
