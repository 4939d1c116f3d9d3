import {
  redisBindingEntries,
  redisConnectionSettings,
} from './connectionSettings';

describe('redisConnectionSettings', () => {
  it('names the account as a user, with the place of its password empty', () => {
    const settings = redisConnectionSettings({
      endpoint: '127.0.0.1:15440',
      account: 'app',
    });
    expect(settings).toEqual({
      url: 'redis://app:@127.0.0.1:15440',
      parameters: [
        { name: 'host', value: '127.0.0.1' },
        { name: 'port', value: '15440' },
        { name: 'username', value: 'app' },
      ],
    });
    // A name alone before the @ would be read as a password by clients of
    // Redis's older URL form.
    const url = new URL(settings.url);
    expect([url.username, url.password, url.port]).toEqual([
      'app',
      '',
      '15440',
    ]);
  });

  it('gives a Service Binding the entries servicebinding.io names for Redis', () => {
    expect(
      redisBindingEntries({
        endpoint: 'sessions-rw.basalt.svc:6379',
        account: 'app',
        password: 'secret',
      }),
    ).toEqual({
      type: 'redis',
      provider: 'basalt',
      host: 'sessions-rw.basalt.svc',
      port: '6379',
      username: 'app',
      password: 'secret',
    });
  });
});
