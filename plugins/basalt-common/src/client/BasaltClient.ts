import { ResponseError } from '@backstage/errors';
import { BASALT_PLUGIN_ID } from '../constants';
import {
  ClusterConnections,
  ClusterEvent,
  ClusterLogLine,
  ClusterResource,
  NodeSummary,
  PoolStatus,
  PasswordRotation,
  RevealedPassword,
} from '../cluster';
import { BackupMethod, BackupRecord, RestoreRequest } from '../backups';
import { HealthReport } from '../health';
import { EngineClusterInput } from '../manifest';
import { Offerings } from '../offerings';
import {
  BasaltApi,
  BasaltRequestOptions,
  ClusterListFilter,
  ClusterLogsHandlers,
  ClusterLogsQuery,
  ClusterPlan,
  ClusterRef,
} from './BasaltApi';
import { readEventStream } from './readEventStream';

const clusterPath = ({ namespace, name }: ClusterRef) =>
  `/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** What a request may add to the method, path and options. */
interface RequestExtras {
  body?: unknown;
  accept?: string;
  acceptedErrorStatuses?: number[];
}

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
    return this.#request<HealthReport>('GET', '/health', options, {
      acceptedErrorStatuses: [503],
    });
  }

  async getOfferings(options?: BasaltRequestOptions): Promise<Offerings> {
    return this.#request('GET', '/offerings', options);
  }

  async applyCluster(
    manifest: EngineClusterInput,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('POST', '/clusters', options, { body: manifest });
  }

  async planCluster(
    manifest: EngineClusterInput,
    options?: BasaltRequestOptions,
  ): Promise<ClusterPlan> {
    return this.#request('POST', '/clusters?dryRun=All', options, {
      body: manifest,
    });
  }

  async getCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('GET', clusterPath(ref), options);
  }

  async getConnections(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterConnections> {
    return this.#request('GET', `${clusterPath(ref)}/connections`, options);
  }

  async revealPassword(
    ref: ClusterRef,
    account: string,
    options?: BasaltRequestOptions,
  ): Promise<RevealedPassword> {
    return this.#request(
      'POST',
      `${clusterPath(ref)}/accounts/${encodeURIComponent(account)}/password`,
      options,
    );
  }

  async rotatePassword(
    ref: ClusterRef,
    account: string,
    options?: BasaltRequestOptions,
  ): Promise<PasswordRotation> {
    return this.#request(
      'POST',
      `${clusterPath(ref)}/accounts/${encodeURIComponent(
        account,
      )}/password/rotate`,
      options,
    );
  }

  async listClusters(
    filter: ClusterListFilter = {},
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource[]> {
    const query = new URLSearchParams();
    if (filter.namespace) query.set('namespace', filter.namespace);
    if (filter.owner) query.set('owner', filter.owner);
    for (const [key, value] of Object.entries(filter.labels ?? {})) {
      query.append('label', `${key}=${value}`);
    }
    const suffix = query.size ? `?${query}` : '';
    const { items } = await this.#request<{ items: ClusterResource[] }>(
      'GET',
      `/clusters${suffix}`,
      options,
    );
    return items;
  }

  async deleteCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('DELETE', clusterPath(ref), options);
  }

  async listClusterEvents(
    ref: ClusterRef,
    query: { limit?: number } = {},
    options?: BasaltRequestOptions,
  ): Promise<ClusterEvent[]> {
    const suffix = query.limit ? `?limit=${query.limit}` : '';
    const { items } = await this.#request<{ items: ClusterEvent[] }>(
      'GET',
      `${clusterPath(ref)}/events${suffix}`,
      options,
    );
    return items;
  }

  async streamClusterLogs(
    ref: ClusterRef,
    query: ClusterLogsQuery,
    handlers: ClusterLogsHandlers,
    options?: BasaltRequestOptions,
  ): Promise<void> {
    const params = new URLSearchParams();
    if (query.instance) params.set('instance', query.instance);
    if (query.tail !== undefined) params.set('tail', String(query.tail));
    if (query.follow !== undefined) params.set('follow', String(query.follow));
    const suffix = params.size ? `?${params}` : '';
    const response = await this.#send(
      'GET',
      `${clusterPath(ref)}/logs${suffix}`,
      options,
      { accept: 'text/event-stream' },
    );
    handlers.onOpen?.();
    if (!response.body) return;
    try {
      for await (const message of readEventStream(response.body)) {
        if (message.event === 'log') {
          handlers.onLine(JSON.parse(message.data) as ClusterLogLine);
        }
      }
    } catch (error) {
      // Aborting is how callers stop following; it is not a failure.
      if (!options?.signal?.aborted) throw error;
    }
  }

  async restartCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('POST', `${clusterPath(ref)}/restart`, options, {
      body: {},
    });
  }

  async switchoverCluster(
    ref: ClusterRef,
    target?: string,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('POST', `${clusterPath(ref)}/switchover`, options, {
      body: target ? { target } : {},
    });
  }

  async scaleCluster(
    ref: ClusterRef,
    replicas: number,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('POST', `${clusterPath(ref)}/scale`, options, {
      body: { replicas },
    });
  }

  async listNodes(options?: BasaltRequestOptions): Promise<NodeSummary[]> {
    const { items } = await this.#request<{ items: NodeSummary[] }>(
      'GET',
      '/nodes',
      options,
    );
    return items;
  }

  async getClusterManifest(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<string> {
    const response = await this.#send(
      'GET',
      `${clusterPath(ref)}/manifest`,
      options,
      { accept: 'application/yaml' },
    );
    return response.text();
  }

  async listPools(options?: BasaltRequestOptions): Promise<PoolStatus[]> {
    const { items } = await this.#request<{ items: PoolStatus[] }>(
      'GET',
      '/pools',
      options,
    );
    return items;
  }

  async listBackups(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord[]> {
    const { items } = await this.#request<{ items: BackupRecord[] }>(
      'GET',
      `${clusterPath(ref)}/backups`,
      options,
    );
    return items;
  }

  async getBackup(
    ref: ClusterRef,
    id: string,
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord> {
    return this.#request(
      'GET',
      `${clusterPath(ref)}/backups/${encodeURIComponent(id)}`,
      options,
    );
  }

  async createBackup(
    ref: ClusterRef,
    request: { method?: BackupMethod } = {},
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord> {
    return this.#request('POST', `${clusterPath(ref)}/backups`, options, {
      body: request,
    });
  }

  async restoreCluster(
    source: ClusterRef,
    request: RestoreRequest,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource> {
    return this.#request('POST', `${clusterPath(source)}/restore`, options, {
      body: request,
    });
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: BasaltRequestOptions | undefined,
    extra: RequestExtras = {},
  ): Promise<T> {
    const response = await this.#send(method, path, options, extra);
    return (await response.json()) as T;
  }

  /** Sends a request; rejects with a `ResponseError` unless it succeeded. */
  async #send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: BasaltRequestOptions | undefined,
    extra: RequestExtras = {},
  ): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl(BASALT_PLUGIN_ID);
    const headers: Record<string, string> = {
      Accept: extra.accept ?? 'application/json',
    };
    if (options?.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    if (extra.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await this.#fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: extra.body === undefined ? undefined : JSON.stringify(extra.body),
      signal: options?.signal,
    });
    if (
      !response.ok &&
      !extra.acceptedErrorStatuses?.includes(response.status)
    ) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
