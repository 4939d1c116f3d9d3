import { InputError } from '@backstage/errors';
import { engineClusterSpecSchema } from '@basalt/plugin-basalt-common';
import { renderPgHba, renderPostgresqlConf } from './configuration';

const input = (parameters: Record<string, string> = {}, dataDir = '/d') => ({
  dataDir,
  address: { host: '127.0.0.1', port: 5433 },
  spec: engineClusterSpecSchema.parse({ engine: 'postgresql', parameters }),
  replicationUser: 'basalt_replication',
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
      input({ Work_Mem: '64MB', application_name: "it's \\ fine" }),
    );
    expect(conf).toContain("work_mem = '64MB'");
    expect(conf).toContain("application_name = 'it''s \\\\ fine'");
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
    [{ work_mem: '1MB\nport = 1' }, /control character/],
  ])('refuses %j', (parameters, message) => {
    expect(() => renderPostgresqlConf(input(parameters))).toThrow(InputError);
    expect(() => renderPostgresqlConf(input(parameters))).toThrow(message);
  });
});

describe('renderPgHba', () => {
  it('allows password logins from 127.0.0.1 only', () => {
    const lines = renderPgHba(input())
      .split('\n')
      .filter(line => line && !line.startsWith('#'));
    expect(lines).toEqual([
      expect.stringMatching(/^local +all +all +scram-sha-256$/),
      expect.stringMatching(
        /^host +all +all +127\.0\.0\.1\/32 +scram-sha-256$/,
      ),
      expect.stringMatching(
        /^host +replication +"basalt_replication" +127\.0\.0\.1\/32 +scram-sha-256$/,
      ),
    ]);
  });
});
