import { CustomErrorBase } from '@backstage/errors';

/**
 * The engine cannot run where it was asked to: its programs are missing or
 * its runtime is not set up for it. The message says what to install or
 * configure; the controller reports it as the `EngineUnavailable` reason.
 *
 * @public
 */
export class EngineUnavailableError extends CustomErrorBase {
  name = 'EngineUnavailableError' as const;
}
