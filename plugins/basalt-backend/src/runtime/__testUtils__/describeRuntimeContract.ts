// A suite each runtime's test file runs, so it exports tests.
/* eslint-disable jest/no-export */
import { NotFoundError } from '@backstage/errors';
import {
  ClusterKey,
  EngineContext,
  InstanceRequest,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { PostgresDriver } from '../../engines/postgresql';
import { postgresSpec } from '../../__testUtils__/manifests';
import { eventually } from '../../testUtils/eventually';

/** A runtime under test, and how to take down what it ran. */
export interface RuntimeFixture {
  runtime: Runtime;
  /** The nodes it was given, all of which are ready. */
  nodes: string[];
  /** A directory for a volume pool on every node. */
  poolPath: string;
  /** Stops the runtime and removes everything it ran. */
  cleanup(): Promise<void>;
}

const driver = new PostgresDriver();

/**
 * What every runtime must do with an engine's instances, run against a real
 * one: nodes, credentials made once, an instance created, adopted rather
 * than started twice, stopped and started again on its data, restarted
 * once per request, a host beside its data whose programs stream, its log,
 * and removal that leaves nothing. One cluster serves the suite; the tests
 * run in order.
 */
export function describeRuntimeContract(
  name: string,
  start: () => Promise<RuntimeFixture>,
) {
  describe(`Runtime contract: ${name}`, () => {
    let fixture: RuntimeFixture;
    let runtime: Runtime;
    let request: InstanceRequest;
    const cluster: ClusterKey = {
      namespace: 'contract',
      name: 'ledger',
      uid: `ledger-${Date.now().toString(36)}`,
    };
    const instance = 'ledger-0';

    beforeAll(async () => {
      fixture = await start();
      runtime = fixture.runtime;
    });

    afterAll(() => fixture?.cleanup());

    const ready = async (context: EngineContext) => {
      const [found] = await runtime.listInstances(cluster);
      return eventually(async () => {
        const probe = await driver.probe(found.address, context);
        return probe.ready ? probe : undefined;
      });
    };

    it('lists its nodes, ready', async () => {
      const nodes = await runtime.listNodes();
      expect(nodes.map(node => node.name).sort()).toEqual(
        [...fixture.nodes].sort(),
      );
      expect(nodes.every(node => node.ready)).toBe(true);
    });

    it('generates credentials once and returns them ever after', async () => {
      const first = await runtime.ensureCredentials(cluster, ['app']);
      const again = await runtime.ensureCredentials(cluster, ['app']);
      expect(again.credentials).toEqual(first.credentials);
      expect(first.credentials.accounts.app).toEqual(expect.any(String));
      request = {
        cluster,
        name: instance,
        node: fixture.nodes[0],
        bootstrap: { from: 'scratch' },
        driver,
        context: { spec: postgresSpec(), credentials: first.credentials },
        volume: {
          pool: 'default',
          poolPath: fixture.poolPath,
          sizeBytes: 512 * 1024 * 1024,
          throughputBytesPerSec: 0,
        },
      };
    });

    it("rotates one account's password and keeps every other credential", async () => {
      const before = await runtime.ensureCredentials(cluster, ['app', 'other']);
      await runtime.rotatePassword(cluster, 'app');
      const after = await runtime.ensureCredentials(cluster, ['app', 'other']);
      expect(after.credentials.accounts.app).not.toBe(
        before.credentials.accounts.app,
      );
      expect(after.credentials.accounts.app).toMatch(/^[\w-]{32}$/);
      expect({
        ...after.credentials,
        accounts: { ...after.credentials.accounts, app: 'rotated' },
      }).toEqual({
        ...before.credentials,
        accounts: { ...before.credentials.accounts, app: 'rotated' },
      });
    });

    it('creates an instance whose engine answers, and adopts it when asked again', async () => {
      const created = await runtime.ensureInstance(request);
      expect(created).toMatchObject({
        name: instance,
        node: fixture.nodes[0],
        running: true,
      });
      expect(await ready(request.context)).toMatchObject({ role: 'primary' });
      const [listed] = await runtime.listInstances(cluster);
      const adopted = await runtime.ensureInstance(request);
      expect(adopted.startedAt).toBe(listed.startedAt);
    });

    it('stops an instance, keeping its data, and starts it again on it', async () => {
      await runtime.stopInstance(cluster, instance, 'clean');
      await eventually(async () => {
        const [found] = await runtime.listInstances(cluster);
        return found && !found.running ? found : undefined;
      });
      await runtime.ensureInstance(request);
      expect(await ready(request.context)).toMatchObject({ role: 'primary' });
      const host = await runtime.instanceHost(cluster, instance, 'postgresql');
      await expect(host.fileExists('PG_VERSION')).resolves.toBe(true);
    });

    it('restarts an instance once per requested restart', async () => {
      const [before] = await runtime.listInstances(cluster);
      // Asked as the controller asks, at the time of the request: once the
      // clock is a second past the start (start times may be whole seconds).
      await eventually(async () =>
        Date.now() >= Date.parse(before.startedAt!) + 1000 ? true : undefined,
      );
      const restartedAt = new Date().toISOString();
      const restarted = await runtime.ensureInstance({
        ...request,
        restartedAt,
      });
      expect(Date.parse(restarted.startedAt!)).toBeGreaterThan(
        Date.parse(before.startedAt!),
      );
      const again = await runtime.ensureInstance({ ...request, restartedAt });
      expect(again.startedAt).toBe(restarted.startedAt);
    });

    it("gives a host beside an instance's data whose programs stream", async () => {
      const host = await runtime.instanceHost(cluster, instance, 'postgresql');
      const program = host.spawn('pg_controldata', [host.dataDir]);
      program.stdin.end();
      const chunks: Buffer[] = [];
      for await (const chunk of program.stdout) chunks.push(chunk);
      await program.exited;
      expect(Buffer.concat(chunks).toString()).toMatch(
        /Database cluster state:\s+in production/,
      );
      await expect(
        runtime.instanceHost(cluster, 'ledger-9', 'postgresql'),
      ).rejects.toThrow(NotFoundError);
    });

    it("reads the last lines of an instance's log", async () => {
      const lines: string[] = [];
      for await (const line of runtime.readLogs(cluster, instance, {
        tailLines: 50,
        follow: false,
        signal: new AbortController().signal,
      })) {
        lines.push(line);
      }
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(50);
      // What the engine itself wrote, as its driver reads it.
      expect(lines.some(line => driver.parseLogLine(line).timestamp)).toBe(
        true,
      );
    });

    it('removes an instance and the credentials, leaving nothing listed', async () => {
      await runtime.removeInstance(cluster, instance);
      await runtime.removeCredentials(cluster);
      await eventually(async () =>
        (await runtime.listInstances(cluster)).length === 0 ? true : undefined,
      );
      await expect(
        runtime.instanceHost(cluster, instance, 'postgresql'),
      ).rejects.toThrow(NotFoundError);
    });
  });
}
