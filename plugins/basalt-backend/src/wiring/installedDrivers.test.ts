import { EngineBackups, EngineDriver } from '@basalt/plugin-basalt-node';
import { MemoryDriver, MemoryWorld } from '../__testUtils__/memory';
import { installedDrivers } from './installedDrivers';

/** The in-memory driver with `changes` made to its backups. */
function memoryDriver(changes: Partial<EngineBackups>): EngineDriver {
  const driver = new MemoryDriver(new MemoryWorld());
  Object.assign(driver.backups, changes);
  return driver;
}

describe('installedDrivers', () => {
  it('installs one driver per engine, by engine id', () => {
    const driver = new MemoryDriver(new MemoryWorld());
    expect(installedDrivers([driver])).toEqual(new Map([['memory', driver]]));
  });

  it('refuses two drivers for one engine', () => {
    const world = new MemoryWorld();
    expect(() =>
      installedDrivers([new MemoryDriver(world), new MemoryDriver(world)]),
    ).toThrow('Two modules add a driver for the engine memory; install one');
  });

  it('refuses a driver that declares point-in-time recovery without saying how its log is archived', () => {
    expect(() =>
      installedDrivers([memoryDriver({ logArchiving: undefined })]),
    ).toThrow(
      "The driver for the engine memory declares point-in-time recovery but not how its log is archived (backups.logArchiving: 'pushed' or 'streamed')",
    );
  });

  it('refuses a driver that streams its log without a way to stream it', () => {
    expect(() =>
      installedDrivers([memoryDriver({ streamLog: undefined })]),
    ).toThrow(
      'The driver for the engine memory streams its log (backups.logArchiving) but has no backups.streamLog',
    );
  });
});
