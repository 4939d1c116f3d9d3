import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { V1Pod } from '@kubernetes/client-node';
import { EngineUnavailableError } from '@basalt/plugin-basalt-node';
import { EngineImage } from './engineImages';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';
import { LABELS, MANAGER } from './names';
import { nodeIsReady, podFailure } from './podState';

/**
 * The programs Basalt's own Pod scripts run in an engine's container,
 * beside the engine's (see `images/README.md`, "The image contract").
 */
export const RUNTIME_PROGRAMS = [
  'sh',
  'id',
  'mkdir',
  'chown',
  'chmod',
  'rm',
  'mv',
  'touch',
  'cat',
  'head',
  'sleep',
  'kill',
  'find',
  'dirname',
  'du',
  'tar',
  // GNU tar runs it for compressed archives (`tar -xzf`).
  'gzip',
];

/**
 * Checks, once per engine, that the image configured for it meets the
 * contract Basalt's Pods rely on: it runs as the engine's uid and gid,
 * which have a user entry (engines look their user up), and has every
 * program the runtime and the driver run on its PATH. The check is a
 * short-lived Pod of the image on a ready node; its verdict is kept, so a
 * wrong image fails every creation of the engine's instances with the
 * same clear error, not halfway through one.
 */
export class ImageContract {
  private readonly verdicts = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      cache: KubeCache;
      writer: KubeWriter;
      /** Where the check Pod runs (Basalt's first namespace). */
      kubeNamespace: string;
      hostNetwork: boolean;
      timeoutMs: number;
      logger: LoggerService;
    },
  ) {}

  /**
   * Resolves once the image of `engine` passed; rejects with an
   * {@link EngineUnavailableError} saying what the image lacks. A check
   * that could not run (no ready node yet) is tried again next time.
   */
  verify(engine: string, image: EngineImage): Promise<void> {
    const known = this.verdicts.get(engine);
    if (known) return known;
    const verdict = this.check(engine, image);
    this.verdicts.set(engine, verdict);
    verdict.catch(error => {
      if (!(error instanceof EngineUnavailableError)) {
        this.verdicts.delete(engine);
      }
    });
    return verdict;
  }

  private async check(engine: string, image: EngineImage): Promise<void> {
    const node = this.options.cache.listNodes().find(nodeIsReady);
    if (!node) throw new Error('No ready node to check engine images on');
    const pod = checkPod(engine, image, {
      kubeNamespace: this.options.kubeNamespace,
      node: node.metadata!.name!,
      hostNetwork: this.options.hostNetwork,
    });
    const { namespace, name } = pod.metadata as {
      namespace: string;
      name: string;
    };
    await this.removePod(namespace, name);
    await this.options.writer.createPod(pod);
    try {
      const problems = await this.options.cache.waitFor(
        () => verdictOf(this.options.cache.getPod(namespace, name)),
        {
          timeoutMs: this.options.timeoutMs,
          describe: () =>
            `The image check Pod ${namespace}/${name} of ${image.image} did not finish`,
        },
      );
      if (problems.length) {
        throw new EngineUnavailableError(
          `The image ${
            image.image
          } of ${engine} (basalt.runtimes.kubernetes.images.${engine}) does not meet Basalt's image contract: ${problems.join(
            '; ',
          )}`,
        );
      }
      this.options.logger.info(
        `The image ${image.image} of ${engine} meets Basalt's image contract`,
      );
    } finally {
      await this.removePod(namespace, name);
    }
  }

  /** Deletes the check Pod (one left by an earlier start too) and waits until it is gone. */
  private async removePod(namespace: string, name: string): Promise<void> {
    await this.options.writer.deletePod(namespace, name, {
      gracePeriodSeconds: 0,
    });
    await this.options.cache.waitFor(
      () => (this.options.cache.getPod(namespace, name) ? undefined : true),
      {
        timeoutMs: this.options.timeoutMs,
        describe: () => `The image check Pod ${namespace}/${name} stayed`,
      },
    );
  }
}

/** The problems the check Pod reported, or undefined while it runs. */
function verdictOf(pod: V1Pod | undefined): string[] | undefined {
  if (!pod) return undefined;
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  if (terminated) {
    if (terminated.exitCode === 0) return [];
    const said = (terminated.message ?? '').trim();
    return said
      ? said.split('\n')
      : [`its check exited with ${terminated.exitCode} (${terminated.reason})`];
  }
  const failure = podFailure(pod);
  return failure ? [`it cannot run: ${failure}`] : undefined;
}

/**
 * The check: as the engine's uid and gid, it prints what is wrong, one
 * problem a line, and fails; the kubelet makes a failed container's last
 * log lines its termination message.
 */
const CHECK_SCRIPT = `
problems() {
  [ "$(id -u)" = "$UID_WANTED" ] || echo "it runs as uid $(id -u), not $UID_WANTED"
  id -un >/dev/null 2>&1 || echo "uid $UID_WANTED has no user entry (/etc/passwd)"
  for program in "$@"; do
    command -v "$program" >/dev/null 2>&1 || echo "$program is not on its PATH"
  done
}
found="$(problems "$@")"
[ -z "$found" ] && exit 0
echo "$found"
exit 1
`;

function checkPod(
  engine: string,
  image: EngineImage,
  where: { kubeNamespace: string; node: string; hostNetwork: boolean },
): V1Pod {
  const digest = createHash('sha256').update(image.image).digest('hex');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `basalt-image-check-${engine}-${digest.slice(0, 10)}`,
      namespace: where.kubeNamespace,
      labels: {
        [LABELS.managedBy]: MANAGER,
        [LABELS.component]: 'image-check',
      },
    },
    spec: {
      nodeName: where.node,
      ...(where.hostNetwork && { hostNetwork: true }),
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsUser: image.uid, runAsGroup: image.gid },
      containers: [
        {
          name: 'check',
          image: image.image,
          ...(image.pullPolicy && { imagePullPolicy: image.pullPolicy }),
          command: [
            'sh',
            '-c',
            CHECK_SCRIPT,
            'check',
            ...RUNTIME_PROGRAMS,
            ...image.programs,
          ],
          env: [{ name: 'UID_WANTED', value: String(image.uid) }],
          terminationMessagePolicy: 'FallbackToLogsOnError',
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
          },
        },
      ],
    },
  };
}
