import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import {
  CoreV1Api,
  Exec,
  KubeConfig,
  Log,
  PortForward,
  V1Pod,
  V1Status,
} from '@kubernetes/client-node';
import { Client } from 'pg';
import { startTestApiServer, TestApiServer } from './apiServer';
import { KubeletSimulator } from './kubelet';
import { podIsReady } from '../podState';
import { eventually } from '../../../testUtils/eventually';

const NS = 'sim';

/**
 * Pids of the processes with a mount from `dir`: a simulator's container
 * processes all have their Pod's hosts file mounted from its directory.
 * Other tests' processes (e.g. running as nobody too) do not count.
 */
function processesMounting(dir: string): string[] {
  const pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
  return pids.filter(pid => {
    try {
      return fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(dir);
    } catch {
      return false; // exited meanwhile
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Collects what is written, synchronously, so nothing arrives late. */
function collector(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

interface ExecResult {
  stdout: string;
  stderr: string;
  status?: V1Status;
}

/** Runs a command in a container through the API server, as kubectl exec. */
async function execIn(
  kc: KubeConfig,
  pod: string,
  container: string,
  command: string[],
  stdin?: Readable,
): Promise<ExecResult> {
  const stdout = collector();
  const stderr = collector();
  return new Promise((resolve, reject) => {
    let status: V1Status | undefined;
    new Exec(kc)
      .exec(
        NS,
        pod,
        container,
        command,
        stdout,
        stderr,
        stdin ?? null,
        false,
        s => {
          status = s;
        },
      )
      .then(ws =>
        ws.addEventListener('close', () =>
          resolve({ stdout: stdout.text(), stderr: stderr.text(), status }),
        ),
      )
      .catch(reject);
  });
}

/** The pid of a container's process, from its (simulated) container ID. */
function containerPid(pod: V1Pod, container: string): number {
  const id = pod.status?.containerStatuses?.find(
    c => c.name === container,
  )?.containerID;
  return Number(id?.replace('simulated://', ''));
}

function podSpec(
  name: string,
  node: string,
  extra: Partial<V1Pod['spec']> = {},
): V1Pod {
  return {
    metadata: { name, namespace: NS },
    spec: {
      nodeName: node,
      // sleep, PID 1 of its container, ignores SIGTERM (as it would in a
      // real one): deleting the Pod takes the whole grace period.
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: 'main',
          image: 'postgres:15',
          command: ['sh', '-c', 'echo started; exec sleep 600'],
        },
      ],
      ...extra,
    },
  };
}

describe('KubeletSimulator', () => {
  let server: TestApiServer | undefined;
  let simulator: KubeletSimulator | undefined;
  let kc: KubeConfig;
  let core: CoreV1Api;
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'basalt-sim-volumes-'));

  const readPod = (name: string) =>
    core.readNamespacedPod({ name, namespace: NS });
  const waitForPod = (
    name: string,
    test: (pod: V1Pod) => boolean,
    message: string,
  ) =>
    eventually(
      async () => {
        const pod = await readPod(name);
        return test(pod) ? pod : undefined;
      },
      { timeoutMs: 30_000, what: `${name}: ${message}` },
    );
  const waitUntilGone = (name: string) =>
    eventually(
      () =>
        readPod(name).then(
          () => undefined,
          () => true,
        ),
      {
        timeoutMs: 30_000,
        what: `${name} to leave the API`,
      },
    );

  /** A hostPath PersistentVolume and a claim bound to it (no controller binds them). */
  async function createBoundClaim(name: string): Promise<string> {
    const hostPath = path.join(hostDir, name);
    await core.createPersistentVolume({
      body: {
        metadata: { name: `${NS}-${name}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
          claimRef: { namespace: NS, name },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          volumeName: `${NS}-${name}`,
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    return hostPath;
  }

  beforeAll(async () => {
    server = await startTestApiServer();
    kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    simulator = new KubeletSimulator({
      kubeConfig: kc,
      nodes: ['node-a', 'node-b'],
    });
    await simulator.start();
    await core.createNamespace({ body: { metadata: { name: NS } } });
  }, 90_000);

  afterAll(async () => {
    // Also when a test failed: nothing may outlive the suite.
    try {
      await simulator?.stop();
    } finally {
      await server?.stop();
      fs.rmSync(hostDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('registers its nodes Ready at their kubelet ports', async () => {
    const node = await core.readNode({ name: 'node-a' });
    const ready = node.status?.conditions?.find(c => c.type === 'Ready');
    expect(ready?.status).toBe('True');
    expect(node.status?.addresses).toContainEqual({
      type: 'InternalIP',
      address: '127.0.0.1',
    });
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(
      simulator!.kubeletPort('node-a'),
    );
  });

  it('runs a container as nobody, with exec, stdin, exit codes and logs through the API server', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: podSpec('shell', 'node-a', {
        hostname: 'shell-0',
        subdomain: 'db',
      }),
    });
    const pod = await waitForPod('shell', podIsReady, 'Running and Ready');
    expect(pod.status?.phase).toBe('Running');
    const podIP = pod.status?.podIP ?? '';
    expect(podIP).toMatch(/^127\.1\.\d+\.\d+$/);

    const who = await execIn(kc, 'shell', 'main', [
      'sh',
      '-c',
      'id -un; cat /etc/hosts',
    ]);
    expect(who.status?.status).toBe('Success');
    expect(who.stdout).toMatch(/^nobody\n/);
    expect(who.stdout).toContain(
      `${podIP}\tshell-0.db.${NS}.svc.cluster.local\tshell-0`,
    );

    // stdin kept open: head exits after 5 bytes, and its output arrives.
    const input = new PassThrough();
    input.write('hello world');
    const head = await execIn(kc, 'shell', 'main', ['head', '-c', '5'], input);
    input.end();
    expect(head).toMatchObject({
      stdout: 'hello',
      status: { status: 'Success' },
    });

    // stdin ended: the v5 protocol tells the command, which then sees EOF.
    const counted = await execIn(
      kc,
      'shell',
      'main',
      ['wc', '-c'],
      Readable.from(['hello world']),
    );
    expect(counted.stdout.trim()).toBe('11');

    const failed = await execIn(kc, 'shell', 'main', [
      'sh',
      '-c',
      'echo oops >&2; exit 3',
    ]);
    expect(failed.stderr).toBe('oops\n');
    expect(failed.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });

    // As in a real container, exec joins the container's processes: what
    // a command leaves running in the background (a server started with
    // `pg_ctl start`) outlives it, and a later command sees it by its pid.
    const background = await execIn(kc, 'shell', 'main', [
      'sh',
      '-c',
      'sleep 600 > /dev/null 2>&1 & echo $!',
    ]);
    const seen = await execIn(kc, 'shell', 'main', [
      'kill',
      '-0',
      background.stdout.trim(),
    ]);
    expect(seen.status?.status).toBe('Success');

    const log = await core.readNamespacedPodLog({
      name: 'shell',
      namespace: NS,
      container: 'main',
    });
    expect(log).toBe('started\n');
    const followed = collector();
    const follow = await new Log(kc).log(NS, 'shell', 'main', followed, {
      follow: true,
      tailLines: 1,
    });
    await eventually(
      async () => (followed.text().includes('started') ? true : undefined),
      { timeoutMs: 30_000, what: 'followed logs' },
    );
    const followEnded = new Promise(resolve =>
      followed.once('finish', resolve),
    );

    const pid = containerPid(pod, 'main');
    expect(isAlive(pid)).toBe(true);
    await core.deleteNamespacedPod({ name: 'shell', namespace: NS });
    await waitUntilGone('shell');
    expect(isAlive(pid)).toBe(false);
    await followEnded; // following stops with the container
    expect(follow.signal.aborted).toBe(false);
  }, 120_000);

  it('mounts a hostPath PersistentVolume that outlives the Pod', async () => {
    const hostPath = await createBoundClaim('data');
    const body = podSpec('writer', 'node-a', {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    });
    body.spec!.containers[0].volumeMounts = [
      { name: 'data', mountPath: '/var/lib/basalt/data' },
    ];
    await core.createNamespacedPod({ namespace: NS, body });
    await waitForPod('writer', podIsReady, 'Ready');
    const wrote = await execIn(kc, 'writer', 'main', [
      'sh',
      '-c',
      'echo kept > /var/lib/basalt/data/file',
    ]);
    expect(wrote.status?.status).toBe('Success');
    expect(fs.readFileSync(path.join(hostPath, 'file'), 'utf8')).toBe('kept\n');

    await core.deleteNamespacedPod({
      name: 'writer',
      namespace: NS,
      gracePeriodSeconds: 0,
    });
    await waitUntilGone('writer');
    await core.createNamespacedPod({ namespace: NS, body });
    await waitForPod('writer', podIsReady, 'Ready again');
    const read = await execIn(kc, 'writer', 'main', [
      'cat',
      '/var/lib/basalt/data/file',
    ]);
    expect(read.stdout).toBe('kept\n');
    await core.deleteNamespacedPod({
      name: 'writer',
      namespace: NS,
      gracePeriodSeconds: 0,
    });
  }, 120_000);
  it('runs PostgreSQL: initdb by exec, a pg_isready probe, clients on the Pod IP and through a port-forward', async () => {
    const password = 'sim-secret';
    await createBoundClaim('pg-data');
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'pg' }, stringData: { password } },
    });
    const dataDir = '/var/lib/basalt/data/pgdata';
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'pg-0', namespace: NS },
        spec: {
          nodeName: 'node-a',
          hostname: 'pg-0',
          subdomain: 'pg',
          terminationGracePeriodSeconds: 10,
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'pg-data' } },
          ],
          containers: [
            {
              name: 'postgres',
              image: 'postgres:15',
              // Waits for the data directory, which the test makes by exec.
              command: [
                'sh',
                '-c',
                'until [ -s "$1/PG_VERSION" ]; do sleep 0.2; done; exec postgres -D "$1" -c listen_addresses="$2"',
              ],
              args: ['postgres', '$(PGDATA)', '$(POD_NAME)'],
              env: [
                { name: 'PGDATA', value: dataDir },
                {
                  name: 'POD_NAME',
                  valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
                },
                {
                  name: 'POSTGRES_PASSWORD',
                  valueFrom: { secretKeyRef: { name: 'pg', key: 'password' } },
                },
              ],
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/basalt/data' },
              ],
              readinessProbe: {
                exec: {
                  command: ['pg_isready', '-h', 'pg-0', '-U', 'postgres'],
                },
                periodSeconds: 1,
              },
            },
          ],
        },
      },
    });
    const running = await waitForPod(
      'pg-0',
      p => p.status?.phase === 'Running',
      'Running',
    );
    expect(podIsReady(running)).toBe(false);
    const initdb = await execIn(kc, 'pg-0', 'postgres', [
      'sh',
      '-c',
      // Made aside and renamed: the container starts PostgreSQL as soon as
      // PG_VERSION exists, which initdb writes long before it is done.
      'set -e; cd /var/lib/basalt/data; printf %s "$POSTGRES_PASSWORD" > pw; ' +
        'initdb -D new -U postgres --pwfile=pw --auth=scram-sha-256; rm pw; mv new "$PGDATA"',
    ]);
    expect(initdb).toMatchObject({ status: { status: 'Success' } });
    const ready = await waitForPod('pg-0', podIsReady, 'Ready (pg_isready)');
    const podIP = ready.status!.podIP!;

    const direct = new Client({
      host: podIP,
      port: 5432,
      user: 'postgres',
      password,
    });
    await direct.connect();
    try {
      const { rows } = await direct.query(
        'select inet_server_addr()::text as addr',
      );
      expect(rows[0].addr).toBe(`${podIP}/32`);
    } finally {
      await direct.end();
    }

    const forward = new PortForward(kc);
    const local = net.createServer(socket => {
      forward
        .portForward(NS, 'pg-0', [5432], socket, null, socket)
        .catch(() => socket.destroy());
    });
    await new Promise<void>(resolve => local.listen(0, '127.0.0.1', resolve));
    try {
      const port = (local.address() as net.AddressInfo).port;
      const forwarded = new Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password,
      });
      await forwarded.connect();
      try {
        const { rows } = await forwarded.query('select 6 * 7 as answer');
        expect(rows[0].answer).toBe(42);
      } finally {
        await forwarded.end();
      }
    } finally {
      await new Promise(resolve => local.close(resolve));
    }

    const logs = await core.readNamespacedPodLog({
      name: 'pg-0',
      namespace: NS,
      container: 'postgres',
    });
    expect(logs).toContain('database system is ready to accept connections');
    const pid = containerPid(ready, 'postgres');
    await core.deleteNamespacedPod({ name: 'pg-0', namespace: NS });
    await waitUntilGone('pg-0');
    expect(isAlive(pid)).toBe(false);
  }, 120_000);

  it('fails a Pod whose image it does not know', async () => {
    const body = podSpec('unknown', 'node-a');
    body.spec!.containers[0].image = 'mysql:8';
    await core.createNamespacedPod({ namespace: NS, body });
    const pod = await waitForPod(
      'unknown',
      p => p.status?.phase === 'Failed',
      'Failed',
    );
    expect(pod.status?.message).toContain('"mysql:8"');
    await core.deleteNamespacedPod({ name: 'unknown', namespace: NS });
    await waitUntilGone('unknown');
  }, 30_000);

  it('loses a node: its processes die at once, the Node turns Unknown and its Pods not Ready', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: podSpec('victim', 'node-b'),
    });
    const pod = await waitForPod('victim', podIsReady, 'Ready');
    const pid = containerPid(pod, 'main');
    await simulator!.loseNode('node-b');
    expect(isAlive(pid)).toBe(false);

    const node = await core.readNode({ name: 'node-b' });
    expect(
      node.status?.conditions?.find(c => c.type === 'Ready'),
    ).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
    expect(podIsReady(await readPod('victim'))).toBe(false);
    await expect(execIn(kc, 'victim', 'main', ['true'])).rejects.toBeDefined();

    // Nothing confirms a graceful delete on a lost node...
    await core.deleteNamespacedPod({
      name: 'victim',
      namespace: NS,
      gracePeriodSeconds: 1,
    });
    await new Promise(resolve => setTimeout(resolve, 2000));
    expect((await readPod('victim')).metadata?.deletionTimestamp).toBeDefined();
    // ...but a forced one removes the Pod.
    await core.deleteNamespacedPod({
      name: 'victim',
      namespace: NS,
      body: { gracePeriodSeconds: 0 },
    });
    await waitUntilGone('victim');

    await simulator!.restoreNode('node-b');
    const restored = await core.readNode({ name: 'node-b' });
    expect(
      restored.status?.conditions?.find(c => c.type === 'Ready')?.status,
    ).toBe('True');
  }, 30_000);
  it('stops every process it started (run last)', async () => {
    const port = server!.url.split(':').pop()!;
    const dir = simulator!.directory!;
    await core.createNamespacedPod({
      namespace: NS,
      body: podSpec('left', 'node-a'),
    });
    await waitForPod('left', podIsReady, 'Ready');
    // Ready comes with the container's start; its mounts follow within it.
    await eventually(
      async () => (processesMounting(dir).length > 0 ? true : undefined),
      { what: "the container's processes to mount from the directory" },
    );
    await simulator!.stop();
    await simulator!.stop(); // idempotent
    await server!.stop();
    expect(processesMounting(dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    const apiServers = execFileSync(
      'sh',
      ['-c', 'pgrep -a kube-apiserver || true'],
      {
        encoding: 'utf8',
      },
    );
    expect(apiServers).not.toContain(`--secure-port=${port}`);
  }, 120_000);
});
