import { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { Client } from 'pg';
import { podsOf, withRole } from '../../src/__testUtils__/kubernetesBackend';
import { ClusterCredentials } from '@basalt/plugin-basalt-node';
import { credentialsIn } from '../../src/runtime/kubernetes/manifests/cluster';
import { ENGINE_CONTAINER } from '../../src/runtime/kubernetes/manifests/pod';
import { LABELS, ObjectNames } from '../../src/runtime/kubernetes/names';

/**
 * Writes to a cluster's primary as its read-write Service selects it: the
 * Pod labelled `basalt.dev/role=primary`, reached at its own address
 * (`status.podIP`, its node's on the host network, and the engine
 * container's port), as the cluster's superuser from its Secret.
 */
export class PrimaryWriter {
  readonly #admin: KubeConfig;
  readonly #cluster: ClusterResource;
  #credentials?: ClusterCredentials;
  /** Why the last write that failed did. */
  lastError?: string;

  constructor(admin: KubeConfig, cluster: ClusterResource) {
    this.#admin = admin;
    this.#cluster = cluster;
  }

  /** The Pod labelled primary that has an address and is not being deleted. */
  async primary(): Promise<V1Pod | undefined> {
    const pods = withRole(await podsOf(this.#admin, this.#cluster), 'primary');
    return pods.find(
      pod => pod.status?.podIP && !pod.metadata?.deletionTimestamp,
    );
  }

  /**
   * Whether a row was inserted on a connection opened now to `pod` (a
   * replica, or an engine not up yet, refuses it).
   */
  async tryWrite(pod: V1Pod): Promise<boolean> {
    const credentials = await this.#credentialsOrNone();
    if (!credentials) {
      this.lastError = 'no credentials in the Secret yet';
      return false;
    }
    const client = new Client({
      host: pod.status!.podIP,
      port: pod.spec!.containers.find(c => c.name === ENGINE_CONTAINER)!
        .ports![0].containerPort,
      user: credentials.superuser.username,
      password: credentials.superuser.password,
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    // A connection the server ends must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(
        'CREATE TABLE IF NOT EXISTS bench (t timestamptz); INSERT INTO bench VALUES (now())',
      );
      return true;
    } catch (error) {
      this.lastError = `${pod.metadata?.name}: ${(error as Error).message}`;
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  async #credentialsOrNone(): Promise<ClusterCredentials | undefined> {
    if (!this.#credentials) {
      const secret = await this.#admin
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({
          namespace: 'basalt',
          name: new ObjectNames(this.#cluster.metadata).credentialsSecret,
        })
        .catch(() => undefined);
      this.#credentials = credentialsIn(secret);
    }
    return this.#credentials;
  }
}

/** The instance a Pod runs, from its label. */
export const instanceOf = (pod: V1Pod): string | undefined =>
  pod.metadata?.labels?.[LABELS.instance];
