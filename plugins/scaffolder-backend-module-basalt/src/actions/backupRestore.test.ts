import { actionContext as context } from '../__testUtils__/basaltBackend';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createBackupRestoreAction, restoreRequestOf } from './backupRestore';

const SOURCE = { namespace: 'ci', name: 'orders-db' };

describe('basalt:backup:restore inputs', () => {
  it('asks for a new cluster named by the inputs, in the source namespace by default', () => {
    expect(restoreRequestOf({ ...SOURCE, targetName: 'orders-copy' })).toEqual({
      source: SOURCE,
      target: { namespace: 'ci', name: 'orders-copy' },
      request: { name: 'orders-copy' },
    });
    expect(
      restoreRequestOf({
        ...SOURCE,
        targetName: 'orders-db',
        targetNamespace: 'staging',
        time: '2026-11-24T08:30:00+01:00',
      }),
    ).toEqual({
      source: SOURCE,
      target: { namespace: 'staging', name: 'orders-db' },
      request: {
        name: 'orders-db',
        namespace: 'staging',
        time: '2026-11-24T08:30:00+01:00',
      },
    });
  });

  it('refuses a backup and a time together, naming both inputs', () => {
    expect(() =>
      restoreRequestOf({
        ...SOURCE,
        targetName: 'orders-copy',
        backup: '20261124T083012Z-7f3a',
        time: '2026-11-24T08:30:00Z',
      }),
    ).toThrow(
      'backup, time: give a backup id or a time to recover to, not both',
    );
  });

  it("refuses a time that is not ISO 8601 with its zone, in the API's words", () => {
    for (const time of [
      'yesterday',
      '2026-11-24 08:30',
      '2026-11-24T08:30:00',
    ]) {
      expect(() =>
        restoreRequestOf({ ...SOURCE, targetName: 'orders-copy', time }),
      ).toThrow(
        'time: must be a time in ISO 8601 with its zone, e.g. "2026-11-24T08:30:00Z"',
      );
    }
  });

  it('names each bad input: backup id, target name and namespace', () => {
    let error: unknown;
    try {
      restoreRequestOf({
        ...SOURCE,
        targetName: 'Orders_Copy',
        targetNamespace: 'Staging',
        backup: '../etc',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'InputError' });
    const message = (error as Error).message;
    expect(message).toContain(
      'backup: must be a backup id: letters, digits and dashes',
    );
    expect(message).toContain('targetName: must be a DNS label');
    expect(message).toContain('targetNamespace: must be a DNS label');
  });

  it('refuses to restore a cluster onto itself', () => {
    expect(() =>
      restoreRequestOf({ ...SOURCE, targetName: 'orders-db' }),
    ).toThrow(
      'targetName: must name a new cluster, not the source ci/orders-db',
    );
  });

  it('fails the step on bad inputs before calling Basalt, dry run or not', async () => {
    // An empty caller: any request would throw a TypeError instead.
    const action = createBackupRestoreAction({ basalt: {} as BasaltCaller });
    const input = {
      ...SOURCE,
      targetName: 'orders-copy',
      backup: 'b1',
      time: '2026-11-24T08:30:00Z',
    };
    for (const isDryRun of [false, true]) {
      await expect(
        action.handler(context(input, { isDryRun })),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          'backup, time: give a backup id or a time to recover to, not both',
      });
    }
  });
});
