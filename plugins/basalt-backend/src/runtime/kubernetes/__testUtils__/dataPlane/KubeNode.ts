import { ChildProcess, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { hasExited, spawnGuarded, stopChild, tailOfFile } from '../processes';
import { createCgroup, removeCgroup } from './hostState';

const run = promisify(execFile);

/** The kubelet's API port, on the node's own address. */
const KUBELET_PORT = 10250;
/** The cgroup root of a node's Pods is this and its address. */
export const NODE_CGROUP_PREFIX = 'basalt-node-';
/**
 * Kernel settings a kubelet sets when it starts (its
 * `setupKernelTunables`), as paths under `/proc/sys`.
 */
const KUBELET_SYSCTLS = [
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
  'vm/overcommit_memory',
  'vm/panic_on_oom',
];
/** containerd's streaming server (exec, attach, port-forward) per node. */
const STREAMING_PORT = 10010;

/** Everything a {@link KubeNode} is started with. */
export interface KubeNodeOptions {
  /**
   * The node's name and address: a loopback address such as `127.0.200.1`.
   * A kubelet refuses a loopback `--node-ip`, but takes an address as
   * `--hostname-override` and reports it as the node's InternalIP.
   */
  address: string;
  /** Where the node keeps its state; removed by {@link KubeNode.stop}. */
  dir: string;
  /** The directory with `kubelet` (see `KUBEBUILDER_ASSETS`). */
  assets: string;
  /** The API server the kubelet registers with. */
  server: string;
  /** The kubelet's token, of user `system:node:<address>`. */
  token: string;
  /** The CA whose client certificates (the API server's) the kubelet trusts. */
  clientCaFile: string;
  /** The OCI image tarballs to import, and the sandbox (pause) image's ref. */
  images: { tarballs: string[]; pause: string };
}

/**
 * One Kubernetes node on this host: its own containerd and a real kubelet,
 * both in a private mount namespace where `/var/lib/kubelet`,
 * `/run/containerd` and `/var/log` are the node's own directories (a kubelet
 * hard-codes some of its paths there, and would remove another kubelet's Pod
 * logs as its own garbage), its Pods in its own cgroup root. Pods run with
 * `hostNetwork` on the node's loopback address; the CNI configuration is
 * loopback only, so nothing creates interfaces or rules.
 */
export class KubeNode {
  private containerd: ChildProcess | undefined;
  private kubelet: ChildProcess | undefined;
  private readonly cgroup: string;

  constructor(private readonly options: KubeNodeOptions) {
    this.cgroup = `${NODE_CGROUP_PREFIX}${options.address.replace(/\./g, '-')}`;
  }

  get name(): string {
    return this.options.address;
  }

  /** Starts containerd, imports the images, then starts the kubelet. */
  async start(): Promise<void> {
    await this.writeConfiguration();
    await createCgroup(this.cgroup);
    await this.startContainerd();
    for (const tarball of this.options.images.tarballs) {
      await run('ctr', [
        '--address',
        this.socket,
        '--namespace',
        'k8s.io',
        'images',
        'import',
        tarball,
      ]);
    }
    await this.startKubelet();
  }

  /**
   * Starts the kubelet (again): after {@link stopKubelet} this is a node
   * coming back, which finds its containers still running under containerd.
   */
  async startKubelet(): Promise<void> {
    if (this.kubelet && !hasExited(this.kubelet)) return;
    const o = this.options;
    const dir = o.dir;
    this.kubelet = spawnGuarded(
      'nsenter',
      [
        `--mount=/proc/${this.containerd!.pid}/ns/mnt`,
        // The node's PID namespace, whose /proc the mount namespace shows.
        `--pid=/proc/${this.containerd!.pid}/ns/pid_for_children`,
        '--',
        path.join(o.assets, 'kubelet'),
        `--kubeconfig=${path.join(dir, 'kubeconfig')}`,
        '--container-runtime=remote',
        `--container-runtime-endpoint=unix://${this.socket}`,
        `--cert-dir=${path.join(dir, 'pki')}`,
        `--address=${o.address}`,
        `--port=${KUBELET_PORT}`,
        '--read-only-port=0',
        `--healthz-bind-address=${o.address}`,
        `--hostname-override=${o.address}`,
        '--cgroup-driver=cgroupfs',
        `--cgroup-root=/${this.cgroup}`,
        '--fail-swap-on=false',
        // No iptables here, and none needed: Pods use the host's network.
        '--make-iptables-util-chains=false',
        `--volume-plugin-dir=${path.join(dir, 'volume-plugins')}`,
        `--resolv-conf=${path.join(dir, 'resolv.conf')}`,
        '--anonymous-auth=false',
        `--client-ca-file=${o.clientCaFile}`,
        '--authorization-mode=Webhook',
        // A test machine's disk and memory are shared: no evictions, no
        // image garbage collection (the images cannot be pulled again).
        '--eviction-hard=',
        '--image-gc-high-threshold=100',
        '--image-gc-low-threshold=99',
        `--pod-infra-container-image=${o.images.pause}`,
        `--config=${path.join(dir, 'kubelet.yaml')}`,
        '--v=1',
      ],
      path.join(dir, 'kubelet.log'),
      // No cloud credential lookup may leave the machine.
      { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } },
    );
  }

  /** Stops the kubelet only: its node goes NotReady, its Pods keep running. */
  async stopKubelet(): Promise<void> {
    if (this.kubelet) await stopChild(this.kubelet);
  }

  /** A process of the node that has exited, and the end of its log. */
  failure(): string | undefined {
    for (const [name, child] of [
      ['containerd', this.containerd],
      ['kubelet', this.kubelet],
    ] as const) {
      if (child && hasExited(child)) {
        return `${name} of node ${this.name} exited (${
          child.exitCode ?? child.signalCode
        }); its log says:\n${errorsIn(
          path.join(this.options.dir, `${name}.log`),
        )}`;
      }
    }
    return undefined;
  }

  /**
   * Stops the kubelet, then containerd, whose PID namespace takes every
   * container of the node with it, and removes every trace of the node.
   */
  async stop(): Promise<void> {
    await this.stopKubelet();
    if (this.containerd) await stopChild(this.containerd);
    await removeCgroup(this.cgroup);
    await fs.rm(this.options.dir, { recursive: true, force: true });
  }

  private get socket(): string {
    return path.join(this.options.dir, 'containerd.sock');
  }

  private async startContainerd(): Promise<void> {
    const dir = this.options.dir;
    // The mounts exist only in this new namespace; they end with its last
    // process (containerd, the kubelet, the container shims).
    const script = [
      'set -e',
      'mount --bind "$1" /var/lib/kubelet',
      'mount --bind "$2" /run/containerd',
      'mount --bind "$3" /var/log',
      'mkdir -p /var/log/pods /var/log/containers',
      // The kernel settings a kubelet sets at start are host-wide: here it
      // reads and writes copies of them instead.
      `for key in ${KUBELET_SYSCTLS.join(' ')}; do`,
      '  copy="$5/$(echo "$key" | tr / .)"',
      '  cat "/proc/sys/$key" > "$copy"',
      '  mount --bind "$copy" "/proc/sys/$key"',
      'done',
      'exec containerd --config "$4"',
    ].join('\n');
    this.containerd = spawnGuarded(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        // containerd is PID 1 of a PID namespace of its own (with its own
        // /proc, which runc reads): when it ends (or the test runner dies,
        // see spawnGuarded), the kernel ends every process of the node.
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--',
        'sh',
        '-c',
        script,
        'node',
        path.join(dir, 'kubelet'),
        path.join(dir, 'run-containerd'),
        path.join(dir, 'log'),
        path.join(dir, 'containerd.toml'),
        path.join(dir, 'sysctl'),
      ],
      path.join(dir, 'containerd.log'),
    );
    const deadline = Date.now() + 30_000;
    while (!(await this.containerdAnswers())) {
      const failure = this.failure();
      if (failure) throw new Error(failure);
      if (Date.now() > deadline) {
        throw new Error(`containerd of node ${this.name} did not start`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  private async containerdAnswers(): Promise<boolean> {
    return run('ctr', ['--address', this.socket, 'version']).then(
      () => true,
      () => false,
    );
  }

  private async writeConfiguration(): Promise<void> {
    const o = this.options;
    const dir = o.dir;
    for (const sub of [
      'kubelet',
      'run-containerd',
      'log',
      'pki',
      'cni',
      'sysctl',
    ]) {
      await fs.mkdir(path.join(dir, sub), { recursive: true });
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'test', server: o.server, skipTLSVerify: true }],
      users: [{ name: this.name, token: o.token }],
      contexts: [{ name: 'test', cluster: 'test', user: this.name }],
      currentContext: 'test',
    });
    await fs.writeFile(
      path.join(dir, 'kubeconfig'),
      kubeConfig.exportConfig(),
      { mode: 0o600 },
    );
    // Nothing resolves names for Pods here; an address that answers nothing.
    await fs.writeFile(
      path.join(dir, 'resolv.conf'),
      `nameserver ${o.address}\n`,
    );
    await fs.writeFile(
      path.join(dir, 'cni', '10-loopback.conflist'),
      JSON.stringify({
        cniVersion: '0.4.0',
        name: 'loopback-only',
        plugins: [{ type: 'loopback' }],
      }),
    );
    await fs.writeFile(
      path.join(dir, 'containerd.toml'),
      this.containerdConfig(),
    );
    await fs.writeFile(
      path.join(dir, 'kubelet.yaml'),
      [
        'apiVersion: kubelet.config.k8s.io/v1beta1',
        'kind: KubeletConfiguration',
        // Status every 2 s and a short lease (which has no flag): a stopped
        // kubelet shows as NotReady within the controller-manager's grace
        // period.
        'nodeStatusUpdateFrequency: 2s',
        'nodeLeaseDurationSeconds: 8',
        // The nodes share this machine's cores: a CPU quota would hold each
        // engine to a fraction of a core it could otherwise use. Requests
        // still count against the node's capacity.
        'cpuCFSQuota: false',
        '',
      ].join('\n'),
    );
  }

  private containerdConfig(): string {
    const o = this.options;
    const dir = o.dir;
    return `version = 2
root = "${path.join(dir, 'containerd', 'root')}"
state = "${path.join(dir, 'containerd', 'state')}"
[grpc]
  address = "${this.socket}"
[ttrpc]
  address = "${this.socket}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${path.join(dir, 'containerd', 'opt')}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${o.images.pause}"
  stream_server_address = "${o.address}"
  stream_server_port = "${STREAMING_PORT}"
  enable_selinux = false
  # Root here lacks CAP_SYS_RESOURCE: a negative oom_score_adj for a sandbox
  # would fail every Pod; this clamps it to containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${path.join(dir, 'cni')}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
`;
  }
}

/**
 * The error lines of a Kubernetes component's log (klog's `E` and `F`
 * lines, and containerd's `level=error`), or its end when it has none: a
 * crashing Go program ends its log with goroutine dumps.
 */
function errorsIn(logFile: string): string {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
  const errors = text
    .split('\n')
    .filter(line => /^[EF]\d{4} |level=(error|fatal)/.test(line));
  return errors.length ? errors.slice(-10).join('\n') : tailOfFile(logFile);
}
