import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { BasaltConfig } from '../config';
import { createRuntime } from './createRuntime';

describe('createRuntime', () => {
  // Refused before any runtime is created, so no settings are read.
  const refusal = (profiles: { name: string; runtime: string }[]) =>
    createRuntime({
      config: new ConfigReader({}),
      settings: {} as BasaltConfig,
      profiles,
      moduleRuntimes: [],
      drivers: [],
      logger: mockServices.logger.mock(),
    });

  it('refuses profiles that name different runtimes, naming them', async () => {
    await expect(
      refusal([
        { name: 'eu', runtime: 'local' },
        { name: 'us', runtime: 'kubernetes' },
        { name: 'ap', runtime: 'kubernetes' },
      ]),
    ).rejects.toThrow(
      'basalt.profiles: one backend drives one runtime, but eu use local and us, ap use kubernetes',
    );
  });

  it('refuses a runtime it does not have, naming the key', async () => {
    await expect(refusal([{ name: 'eu', runtime: 'nomad' }])).rejects.toThrow(
      "basalt.profiles.eu.runtime: must be one of local, kubernetes, got 'nomad'",
    );
  });
});
