// A suite each engine driver's test file runs, so it exports tests.
/* eslint-disable jest/no-export */
import { EngineCluster, lagIsZero } from '@basalt/plugin-basalt-common';
import {
  EngineAddress,
  EngineContext,
  EngineDriver,
  InstanceProbe,
  RuntimeInstance,
  replicationSourceOf,
} from '@basalt/plugin-basalt-node';
import { checkEnginePrograms } from '../../runtime/local/enginePrograms';
import { LocalRuntime } from '../../runtime/local';
import { PortRange } from '../../runtime/local/PortAllocator';
import {
  clusterKey,
  eventually,
  Testbed,
} from '../../runtime/local/__testUtils__/testbed';

/** What the contract suite needs to know of one engine, beside its driver. */
export interface EngineDriverFixture {
  driver: EngineDriver;
  /**
   * A spec for a cluster of the engine with accounts (and databases, where
   * the engine has them), every default applied as admission would.
   */
  spec: EngineCluster['spec'];
  /**
   * Writes something through the primary at `address` as a client of the
   * cluster would, logging in as the spec's first account with its password
   * in `context`; rejects when the primary refuses writes or the login.
   */
  write(address: EngineAddress, context: EngineContext): Promise<void>;
  /** Ports the suite's instances may take. */
  ports: PortRange;
}

/**
 * What every engine driver must do, run against its real engine on the
 * local runtime: declarations that agree with each other, a primary and
 * replicas that probe as what they are, lag and positions that say when a
 * replica caught up, databases and accounts made once, a write lock that
 * holds, promotion and re-pointing. One cluster of three instances serves
 * the whole suite; the tests run in order, promotion last.
 */
export function describeEngineDriverContract(
  name: string,
  fixture: () => EngineDriverFixture,
) {
  describe(`EngineDriver contract: ${name}`, () => {
    const { driver, spec, write, ports } = fixture();
    const can = driver.capabilities;
    const cluster = clusterKey(name);
    let testbed: Testbed;
    let runtime: LocalRuntime;
    let context: EngineContext;
    let primary: RuntimeInstance;
    let replicas: RuntimeInstance[];

    beforeAll(async () => {
      testbed = await Testbed.create(ports);
      runtime = await testbed.runtime(['node-a', 'node-b', 'node-c'], {
        enforce: false,
      });
      const { credentials } = await runtime.ensureCredentials(
        cluster,
        spec.accounts.map(account => account.name),
      );
      context = { spec, credentials };
      const request = (index: number) => ({
        cluster,
        name: `${name}-${index}`,
        node: ['node-a', 'node-b', 'node-c'][index],
        driver,
        context,
      });
      primary = await runtime.ensureInstance({
        ...request(0),
        bootstrap: { from: 'scratch' },
      });
      await driver.ensureDatabasesAndAccounts(primary.address, context);
      replicas = [];
      for (const index of [1, 2]) {
        replicas.push(
          await runtime.ensureInstance({
            ...request(index),
            bootstrap: {
              from: 'replica-of',
              source: replicationSourceOf(primary),
            },
          }),
        );
      }
    });

    afterAll(() => testbed?.cleanup());

    /** The replica's probe once it has all the primary at `from` wrote. */
    async function caughtUp(replica: EngineAddress, from: EngineAddress) {
      const { position } = await driver.probe(from, context);
      return eventually(async () => {
        const probe = await driver.probe(replica, context);
        return probe.position !== undefined &&
          driver.comparePositions(probe.position, position!) >= 0 &&
          lagIsZero(probe.lag)
          ? probe
          : undefined;
      });
    }

    it('declares what it can do consistently', () => {
      expect(driver.versions).toContain(driver.defaultVersion);
      expect(can.replication.modes).toContain('async');
      expect(Boolean(can.replication.syncGuarantee)).toBe(
        can.replication.modes.includes('sync'),
      );
      expect(can.replication.lag.length).toBeGreaterThan(0);
      expect(can.accountRoles.length).toBeGreaterThan(0);
      expect(Boolean(driver.backups)).toBe(can.backups.methods.length > 0);
      // Point-in-time recovery replays archived log over a physical backup.
      expect(
        !can.backups.pointInTime || can.backups.methods.includes('physical'),
      ).toBe(true);
    });

    it('finds its programs where its process says they are', async () => {
      await expect(
        checkEnginePrograms(driver, driver.process.binDir),
      ).resolves.toBeUndefined();
    });

    it('probes the primary as a ready primary with a position and no lag', async () => {
      const probe = await driver.probe(primary.address, context);
      expect(probe).toMatchObject<Partial<InstanceProbe>>({
        ready: true,
        role: 'primary',
        position: expect.any(String),
      });
      expect(lagIsZero(probe.lag)).toBe(true);
      expect(Object.keys(probe.lag!)).toEqual(
        expect.arrayContaining(can.replication.lag),
      );
    });

    it('clones replicas that catch up with what the primary writes, in the units it declares', async () => {
      await write(primary.address, context);
      for (const replica of replicas) {
        const probe = await caughtUp(replica.address, primary.address);
        expect(probe).toMatchObject({ ready: true, role: 'replica' });
        expect(Object.keys(probe.lag!)).toEqual(
          expect.arrayContaining(can.replication.lag),
        );
      }
    });

    it('orders positions: what was written since is ahead, a position equals itself', async () => {
      const before = (await driver.probe(primary.address, context)).position!;
      await write(primary.address, context);
      const after = (await driver.probe(primary.address, context)).position!;
      expect(driver.comparePositions(after, before)).toBeGreaterThan(0);
      expect(driver.comparePositions(before, after)).toBeLessThan(0);
      expect(driver.comparePositions(after, after)).toBe(0);
    });

    it('creates databases and accounts once: a second pass changes nothing', async () => {
      await expect(
        driver.ensureDatabasesAndAccounts(primary.address, context),
      ).resolves.toEqual([]);
    });

    it("sets an account's rotated password: the new one logs in, the old one no more", async () => {
      const account = spec.accounts[0].name;
      await runtime.rotatePassword(cluster, account);
      const { credentials } = await runtime.ensureCredentials(
        cluster,
        spec.accounts.map(a => a.name),
      );
      expect(credentials.accounts[account]).not.toBe(
        context.credentials.accounts[account],
      );
      const rotated = { spec, credentials };

      const changes = await driver.ensureDatabasesAndAccounts(
        primary.address,
        rotated,
      );
      expect(changes).toHaveLength(1);
      expect(changes[0]).toContain(account);
      await write(primary.address, rotated);
      await expect(write(primary.address, context)).rejects.toThrow();
      await expect(
        driver.ensureDatabasesAndAccounts(primary.address, rotated),
      ).resolves.toEqual([]);
      context = rotated;
    });

    // Only what the engine declares: one without a write lock has no test.
    if (can.writeLock) {
      it('refuses writes while locked, and takes them again once unlocked', async () => {
        await driver.setWritesLocked(primary.address, context, true);
        await expect(write(primary.address, context)).rejects.toThrow();
        await driver.setWritesLocked(primary.address, context, true);
        await driver.setWritesLocked(primary.address, context, false);
        await expect(write(primary.address, context)).resolves.toBeUndefined();
      });
    }

    it('reads its log lines, and takes a line it does not know for info', () => {
      expect(driver.parseLogLine('\u0000 not a log line \u00ff')).toEqual({
        level: 'info',
      });
    });

    it('promotes a replica that then takes writes, and re-points another to it', async () => {
      const [promoted, other] = replicas;
      await caughtUp(promoted.address, primary.address);
      // Fenced first, as the controller does: never two primaries.
      await runtime.stopInstance(cluster, primary.name, 'clean');
      await driver.promote(promoted.address, context);
      expect(await driver.probe(promoted.address, context)).toMatchObject({
        ready: true,
        role: 'primary',
      });
      await driver.follow(
        { name: other.name, address: other.address },
        replicationSourceOf(promoted).peerAddress,
        context,
      );
      await write(promoted.address, context);
      const probe = await caughtUp(other.address, promoted.address);
      expect(probe.role).toBe('replica');
    });
  });
}
