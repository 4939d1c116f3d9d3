import { mockServices } from '@backstage/backend-test-utils';
import { EngineUnavailableError } from '@basalt/plugin-basalt-node';
import {
  DataPlane,
  startDataPlane,
} from '../../__testUtils__/kubernetesBackend';
import { postgresImageOn } from './__testUtils__/postgresImage';
import { ImageContract } from './ImageContract';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';

jest.setTimeout(120_000);

describe('ImageContract on a real kubelet', () => {
  let plane: DataPlane | undefined;
  let cache: KubeCache | undefined;
  let contract: ImageContract;
  let builtImage: string;

  beforeAll(async () => {
    plane = await startDataPlane(1);
    builtImage = plane.kube.images.postgresql.ref;
    // As the backend runs it: with its ServiceAccount.
    const kubeConfig = plane.backendKubeConfig();
    const logger = mockServices.logger.mock();
    cache = new KubeCache(kubeConfig, ['basalt'], logger);
    await cache.start();
    contract = new ImageContract({
      cache,
      writer: new KubeWriter(kubeConfig),
      kubeNamespace: 'basalt',
      hostNetwork: true,
      timeoutMs: 60_000,
      logger,
    });
  }, 300_000);

  afterAll(async () => {
    await cache?.stop();
    await plane?.stop();
  }, 120_000);

  it('passes the PostgreSQL image built from Debian packages', async () => {
    await expect(
      contract.verify('postgresql', postgresImageOn(plane!.kube)),
    ).resolves.toBeUndefined();
  });

  it('names every program the image lacks and a uid without a user', async () => {
    const verdict = contract.verify('other', {
      ...postgresImageOn(plane!.kube),
      uid: 4242,
      gid: 4242,
      programs: ['postgres', 'pg_nonexistent'],
    });
    await expect(verdict).rejects.toThrow(EngineUnavailableError);
    await expect(verdict).rejects.toThrow(
      `The image ${builtImage} of other (basalt.runtimes.kubernetes.images.other) does not meet Basalt's image contract: uid 4242 has no user entry (/etc/passwd); pg_nonexistent is not on its PATH`,
    );
  });

  it('says when the image cannot run the check at all (no shell)', async () => {
    const image = {
      ...postgresImageOn(plane!.kube),
      image: plane!.kube.images.pause.ref,
    };
    await expect(contract.verify('shell-less', image)).rejects.toThrow(
      /does not meet Basalt's image contract: .*sh/,
    );
    // The verdict is kept: the same error at once, no second check Pod.
    await expect(contract.verify('shell-less', image)).rejects.toThrow(
      EngineUnavailableError,
    );
    expect(
      cache!
        .allPods()
        .filter(pod => pod.metadata?.name?.includes('image-check')),
    ).toEqual([]);
  });
});
