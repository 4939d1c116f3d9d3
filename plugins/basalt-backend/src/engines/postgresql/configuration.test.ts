import { InputError } from '@backstage/errors';
import { postgresSpec } from '../../__testUtils__/manifests';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  archiveSettings,
  lowersStandbyMinimums,
  renderPgHba,
  renderPostgresqlConf,
  resourceSettings,
  walSizeSettings,
} from './configuration';

const input = (
  parameters: Record<string, string> = {},
  dataDir = '/d',
  extra: { archiveDir?: string; logArchiving?: boolean } = {},
) => ({
  dataDir,
  address: { host: '127.0.0.1', port: 5433 },
  spec: postgresSpec({
    parameters,
    ...(extra.logArchiving !== undefined && {
      backup: { logArchiving: extra.logArchiving },
    }),
  }),
  replicationUser: 'basalt_replication',
  archiveDir: extra.archiveDir,
});

describe('renderPostgresqlConf', () => {
  it('listens on the instance address only, over TCP only', () => {
    const conf = renderPostgresqlConf(input());
    expect(conf).toContain("listen_addresses = '127.0.0.1'");
    expect(conf).toContain("port = '5433'");
    expect(conf).toContain("unix_socket_directories = ''");
    expect(conf).toContain("wal_retrieve_retry_interval = '100ms'");
    expect(conf).toContain("password_encryption = 'scram-sha-256'");
  });

  it('lets spec.parameters override defaults, quoted safely', () => {
    const conf = renderPostgresqlConf(
      input({ work_mem: '64MB', cluster_name: "it's \\ fine" }),
    );
    expect(conf).toContain("work_mem = '64MB'");
    expect(conf).toContain("cluster_name = 'it''s \\\\ fine'");
    expect(conf.match(/^shared_buffers/gm)).toHaveLength(1);
    const overridden = renderPostgresqlConf(input({ shared_buffers: '1GB' }));
    expect(overridden.match(/^shared_buffers.*$/gm)).toEqual([
      "shared_buffers = '1GB'",
    ]);
  });

  it.each([
    [{ port: '1' }, /managed by Basalt/],
    [{ listen_addresses: '*' }, /managed by Basalt/],
    [{ 'bad name': '1' }, /not a PostgreSQL parameter name/],
    [{ Work_Mem: '1MB' }, /not a PostgreSQL parameter name/],
    [{ work_mem: '1MB\nport = 1' }, /control character/],
    [{ archive_command: 'true' }, /runs a command on the host/],
    [{ archive_cleanup_command: 'true' }, /runs a command on the host/],
    [{ shared_preload_libraries: 'x' }, /loads a library/],
    [{ log_directory: '/tmp' }, /names a file or directory/],
    [{ ssl_passphrase_command: 'x' }, /runs a command on the host/],
  ])('refuses %j', (parameters, message) => {
    expect(() => renderPostgresqlConf(input(parameters))).toThrow(InputError);
    expect(() => renderPostgresqlConf(input(parameters))).toThrow(message);
  });
});

describe('renderPgHba', () => {
  const rules = (conf: string) =>
    conf
      .split('\n')
      .filter(line => line && !line.startsWith('#'))
      .map(line => line.split(/ +/).join(' '));

  it('allows password logins from 127.0.0.1 only by default', () => {
    expect(rules(renderPgHba(input()))).toEqual([
      'local all all scram-sha-256',
      'host replication "basalt_replication" 127.0.0.1/32 scram-sha-256',
      'host all all 127.0.0.1/32 scram-sha-256',
    ]);
  });

  it('allows clients from each allowed network, over TLS only when required', () => {
    const conf = renderPgHba({
      ...input(),
      superuser: 'basalt',
      network: {
        tls: 'required',
        allowedNetworks: ['10.0.0.0/8', '127.0.0.2/32'],
      },
    });
    expect(rules(conf)).toEqual([
      'local all all scram-sha-256',
      'host all "basalt" 127.0.0.1/32 scram-sha-256',
      'host replication "basalt_replication" 127.0.0.1/32 scram-sha-256',
      'hostssl all all 10.0.0.0/8 scram-sha-256',
      'hostssl all all 127.0.0.2/32 scram-sha-256',
    ]);
  });
});

describe('tlsSettings', () => {
  it("serves the cluster's certificate from the data directory", () => {
    const conf = renderPostgresqlConf({ ...input(), tls: true });
    expect(conf).toContain("ssl = 'on'");
    expect(conf).toContain("ssl_cert_file = 'server.crt'");
    expect(conf).toContain("ssl_key_file = 'server.key'");
    expect(conf).toContain("ssl_ca_file = 'ca.crt'");
    expect(conf).toContain("ssl_min_protocol_version = 'TLSv1.2'");
  });

  it('leaves TLS off without certificates', () => {
    expect(renderPostgresqlConf(input())).toContain("ssl = 'off'");
  });
});

describe('archiveSettings', () => {
  it('archives WAL into the archive directory when the runtime has one', () => {
    const conf = renderPostgresqlConf(
      input({}, '/d', { archiveDir: '/i/archive' }),
    );
    expect(conf).toContain("archive_mode = 'on'");
    expect(conf).toContain("archive_timeout = '60s'");
    expect(conf).toMatch(/^archive_command = '.*\/i\/archive\/%f.*'$/m);
  });

  it('does not archive without an archive directory, or when turned off', () => {
    expect(archiveSettings(input())).toEqual({ archive_mode: 'off' });
    expect(
      archiveSettings(
        input({}, '/d', { archiveDir: '/i/archive', logArchiving: false }),
      ),
    ).toEqual({ archive_mode: 'off' });
  });

  it('makes a file appear only complete, and accepts an identical one again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'basalt-archive-'));
    try {
      const archiveDir = path.join(dir, "it's archive");
      fs.mkdirSync(archiveDir);
      fs.mkdirSync(path.join(dir, 'pg_wal'));
      const segment = path.join(dir, 'pg_wal', '000000010000000000000001');
      fs.writeFileSync(segment, 'wal bytes');
      const { archive_command: command } = archiveSettings(
        input({}, dir, { archiveDir }),
      );
      const run = (file: string) =>
        execFileSync(
          '/bin/sh',
          ['-c', command.replace(/%p/g, `pg_wal/${file}`).replace(/%f/g, file)],
          { cwd: dir, stdio: 'pipe' },
        );

      run('000000010000000000000001');
      expect(fs.readdirSync(archiveDir)).toEqual(['000000010000000000000001']);
      expect(
        fs.readFileSync(
          path.join(archiveDir, '000000010000000000000001'),
          'utf8',
        ),
      ).toBe('wal bytes');
      // Archived again after a crash: identical, so it counts as done.
      run('000000010000000000000001');
      // A different file of the same name is refused.
      fs.writeFileSync(segment, 'other bytes');
      expect(() => run('000000010000000000000001')).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sizes WAL to the volume, so WAL alone cannot fill it', () => {
    const wal = (size: string) => {
      const base = input();
      return walSizeSettings({
        ...base,
        spec: { ...base.spec, storage: { size, pool: 'default' } },
      });
    };
    expect(wal('400Mi')).toEqual({
      max_wal_size: '100MB',
      min_wal_size: '50MB',
      wal_keep_size: '50MB',
    });
    expect(wal('1Gi')).toEqual({
      max_wal_size: '256MB',
      min_wal_size: '80MB',
      wal_keep_size: '128MB',
    });
    expect(wal('100Gi')).toEqual({
      max_wal_size: '1024MB',
      min_wal_size: '80MB',
      wal_keep_size: '256MB',
    });
  });
});

describe('resourceSettings', () => {
  const GiB = 2 ** 30;

  it.each([
    // class s: 1 core, 1 GiB
    [
      { cpuMillis: 1000, memoryBytes: GiB },
      {
        max_connections: '100',
        shared_buffers: '256MB',
        effective_cache_size: '768MB',
        work_mem: '2621kB',
        maintenance_work_mem: '64MB',
        max_parallel_workers: '1',
        max_parallel_workers_per_gather: '0',
      },
    ],
    // class m: 2 cores, 4 GiB
    [
      { cpuMillis: 2000, memoryBytes: 4 * GiB },
      {
        max_connections: '400',
        shared_buffers: '1024MB',
        effective_cache_size: '3072MB',
        work_mem: '2621kB',
        maintenance_work_mem: '256MB',
        max_parallel_workers: '2',
        max_parallel_workers_per_gather: '1',
      },
    ],
    // class l: 4 cores, 16 GiB; connections stop at 500
    [
      { cpuMillis: 4000, memoryBytes: 16 * GiB },
      {
        max_connections: '500',
        shared_buffers: '4096MB',
        effective_cache_size: '12288MB',
        work_mem: '8388kB',
        maintenance_work_mem: '1024MB',
        max_parallel_workers: '4',
        max_parallel_workers_per_gather: '2',
      },
    ],
    // half a core and 256 MiB: at least 25 connections, 1 worker
    [
      { cpuMillis: 500, memoryBytes: GiB / 4 },
      {
        max_connections: '25',
        shared_buffers: '64MB',
        effective_cache_size: '192MB',
        work_mem: '2621kB',
        maintenance_work_mem: '16MB',
        max_parallel_workers: '1',
        max_parallel_workers_per_gather: '0',
      },
    ],
  ])('sizes %o', (resources, expected) => {
    expect(resourceSettings({ resources })).toEqual(expected);
  });

  it("keeps PostgreSQL's small defaults without resources", () => {
    expect(resourceSettings({})).toEqual({
      max_connections: '100',
      shared_buffers: '128MB',
    });
  });

  it('lets spec.parameters override the sized settings', () => {
    const conf = renderPostgresqlConf({
      ...input({ shared_buffers: '2GB', max_connections: '42' }),
      resources: { cpuMillis: 2000, memoryBytes: 4 * GiB },
    });
    expect(conf.match(/^(shared_buffers|max_connections) .*$/gm)).toEqual([
      "max_connections = '42'",
      "shared_buffers = '2GB'",
    ]);
    expect(conf).toContain("effective_cache_size = '3072MB'");
  });
});

describe('lowersStandbyMinimums', () => {
  const at = (parameters: Record<string, string>, memoryGi?: number) => ({
    ...input(parameters),
    ...(memoryGi && {
      resources: { cpuMillis: 1000, memoryBytes: memoryGi * 2 ** 30 },
    }),
  });

  it('says so when a setting replicas need at least at the primary’s value goes down', () => {
    expect(
      lowersStandbyMinimums(
        at({ max_connections: '150' }),
        at({ max_connections: '120' }),
      ),
    ).toBe(true);
    expect(lowersStandbyMinimums(at({}, 4), at({}, 1))).toBe(true);
    expect(
      lowersStandbyMinimums(at({ max_locks_per_transaction: '128' }), at({})),
    ).toBe(true);
  });

  it('does not for increases and for other settings', () => {
    expect(
      lowersStandbyMinimums(
        at({ max_connections: '120' }),
        at({ max_connections: '150' }),
      ),
    ).toBe(false);
    expect(lowersStandbyMinimums(at({}, 1), at({}, 4))).toBe(false);
    expect(
      lowersStandbyMinimums(at({ work_mem: '64MB' }), at({ work_mem: '4MB' })),
    ).toBe(false);
  });
});
