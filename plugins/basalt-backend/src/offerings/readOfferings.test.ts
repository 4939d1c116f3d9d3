import { ConfigReader } from '@backstage/config';
import { readOfferings } from './readOfferings';

function profiles(profile: object) {
  return new ConfigReader({
    basalt: {
      profiles: { p: { engines: { postgresql: ['15'] }, ...profile } },
    },
  });
}

describe('readOfferings: profile network rules', () => {
  it('defaults to TLS offered and clients from this host only', () => {
    const [profile] = readOfferings(profiles({}), []).profiles;
    expect(profile.network).toEqual({
      tls: 'optional',
      allowedNetworks: ['127.0.0.1/32'],
    });
  });

  it('reads tls and allowedNetworks', () => {
    const [profile] = readOfferings(
      profiles({ tls: 'required', allowedNetworks: ['10.0.0.0/8', '::1/128'] }),
      [],
    ).profiles;
    expect(profile.network).toEqual({
      tls: 'required',
      allowedNetworks: ['10.0.0.0/8', '::1/128'],
    });
  });

  it('refuses a bad CIDR, naming the key', () => {
    expect(() =>
      readOfferings(
        profiles({ allowedNetworks: ['127.0.0.1/32', '10.0.0.1/8'] }),
        [],
      ),
    ).toThrow(
      "basalt.profiles.p.allowedNetworks[1] must be a CIDR with no host bits set, e.g. 10.0.0.0/8, got '10.0.0.1/8'",
    );
  });

  it('refuses an unknown tls mode', () => {
    expect(() => readOfferings(profiles({ tls: 'on' }), [])).toThrow(
      "basalt.profiles.p.tls must be one of required, optional, got 'on'",
    );
  });
});
