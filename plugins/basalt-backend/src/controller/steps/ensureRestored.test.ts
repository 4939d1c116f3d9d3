import { mockServices } from '@backstage/backend-test-utils';
import {
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import { EngineContext } from '@basalt/plugin-basalt-node';
import { StoredOperation } from '../../store';
import {
  ObservedInstance,
  PendingRestore,
  ReconcileContext,
} from '../ReconcileContext';
import { BackupCorruptedError } from '../../backups/BackupCorruptedError';
import { ensureRestored, isPermanentRestoreError } from './ensureRestored';

const engine = {} as EngineContext;

const primary: ObservedInstance = {
  instance: {
    name: 'db-0',
    node: 'node-a',
    address: { host: '127.0.0.1', port: 5432 },
    running: true,
  },
  probe: { ready: true, role: 'primary' },
};

const loadOf = (phase: StoredOperation['phase']): StoredOperation => ({
  id: 'load-1',
  clusterUid: 'uid-1',
  generation: 1,
  kind: 'restore',
  target: 'db-0',
  phase,
  startedAt: '2026-12-06T10:00:00.000Z',
});

/**
 * A cluster whose first primary answers and whose logical restore is not
 * recorded done when the pass began; `restoredNow` is what the store says
 * now, and the operations are as given.
 */
function contextWith(
  options: {
    running?: StoredOperation[];
    interrupted?: StoredOperation[];
    restoredNow?: boolean;
  } = {},
) {
  const events: string[] = [];
  const undone = jest.fn(async () => {});
  const restore: PendingRestore = {
    description: 'backup b-1 (logical)',
    method: 'logical',
    primaryBootstrap: () => undefined,
    loadLogical: async () => [],
    markRestored: async () => {},
    markFailed: async () => {},
    isRestored: async () => !!options.restoredNow,
  };
  const start = jest.fn(async () => loadOf('Running'));
  const ctx = {
    restore,
    primaryInstance: 'db-0',
    logger: mockServices.logger.mock(),
    recordEvent: async (_type: string, reason: string) => {
      events.push(reason);
    },
    operations: {
      interrupted: async () => options.interrupted ?? [],
      undone,
      takeFailures: () => [],
      running: async () => options.running ?? [],
      start,
    },
  } as unknown as ReconcileContext;
  return { ctx, start, undone, events };
}

describe('ensureRestored, for a logical backup', () => {
  it('starts loading it as an operation once the primary answers', async () => {
    const { ctx, start } = contextWith();

    const outcome = await ensureRestored(ctx, engine, [primary]);

    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'restore',
        target: 'db-0',
        node: 'node-a',
      }),
      expect.any(Function),
    );
    expect(outcome.condition).toMatchObject({ restored: false });
    expect(outcome.loading).toHaveLength(1);
    expect(ctx.restore).toBeDefined();
  });

  it('waits while the load runs', async () => {
    const { ctx, start } = contextWith({ running: [loadOf('Running')] });

    const outcome = await ensureRestored(ctx, engine, [primary]);

    expect(start).not.toHaveBeenCalled();
    expect(outcome.loading).toMatchObject([{ id: 'load-1' }]);
  });

  it('does not load twice when the load ended after the pass began', async () => {
    const { ctx, start } = contextWith({ restoredNow: true });

    const outcome = await ensureRestored(ctx, engine, [primary]);

    expect(start).not.toHaveBeenCalled();
    expect(outcome.condition).toMatchObject({ restored: true });
    expect(ctx.restore).toBeUndefined();
  });

  it('loads again what a backend that stopped cut short, saying so', async () => {
    const { ctx, start, undone, events } = contextWith({
      interrupted: [loadOf('Interrupted')],
    });

    await ensureRestored(ctx, engine, [primary]);

    expect(events).toContain('RestoreInterrupted');
    expect(undone).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'load-1' }),
    );
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('waits for a primary that answers before loading anything', async () => {
    const { ctx, start } = contextWith();
    const starting = { ...primary, probe: { ready: false, role: 'unknown' } };

    await ensureRestored(ctx, engine, [starting as ObservedInstance]);

    expect(start).not.toHaveBeenCalled();
  });
});

describe('isPermanentRestoreError', () => {
  it.each([
    [
      'a corrupted backup',
      new BackupCorruptedError(
        'base.tar.gz',
        { size: 10, sha256: 'a' },
        { size: 10, sha256: 'b' },
      ),
    ],
    ['a backup gone', new NotFoundError('no such object')],
    ['an invalid source', new InputError('spec.restore.backup: no backup')],
    [
      'what the driver cannot restore',
      new NotImplementedError('no point-in-time recovery'),
    ],
  ])('gives up for %s, also when it is the cause', (_, cause) => {
    expect(isPermanentRestoreError(cause)).toBe(true);
    expect(
      isPermanentRestoreError(new Error('Could not create', { cause })),
    ).toBe(true);
  });

  it('tries again after any other failure', () => {
    expect(isPermanentRestoreError(new Error('port taken'))).toBe(false);
  });
});
