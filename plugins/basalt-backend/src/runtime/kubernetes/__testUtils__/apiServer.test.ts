import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { startTestApiServer, TestApiServer } from './apiServer';

/** The pids of running processes whose command line contains `text`. */
function processesMatching(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('startTestApiServer', () => {
  let server: TestApiServer | undefined;

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  it('serves the API with admin and ServiceAccount tokens, and stops cleanly', async () => {
    server = await startTestApiServer();
    const version = await server
      .kubeConfig()
      .makeApiClient(VersionApi)
      .getCode();
    expect(version.gitVersion).toMatch(/^v1\.20\./);

    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'tokens' } } });
    await core.createNamespacedServiceAccount({
      namespace: 'tokens',
      body: { metadata: { name: 'reader' } },
    });
    const token = await server.serviceAccountToken('tokens', 'reader');
    // RBAC grants the ServiceAccount nothing: authenticated, yet forbidden.
    const asReader = server.kubeConfig(token).makeApiClient(CoreV1Api);
    await expect(asReader.listNamespace()).rejects.toMatchObject({
      code: 403,
    });
    const bogus = server.kubeConfig('not-a-token').makeApiClient(CoreV1Api);
    await expect(bogus.listNamespace()).rejects.toMatchObject({ code: 401 });

    const marker = new URL(server.url).port;
    expect(processesMatching(`secure-port=${marker}`)).toHaveLength(1);
    await server.stop();
    await server.stop();
    expect(processesMatching(`secure-port=${marker}`)).toEqual([]);
  }, 120_000);

  it('says how to provision the binaries when they are missing', async () => {
    const saved = process.env.KUBEBUILDER_ASSETS;
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-assets-'));
    process.env.KUBEBUILDER_ASSETS = empty;
    try {
      await expect(startTestApiServer()).rejects.toThrow(/scripts\/test\.sh/);
    } finally {
      if (saved === undefined) {
        delete process.env.KUBEBUILDER_ASSETS;
      } else {
        process.env.KUBEBUILDER_ASSETS = saved;
      }
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
