import { ChildProcess, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { freePort } from '../../../__testUtils__/processes';
import { sleep } from '../../local/processes';
import { CertificateFiles } from './dataPlane/pki';
import {
  hasExited,
  programOf,
  spawnGuarded,
  stopChild,
  tailOfFile,
} from './processes';

const run = promisify(execFile);

/** The Kubernetes version whose binaries `scripts/test.sh` provisions. */
export const KUBE_VERSION = '1.20.2';
/** The revision of their recipe (`BASALT_KUBE_RECIPE_REVISION` in `scripts/lib/kube-assets.sh`). */
const KUBE_RECIPE_REVISION = 'r2';

/** A real kube-apiserver backed by its own etcd, for one test suite. */
export interface TestApiServer {
  /** The API server's HTTPS address, e.g. `https://127.0.0.1:41234`. */
  url: string;
  /** A static token of a member of `system:masters`. */
  adminToken: string;
  /**
   * A client configuration for this server, authenticating with `token`, or
   * as the administrator when none is given. The serving certificate is
   * self-signed, so it is not verified.
   */
  kubeConfig(token?: string): KubeConfig;
  /**
   * Issues a one-hour token for an existing ServiceAccount through the
   * TokenRequest API, as a Pod's projected token would be.
   */
  serviceAccountToken(namespace: string, name: string): Promise<string>;
  /** GETs a path (e.g. `/metrics`) as the administrator; rejects unless 200. */
  get(path: string): Promise<string>;
  /** The API server's own files: its serving certificate and ServiceAccount key. */
  files: { servingCertFile: string; serviceAccountKeyFile: string };
  /**
   * Stops the API server, then etcd, waits for both to exit and removes
   * their directory. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/** What a {@link startTestApiServer} is set up for. */
export interface TestApiServerOptions {
  /**
   * Real kubelets join: each authenticates with its token as
   * `system:node:<node>` and is authorized as that node only (the Node
   * authorizer and NodeRestriction), and the API server reaches them with a
   * client certificate their `--client-ca-file` trusts. A controller-manager
   * runs beside it, so the admission plugins that need one stay enabled.
   */
  kubelets?: {
    clientCertificate: CertificateFiles;
    tokens: { node: string; token: string }[];
  };
  /** Where its directory goes; the system's temporary directory by default. */
  parentDir?: string;
}

/**
 * The directory holding `kube-apiserver` and `etcd`: `KUBEBUILDER_ASSETS`
 * (the envtest convention) or the cache `scripts/test.sh` provisions.
 */
export async function kubeAssetsDir(
  binaries = ['kube-apiserver', 'etcd'],
): Promise<string> {
  const cacheHome =
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const dir =
    process.env.KUBEBUILDER_ASSETS ??
    path.join(
      cacheHome,
      'basalt',
      'kube',
      `${KUBE_VERSION}-${KUBE_RECIPE_REVISION}`,
    );
  for (const binary of binaries) {
    try {
      await fs.access(path.join(dir, binary), fs.constants.X_OK);
    } catch {
      throw new Error(
        `No executable ${binary} in ${dir}: run scripts/test.sh (which provisions ` +
          'the Kubernetes binaries) or set KUBEBUILDER_ASSETS to a directory holding them',
      );
    }
  }
  return dir;
}

/**
 * Starts etcd and a kube-apiserver on free local ports, in a fresh temporary
 * directory, and resolves once the API server reports itself ready. Without
 * `options.kubelets` nothing else of a control plane runs: no scheduler, no
 * controllers, no kubelet. Whatever fails during start-up stops what was
 * already started.
 */
export async function startTestApiServer(
  options: TestApiServerOptions = {},
): Promise<TestApiServer> {
  const assets = await kubeAssetsDir();
  const dir = await fs.mkdtemp(
    path.join(options.parentDir ?? os.tmpdir(), 'basalt-kube-'),
  );
  const children: ChildProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    // The API server first: it would otherwise log etcd errors while exiting.
    stopped ??= (async () => {
      for (const child of [...children].reverse()) {
        await stopChild(child);
      }
      await fs.rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    children.push(
      spawnGuarded(
        path.join(assets, 'etcd'),
        [
          `--data-dir=${path.join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=default=${peerUrl}`,
          // etcd 3.4 otherwise fsyncs every write, slow for nothing in tests
          '--unsafe-no-fsync',
        ],
        path.join(dir, 'etcd.log'),
      ),
    );

    const saKey = path.join(dir, 'sa.key');
    await run('openssl', ['genrsa', '-out', saKey, '2048']);
    const adminToken = crypto.randomBytes(24).toString('hex');
    const tokens = path.join(dir, 'tokens.csv');
    const nodeTokens = (options.kubelets?.tokens ?? []).map(
      ({ node, token }) =>
        `${token},system:node:${node},system:node:${node},system:nodes\n`,
    );
    await fs.writeFile(
      tokens,
      [`${adminToken},admin,admin,system:masters\n`, ...nodeTokens].join(''),
      { mode: 0o600 },
    );

    const securePort = await freePort();
    children.push(
      spawnGuarded(
        path.join(assets, 'kube-apiserver'),
        [
          `--etcd-servers=${etcdUrl}`,
          `--secure-port=${securePort}`,
          '--bind-address=127.0.0.1',
          // 1.20 still serves an unauthenticated port 8080 by default,
          // which parallel suites would fight over.
          '--insecure-port=0',
          `--cert-dir=${path.join(dir, 'certs')}`,
          `--service-account-key-file=${saKey}`,
          `--service-account-signing-key-file=${saKey}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          `--token-auth-file=${tokens}`,
          '--service-cluster-ip-range=10.0.0.0/24',
          '--allow-privileged=true',
          '--kubelet-preferred-address-types=InternalIP',
          ...(options.kubelets
            ? kubeletFlags(options.kubelets.clientCertificate)
            : [
                '--authorization-mode=RBAC',
                // No controller-manager creates the `default` ServiceAccounts,
                // or removes the protection finalizers of released claims and
                // volumes (which the admission plugin would add).
                '--disable-admission-plugins=ServiceAccount,StorageObjectInUseProtection',
              ]),
        ],
        path.join(dir, 'kube-apiserver.log'),
      ),
    );

    const url = `https://127.0.0.1:${securePort}`;
    await waitUntilReady(url, adminToken, children, dir);

    const kubeConfig = (token?: string) =>
      makeKubeConfig(url, token ?? adminToken);
    return {
      url,
      adminToken,
      kubeConfig,
      serviceAccountToken: async (namespace, name) => {
        const core = kubeConfig().makeApiClient(CoreV1Api);
        const request = await core.createNamespacedServiceAccountToken({
          namespace,
          name,
          body: { spec: { audiences: [], expirationSeconds: 3600 } },
        });
        const token = request.status?.token;
        if (!token) {
          throw new Error(`No token issued for ${namespace}/${name}`);
        }
        return token;
      },
      get: urlPath => getText(`${url}${urlPath}`, adminToken, 10_000),
      files: {
        servingCertFile: path.join(dir, 'certs', 'apiserver.crt'),
        serviceAccountKeyFile: saKey,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** How the API server authorizes kubelets and authenticates to them. */
function kubeletFlags(clientCertificate: CertificateFiles): string[] {
  return [
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--kubelet-client-certificate=${clientCertificate.certFile}`,
    `--kubelet-client-key=${clientCertificate.keyFile}`,
    // The kubelets' serving certificates are self-signed: without
    // --kubelet-certificate-authority the API server does not verify them.
  ];
}

/** A client configuration with a single cluster, user and context. */
function makeKubeConfig(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'test', token }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kc;
}

/** GETs `url` with a bearer token; resolves with the body of a 200. */
function getText(
  url: string,
  token: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      {
        headers: { Authorization: `Bearer ${token}` },
        // The serving certificate is self-signed.
        rejectUnauthorized: false,
        timeout: timeoutMs,
      },
      response => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(body)
            : reject(new Error(`GET ${url}: ${response.statusCode} ${body}`)),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`GET ${url}: timeout`)),
    );
    request.on('error', reject);
  });
}

/** GETs `/readyz` once; resolves whether it answered 200 `ok`. */
function isReady(url: string, token: string): Promise<boolean> {
  return getText(`${url}/readyz`, token, 2_000).then(
    body => body.trim() === 'ok',
    () => false,
  );
}

/**
 * Polls `/readyz` for up to 60 s, failing early when one of the processes
 * exits, with the end of that process's log (`<dir>/<program>.log`).
 */
async function waitUntilReady(
  url: string,
  token: string,
  children: ChildProcess[],
  dir: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await isReady(url, token)) {
      return;
    }
    const dead = children.find(hasExited);
    if (dead || Date.now() >= deadline) {
      const program = dead ? programOf(dead) : 'kube-apiserver';
      const why = dead
        ? `${program} exited (${dead.exitCode ?? dead.signalCode})`
        : 'it did not become ready within 60 s';
      throw new Error(
        `kube-apiserver failed to start: ${why}. The log of ${program} ends with:\n${tailOfFile(
          path.join(dir, `${program}.log`),
        )}`,
      );
    }
    await sleep(250);
  }
}
