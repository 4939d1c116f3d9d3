import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ClusterLogLine, clusterRefOf } from '@basalt/plugin-basalt-common';
import {
  EngineDriver,
  ParsedLogLine,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { ClusterService } from './ClusterService';
import { LogsQuery } from './logsQuery';
import { mergeAsync } from './mergeAsync';

/**
 * Engine logs of clusters, permission-checked like reading the cluster:
 * raw lines from the runtime, read by the engine's driver.
 */
export class ClusterLogs {
  readonly #closing = new AbortController();

  constructor(
    private readonly deps: {
      clusters: ClusterService;
      runtime: Runtime;
      drivers: Map<string, EngineDriver>;
    },
  ) {}

  /**
   * Checks the request and opens the log of one instance, or of all the
   * cluster's instances merged as lines arrive (the tail of each first).
   * Everything that can be refused is refused here, before any line is
   * read, so the route can still answer with an error status.
   *
   * @throws NotFoundError, NotAllowedError, or InputError for an instance
   * the cluster does not have.
   */
  async open(
    namespace: string,
    name: string,
    query: LogsQuery,
    credentials: BackstageCredentials,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ClusterLogLine>> {
    const cluster = await this.deps.clusters.get(namespace, name, credentials);
    const key = { namespace, name, uid: cluster.metadata.uid };
    // The runtime's instances, stopped ones too: their logs say why.
    const existing = (await this.deps.runtime.listInstances(key))
      .map(instance => instance.name)
      .sort();
    if (query.instance !== undefined && !existing.includes(query.instance)) {
      throw new InputError(
        `instance: EngineCluster ${clusterRefOf(cluster)} has ${
          existing.length ? `instances ${existing.join(', ')}` : 'no instances'
        }, not '${query.instance}'`,
      );
    }
    const driver = this.deps.drivers.get(cluster.spec.engine);
    const parse = (line: string): ParsedLogLine =>
      driver ? driver.parseLogLine(line) : { level: 'info' };
    const options = {
      tailLines: query.tail,
      follow: query.follow,
      signal: AbortSignal.any([signal, this.#closing.signal]),
    };
    return mergeAsync(
      (query.instance ? [query.instance] : existing).map(instance =>
        mapAsync(
          this.deps.runtime.readLogs(key, instance, options),
          (message): ClusterLogLine => ({
            instance,
            ...parse(message),
            message,
          }),
        ),
      ),
    );
  }

  /**
   * Ends every open log stream, so that a backend shutting down is not held
   * up by clients following logs.
   */
  close(): void {
    this.#closing.abort();
  }
}

async function* mapAsync<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U,
): AsyncGenerator<U> {
  for await (const value of source) yield map(value);
}
