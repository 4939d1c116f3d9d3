import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import {
  ArchivedLogSource,
  BackupOrigin,
  BackupSink,
  BackupSource,
  EngineAddress,
  EngineBackups,
  EngineContext,
  EngineHost,
  LogStreamOptions,
  PhysicalBackupInfo,
  PhysicalRestoreOptions,
} from '@basalt/plugin-basalt-node';
import { key, MemoryWorld } from './MemoryWorld';

/** Writes per file of the in-memory engine's log. */
export const MEMORY_LOG_FILE_WRITES = 5;
/** How often a log stream looks for newly completed files. */
const STREAM_POLL_MS = 10;

/** A file of the log: the writes after position `from` up to `to`. */
interface MemoryLogFile {
  from: number;
  to: number;
  /** When the stream saw it complete (ISO 8601). */
  completedAt: string;
}

/** A physical backup's one object. */
interface MemoryImage {
  position: number;
  databases: string[];
  accounts: Array<[string, string]>;
}

/** `log-00000003`: the third file, writes 11 to 15. */
const fileName = (index: number) => `log-${String(index).padStart(8, '0')}`;
const indexOf = (name: string) => Number(name.slice('log-'.length));

/**
 * The in-memory engine's backups, for decision tests of backups and
 * point-in-time restores: physical and logical copies of an instance's
 * data, and a log streamed from the primary (`logArchiving: 'streamed'`)
 * in files of {@link MEMORY_LOG_FILE_WRITES} writes. A point-in-time
 * restore replays the files completed by the target time.
 */
export class MemoryBackups implements EngineBackups {
  readonly clientPrograms = [];
  readonly logArchiving = 'streamed';

  constructor(private readonly world: MemoryWorld) {}

  async backupPhysical(
    source: BackupOrigin,
    _context: EngineContext,
    sink: BackupSink,
  ): Promise<PhysicalBackupInfo> {
    const data = this.serving(source.address);
    const image: MemoryImage = {
      position: data.position,
      databases: [...data.databases],
      accounts: [...data.accounts],
    };
    await sink.write('data.json', jsonStream(image));
    const at = String(image.position);
    return { start: at, end: at };
  }

  async backupLogical(
    source: EngineAddress,
    _context: EngineContext,
    sink: BackupSink,
  ): Promise<void> {
    for (const database of this.serving(source).databases) {
      await sink.write(`${database}.json`, jsonStream({ database }));
    }
  }

  async restorePhysical(
    host: EngineHost,
    _context: EngineContext,
    backup: BackupSource,
    options: PhysicalRestoreOptions,
  ): Promise<void> {
    const image = await readJson<MemoryImage>(await backup.open('data.json'));
    let position = image.position;
    if (options.archive) {
      position = await replay(position, options.archive, options.targetTime);
    }
    this.world.create(host.dataDir, {
      role: 'primary',
      position,
      databases: new Set(image.databases),
      accounts: new Map(image.accounts),
      writesLocked: false,
      synchronous: false,
    });
  }

  async restoreLogical(
    primary: EngineAddress,
    _context: EngineContext,
    backup: BackupSource,
  ): Promise<string[]> {
    const data = this.serving(primary);
    const done: string[] = [];
    for (const name of backup.objects) {
      const { database } = await readJson<{ database: string }>(
        await backup.open(name),
      );
      data.databases.add(database);
      done.push(`loaded database ${database}`);
    }
    return done;
  }

  /** The files holding writes after `start`, in log order. */
  selectArchivedLog(files: string[], start: string): string[] {
    return files
      .filter(name => indexOf(name) * MEMORY_LOG_FILE_WRITES > Number(start))
      .sort();
  }

  /** The files holding no write after the oldest of `starts`. */
  unneededArchivedLog(files: string[], starts: string[]): string[] {
    const oldest = Math.min(...starts.map(Number));
    return files.filter(
      name => indexOf(name) * MEMORY_LOG_FILE_WRITES <= oldest,
    );
  }

  async checkRestored(address: EngineAddress): Promise<string> {
    return `${this.serving(address).databases.size} databases`;
  }

  /**
   * Archives each file of the primary's log once its last write is made,
   * starting after the newest file archived; rejects once the primary is
   * gone or no longer the primary.
   */
  async streamLog(
    primary: BackupOrigin,
    _context: EngineContext,
    { archived, archive, signal }: LogStreamOptions,
  ): Promise<void> {
    let next = Math.max(0, ...archived.map(indexOf)) + 1;
    while (!signal.aborted) {
      const data = this.world.serving(primary.address);
      if (data?.role !== 'primary') {
        throw new Error(`${key(primary.address)} no longer serves its log`);
      }
      while (data.position >= next * MEMORY_LOG_FILE_WRITES) {
        const file: MemoryLogFile = {
          from: (next - 1) * MEMORY_LOG_FILE_WRITES,
          to: next * MEMORY_LOG_FILE_WRITES,
          completedAt: new Date().toISOString(),
        };
        await archive(fileName(next), jsonStream(file));
        next += 1;
      }
      await sleep(STREAM_POLL_MS, undefined, { signal }).catch(() => {});
    }
  }

  private serving(address: EngineAddress) {
    const data = this.world.serving(address);
    if (!data) throw new Error(`connect ECONNREFUSED ${key(address)}`);
    return data;
  }
}

/**
 * Replays archived files onto data at `position`, up to the last file
 * completed by `targetTime` (all of them without one).
 *
 * @throws Error when a file is missing from the sequence.
 */
async function replay(
  position: number,
  archive: ArchivedLogSource,
  targetTime: string | undefined,
): Promise<number> {
  let reached = position;
  for (const name of archive.files) {
    const file = await readJson<MemoryLogFile>(await archive.open(name));
    if (targetTime && Date.parse(file.completedAt) > Date.parse(targetTime)) {
      break;
    }
    if (file.from > reached) {
      throw new Error(
        `The archived log has a gap: ${name} starts after write ${file.from}, the restore reached ${reached}`,
      );
    }
    reached = Math.max(reached, file.to);
  }
  return reached;
}

function jsonStream(value: unknown): Readable {
  return Readable.from([Buffer.from(JSON.stringify(value))]);
}

async function readJson<T>(stream: Readable): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}
