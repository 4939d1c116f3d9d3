import { HealthReport } from '../health';

/**
 * Options accepted by every {@link BasaltApi} call.
 *
 * @public
 */
export interface BasaltRequestOptions {
  /**
   * A Backstage token to send instead of the fetch implementation's own,
   * for callers that act on behalf of a user (scaffolder actions, backend
   * modules).
   */
  token?: string;
  signal?: AbortSignal;
}

/**
 * The Basalt REST API (`/api/basalt`), as used by the frontend plugin, the
 * scaffolder module and tests.
 *
 * @public
 */
export interface BasaltApi {
  /** Reads the backend's health; a failing backend is a report, not an error. */
  getHealth(options?: BasaltRequestOptions): Promise<HealthReport>;
}
