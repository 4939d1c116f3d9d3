import { EngineAddress } from '@basalt/plugin-basalt-node';

/** Whether two addresses have the same host and port (two absent ones do). */
export function sameAddress(a?: EngineAddress, b?: EngineAddress): boolean {
  return a?.host === b?.host && a?.port === b?.port;
}
