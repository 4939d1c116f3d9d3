import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { isIP } from 'node:net';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import forge from 'node-forge';
import { ClusterKey, ClusterTls } from '@basalt/plugin-basalt-node';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long certificates live, and when the server's is renewed. */
export interface CertificatePolicy {
  /** Validity of a new server certificate. Default: 365 days. */
  validityDays: number;
  /**
   * A server certificate this close to its expiry (or past it) is replaced
   * by a new one from the same CA. Default: 30 days.
   */
  renewBeforeDays: number;
}

export const DEFAULT_CERTIFICATE_POLICY: CertificatePolicy = {
  validityDays: 365,
  renewBeforeDays: 30,
};

/**
 * `basalt.tls.serverCertificateValidityDays` and `basalt.tls.renewBeforeDays`;
 * refuses a renewal window that is not shorter than the validity (every
 * reconcile would issue a new certificate).
 */
export function readCertificatePolicy(
  config: Config | undefined,
): CertificatePolicy {
  const policy: CertificatePolicy = {
    validityDays:
      config?.getOptionalNumber('serverCertificateValidityDays') ??
      DEFAULT_CERTIFICATE_POLICY.validityDays,
    renewBeforeDays:
      config?.getOptionalNumber('renewBeforeDays') ??
      DEFAULT_CERTIFICATE_POLICY.renewBeforeDays,
  };
  if (
    !(policy.renewBeforeDays >= 0) ||
    !(policy.validityDays > policy.renewBeforeDays)
  ) {
    throw new InputError(
      `basalt.tls.renewBeforeDays (${policy.renewBeforeDays}) must be at least 0 and less than basalt.tls.serverCertificateValidityDays (${policy.validityDays})`,
    );
  }
  return policy;
}

/** The CA outlives many server certificates: clients keep trusting it. */
const CA_VALIDITY_DAYS = 10 * 365;

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * Issues and renews each cluster's CA and server certificate. The server
 * certificate names `hosts` (DNS names and IP addresses clients use to
 * reach the cluster) so clients can verify it with `sslmode=verify-full`.
 */
export class ClusterCertificates {
  constructor(
    private readonly policy: CertificatePolicy = DEFAULT_CERTIFICATE_POLICY,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * `current` when it is still good (the server certificate names every
   * host and is not due for renewal), else new material: a new server
   * certificate from the same CA, or a new CA too when there is none or it
   * is about to expire itself. Undefined when nothing changed.
   */
  async ensure(
    cluster: ClusterKey,
    hosts: string[],
    current: ClusterTls | undefined,
  ): Promise<ClusterTls | undefined> {
    if (current && !this.needsRenewal(current.certificate, hosts)) {
      return undefined;
    }
    const ca =
      current && !this.dueBy(current.caCertificate, CA_VALIDITY_DAYS / 2)
        ? { certificate: current.caCertificate, key: current.caKey }
        : await this.issueCa(cluster);
    const server = await this.issueServer(cluster, hosts, ca);
    return {
      caCertificate: ca.certificate,
      caKey: ca.key,
      certificate: server.certificate,
      key: server.key,
    };
  }

  /** Whether a server certificate must be replaced: due, or missing a host. */
  needsRenewal(certificatePem: string, hosts: string[]): boolean {
    if (this.dueBy(certificatePem, this.policy.renewBeforeDays)) return true;
    const named = new X509Certificate(certificatePem).subjectAltName ?? '';
    const names = new Set(
      named.split(', ').map(entry => entry.replace(/^[^:]+:/, '')),
    );
    return hosts.some(host => !names.has(host));
  }

  private dueBy(certificatePem: string, days: number): boolean {
    const expiry = Date.parse(new X509Certificate(certificatePem).validTo);
    return expiry - this.now().getTime() <= days * DAY_MS;
  }

  private async issueCa(cluster: ClusterKey) {
    const key = await newKey();
    const subject = [
      { name: 'commonName', value: `Basalt CA ${clusterName(cluster)}` },
    ];
    const certificate = this.sign({
      publicKeyPem: key.publicKey,
      subject,
      issuer: subject,
      signingKeyPem: key.privateKey,
      days: CA_VALIDITY_DAYS,
      extensions: [
        {
          name: 'basicConstraints',
          cA: true,
          critical: true,
          pathLenConstraint: 0,
        },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ],
    });
    return { certificate, key: key.privateKey };
  }

  private async issueServer(
    cluster: ClusterKey,
    hosts: string[],
    ca: { certificate: string; key: string },
  ) {
    const key = await newKey();
    const caCertificate = forge.pki.certificateFromPem(ca.certificate);
    const certificate = this.sign({
      publicKeyPem: key.publicKey,
      subject: [
        { name: 'commonName', value: hosts[0] ?? clusterName(cluster) },
      ],
      issuer: caCertificate.subject.attributes,
      signingKeyPem: ca.key,
      days: this.policy.validityDays,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          critical: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: hosts.map(host =>
            isIP(host) ? { type: 7, ip: host } : { type: 2, value: host },
          ),
        },
      ],
    });
    return { certificate, key: key.privateKey };
  }

  private sign(input: {
    publicKeyPem: string;
    subject: forge.pki.CertificateField[];
    issuer: forge.pki.CertificateField[];
    signingKeyPem: string;
    days: number;
    extensions: object[];
  }): string {
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = forge.pki.publicKeyFromPem(input.publicKeyPem);
    // Random, unique per issue, and a minimal positive DER integer: the
    // first byte in 0x40-0x7f (a leading bit set would need a padding zero
    // byte, and a zero byte before one below 0x80 is illegal padding).
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x3f) | 0x40;
    certificate.serialNumber = serial.toString('hex');
    const now = this.now();
    // A little back-dated: clocks of clients and servers differ.
    certificate.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
    certificate.validity.notAfter = new Date(
      now.getTime() + input.days * DAY_MS,
    );
    certificate.setSubject(input.subject);
    certificate.setIssuer(input.issuer);
    certificate.setExtensions(input.extensions);
    certificate.sign(
      forge.pki.privateKeyFromPem(input.signingKeyPem),
      forge.md.sha256.create(),
    );
    // node-forge ends lines with CRLF; PEM files (and keys from Node) use LF.
    return forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
  }
}

function clusterName(cluster: ClusterKey): string {
  return `${cluster.namespace}/${cluster.name}`;
}

/** RSA: the key type node-forge signs with; generated off the main thread. */
function newKey(): Promise<{ publicKey: string; privateKey: string }> {
  return generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
}
