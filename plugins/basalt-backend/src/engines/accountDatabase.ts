import { EngineCluster } from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';

type Account = EngineCluster['spec']['accounts'][number];

/**
 * The database an account's connection settings name: its first, or the
 * cluster's first; none for an engine without named databases.
 */
export function accountDatabase(
  driver: EngineDriver,
  spec: EngineCluster['spec'],
  account: Account,
): string | undefined {
  return driver.capabilities.databases
    ? account.databases[0] ?? spec.databases[0]
    : undefined;
}
