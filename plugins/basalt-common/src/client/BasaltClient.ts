import { ResponseError } from '@backstage/errors';
import { BASALT_PLUGIN_ID } from '../constants';
import { HealthReport } from '../health';
import { BasaltApi, BasaltRequestOptions } from './BasaltApi';

/**
 * The subset of Backstage's discovery API the client needs; both the
 * frontend `discoveryApiRef` and the backend `coreServices.discovery` fit.
 *
 * @public
 */
export interface BasaltDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * A `fetch` implementation; in the frontend pass `fetchApiRef`'s, which adds
 * the user's token.
 *
 * @public
 */
export interface BasaltFetch {
  fetch: typeof fetch;
}

/**
 * Typed HTTP client for the Basalt REST API.
 *
 * @public
 */
export class BasaltClient implements BasaltApi {
  readonly #discovery: BasaltDiscovery;
  readonly #fetch: typeof fetch;

  constructor(options: {
    discoveryApi: BasaltDiscovery;
    fetchApi?: BasaltFetch;
  }) {
    this.#discovery = options.discoveryApi;
    this.#fetch = options.fetchApi?.fetch ?? fetch;
  }

  async getHealth(options?: BasaltRequestOptions): Promise<HealthReport> {
    // 503 carries a full report: the backend is reachable but unhealthy.
    return this.#request<HealthReport>('/health', options, [503]);
  }

  async #request<T>(
    path: string,
    options: BasaltRequestOptions | undefined,
    acceptedErrorStatuses: number[] = [],
  ): Promise<T> {
    const baseUrl = await this.#discovery.getBaseUrl(BASALT_PLUGIN_ID);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options?.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    const response = await this.#fetch(`${baseUrl}${path}`, {
      headers,
      signal: options?.signal,
    });
    if (!response.ok && !acceptedErrorStatuses.includes(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
