import { ClusterCertificates } from '../../certificates';
import { generateCredentials } from '../../credentials';
import { credentialsIn, credentialsSecret } from './cluster';

describe('credentialsSecret', () => {
  it('keeps the TLS material with the credentials, and the CA alone under ca.crt', async () => {
    const cluster = { namespace: 'team', name: 'db', uid: 'u1' };
    const tls = await new ClusterCertificates().ensure(
      cluster,
      ['db-rw.team.svc'],
      undefined,
    );
    const credentials = { ...generateCredentials(), tls };
    const secret = credentialsSecret({
      cluster,
      kubeNamespace: 'team',
      credentials,
      owner: { apiVersion: 'v1', kind: 'ConfigMap', name: 'db', uid: 'c1' },
    });
    expect(secret.stringData!['ca.crt']).toBe(tls!.caCertificate);
    const stored = {
      ...secret,
      data: Object.fromEntries(
        Object.entries(secret.stringData!).map(([key, value]) => [
          key,
          Buffer.from(value).toString('base64'),
        ]),
      ),
    };
    expect(credentialsIn(stored)).toEqual(credentials);
  });
});
