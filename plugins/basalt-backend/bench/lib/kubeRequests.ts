import { readdirSync, readFileSync } from 'node:fs';
import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { TestApiServer } from '../../src/runtime/kubernetes/__testUtils__/apiServer';

/** Requests by kind, e.g. `LIST pods` → 1000. */
export type RequestCounts = Map<string, number>;

/** HTTP methods by the API server's verbs. */
const VERBS: Record<string, string> = {
  POST: 'CREATE',
  PUT: 'UPDATE',
};

/** `CREATE pods`, `PATCH pods/status`: a verb, a resource, its subresource. */
function kindOf(verb: string, resource: string, subresource?: string): string {
  return `${VERBS[verb] ?? verb} ${resource}${
    subresource ? `/${subresource}` : ''
  }`;
}

/**
 * `LIST pods`, `WATCH nodes`, `PATCH pods/status`: the verb as the API
 * server's metrics name it (a GET of a collection is a LIST, with
 * `watch=true` a WATCH) and the resource with its subresource.
 */
function requestKind(method: string, url: string): string {
  const { pathname, searchParams } = new URL(url);
  const segments = pathname.split('/').filter(Boolean);
  // /api/v1/… or /apis/<group>/<version>/…
  const rest = segments.slice(segments[0] === 'apis' ? 3 : 2);
  const [resource = pathname, name, subresource] =
    rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  let verb = method;
  if (method === 'GET' && searchParams.get('watch') === 'true') verb = 'WATCH';
  else if (method === 'GET' && !name) verb = 'LIST';
  return kindOf(verb, resource, subresource);
}

/**
 * A client configuration that counts every request made with it: the API
 * clients (`makeApiClient`), watches and logs authenticate each request
 * through `applySecurityAuthentication`, exec and port-forward each
 * WebSocket through `applyToHTTPSOptions`.
 */
export class CountingKubeConfig extends KubeConfig {
  private readonly counts: RequestCounts = new Map();

  /** A counting copy of `source` (same clusters, users and context). */
  static of(source: KubeConfig): CountingKubeConfig {
    const config = new CountingKubeConfig();
    config.loadFromOptions({
      clusters: source.clusters,
      users: source.users,
      contexts: source.contexts,
      currentContext: source.currentContext,
    });
    return config;
  }

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    this.record(requestKind(context.getHttpMethod(), context.getUrl()));
    await super.applySecurityAuthentication(context);
  }

  override async applyToHTTPSOptions(
    options: Parameters<KubeConfig['applyToHTTPSOptions']>[0],
  ): Promise<void> {
    this.record('CONNECT websocket');
    await super.applyToHTTPSOptions(options);
  }

  /** The counts so far (a copy). */
  snapshot(): RequestCounts {
    return new Map(this.counts);
  }

  private record(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
}

/** What was counted between two snapshots. */
export function countsSince(
  before: RequestCounts,
  after: RequestCounts,
): RequestCounts {
  const delta: RequestCounts = new Map();
  for (const [kind, count] of after) {
    const added = count - (before.get(kind) ?? 0);
    if (added) delta.set(kind, added);
  }
  return delta;
}

const fixed = (value: number) =>
  Number.isInteger(value) ? String(value) : value.toFixed(1);

export const totalOf = (counts: RequestCounts): number =>
  [...counts.values()].reduce((sum, count) => sum + count, 0);

/** `4001 (1000 LIST pods, …, 1 LIST nodes)`, largest first; scaled by `per`. */
export function describeCounts(counts: RequestCounts, per = 1): string {
  const total = totalOf(counts) / per;
  if (!total) return '0';
  const parts = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, count]) => `${fixed(count / per)} ${kind}`);
  return `${fixed(total)} (${parts.join(', ')})`;
}

/**
 * `apiserver_request_total` from the API server's `/metrics`, by kind as
 * {@link requestKind} names them, counting only requests of clients that
 * speak JSON: the API server's own loopback clients (its bootstrap
 * controllers, which read and write in the background) speak protobuf.
 * Non-resource requests (`/metrics`, `/readyz`) are left out. A watch is
 * counted when it ends.
 */
export async function serverRequestCounts(
  apiServer: Pick<TestApiServer, 'get'>,
): Promise<RequestCounts> {
  const text = await apiServer.get('/metrics');
  const counts: RequestCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [
        key,
        value,
      ]),
    );
    if (!labels.resource || labels.contentType.includes('protobuf')) continue;
    const kind = kindOf(labels.verb, labels.resource, labels.subresource);
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    counts.set(kind, (counts.get(kind) ?? 0) + value);
  }
  return counts;
}

/**
 * CPU time (user + system, ms) of each child process of this one by its
 * command name, e.g. `{ 'kube-apiserver': 5120, etcd: 830 }`, from
 * `/proc`; empty where there is no `/proc`.
 */
export function childCpuMs(): Record<string, number> {
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture in use
  const result: Record<string, number> = {};
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter(entry => /^\d+$/.test(entry));
  } catch {
    return result;
  }
  for (const pid of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid … utime stime: fields 4, 14 and 15.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    if (Number(fields[1]) !== process.pid) continue;
    const name = stat.slice(open + 1, close);
    const ms =
      ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    result[name] = (result[name] ?? 0) + ms;
  }
  return result;
}
