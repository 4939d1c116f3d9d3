import { ConfigReader } from '@backstage/config';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { ClusterCertificates, readCertificatePolicy } from './certificates';

const cluster = { namespace: 'team', name: 'db', uid: 'u1' };
const hosts = ['localhost', '127.0.0.1'];
const DAY = 24 * 60 * 60 * 1000;

// RSA keys take a while on a busy machine.
jest.setTimeout(60_000);

describe('ClusterCertificates', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const certificates = new ClusterCertificates(
    { validityDays: 365, renewBeforeDays: 30 },
    () => now,
  );

  it('issues a CA and a server certificate for the hosts, signed by it', async () => {
    const tls = (await certificates.ensure(cluster, hosts, undefined))!;
    const ca = new X509Certificate(tls.caCertificate);
    const server = new X509Certificate(tls.certificate);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
    expect(Date.parse(server.validTo) - now.getTime()).toBeCloseTo(
      365 * DAY,
      -5,
    );
  });

  it('writes serial numbers every TLS library parses (minimal DER)', async () => {
    // A serial with a padding zero byte before one below 0x80 is illegal
    // DER: OpenSSL refuses such a certificate. Random serials hit it half
    // the time when done wrong, so a dozen show it.
    for (let i = 0; i < 6; i++) {
      const tls = (await certificates.ensure(cluster, hosts, undefined))!;
      for (const pem of [tls.caCertificate, tls.certificate]) {
        const { serialNumber } = new X509Certificate(pem);
        expect(serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
      }
    }
  });

  it('keeps a good certificate and renews a due one from the same CA', async () => {
    now = new Date('2026-01-01T00:00:00Z');
    const first = (await certificates.ensure(cluster, hosts, undefined))!;
    now = new Date(now.getTime() + 334 * DAY);
    expect(await certificates.ensure(cluster, hosts, first)).toBeUndefined();

    now = new Date(now.getTime() + 2 * DAY); // within 30 days of expiry
    const renewed = (await certificates.ensure(cluster, hosts, first))!;
    expect(renewed.caCertificate).toBe(first.caCertificate);
    expect(renewed.caKey).toBe(first.caKey);
    expect(renewed.certificate).not.toBe(first.certificate);
    expect(renewed.key).not.toBe(first.key);
    const ca = new X509Certificate(renewed.caCertificate);
    expect(new X509Certificate(renewed.certificate).checkIssued(ca)).toBe(true);
  });

  it('renews a certificate that does not name a host', async () => {
    const first = (await certificates.ensure(cluster, hosts, undefined))!;
    const more = [...hosts, 'db-rw.team.svc'];
    const renewed = (await certificates.ensure(cluster, more, first))!;
    expect(
      new X509Certificate(renewed.certificate).checkHost('db-rw.team.svc'),
    ).toBe('db-rw.team.svc');
    expect(renewed.caCertificate).toBe(first.caCertificate);
  });
});

describe('readCertificatePolicy', () => {
  it('defaults to a year, renewed 30 days before', () => {
    expect(readCertificatePolicy(undefined)).toEqual({
      validityDays: 365,
      renewBeforeDays: 30,
    });
  });

  it('refuses a renewal window as long as the validity', () => {
    expect(() =>
      readCertificatePolicy(
        new ConfigReader({
          serverCertificateValidityDays: 30,
          renewBeforeDays: 30,
        }),
      ),
    ).toThrow(
      /basalt.tls.renewBeforeDays \(30\) must be at least 0 and less than/,
    );
  });
});
