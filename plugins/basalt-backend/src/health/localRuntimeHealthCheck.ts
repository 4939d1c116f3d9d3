import { BasaltHealthCheck } from '@basalt/plugin-basalt-node';
import { access, constants } from 'fs/promises';
import { join } from 'path';

/** The PostgreSQL programs the local runtime runs. */
export const POSTGRESQL_PROGRAMS = ['initdb', 'postgres', 'pg_basebackup'];

/**
 * Says what to install or configure when a program is missing, so the
 * message can stand in a condition as it is.
 */
export async function checkPostgresqlPrograms(binDir: string): Promise<void> {
  for (const program of POSTGRESQL_PROGRAMS) {
    try {
      await access(join(binDir, program), constants.X_OK);
    } catch {
      throw new Error(
        `PostgreSQL program ${program} not found in ${binDir}: install Debian's postgresql package (apt-get install postgresql) or set basalt.runtimes.local.postgresql.binDir`,
      );
    }
  }
}

/** Checks that the local runtime finds the engine programs it needs. */
export function createLocalRuntimeHealthCheck(options: {
  postgresqlBinDir: string;
}): BasaltHealthCheck {
  return {
    name: 'runtime-local',
    async check() {
      await checkPostgresqlPrograms(options.postgresqlBinDir);
      return {
        message: `PostgreSQL programs found in ${options.postgresqlBinDir}`,
      };
    },
  };
}
