import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { defaultOwner } from './defaultOwner';

const user = mockCredentials.user('user:default/jane');
const withGroups = (...groups: string[]) =>
  mockServices.userInfo({
    userEntityRef: 'user:default/jane',
    ownershipEntityRefs: ['user:default/jane', ...groups],
  });

describe('defaultOwner', () => {
  it("is the caller's team when it has one", async () => {
    await expect(
      defaultOwner(withGroups('group:default/payments-team'), user),
    ).resolves.toBe('group:default/payments-team');
  });

  it('is the caller when it is in no group, or a service', async () => {
    await expect(defaultOwner(withGroups(), user)).resolves.toBe(
      'user:default/jane',
    );
    await expect(
      defaultOwner(withGroups(), mockCredentials.service('ci')),
    ).resolves.toBe('service:ci');
  });

  it('makes a caller in several groups name the owning team', async () => {
    const several = defaultOwner(
      withGroups('group:default/payments-team', 'group:default/shop-team'),
      user,
    );
    await expect(several).rejects.toThrow(InputError);
    await expect(several).rejects.toThrow(
      'metadata.annotations["basalt.dev/owner"]: name the team that owns the cluster; you belong to group:default/payments-team, group:default/shop-team',
    );
  });
});
