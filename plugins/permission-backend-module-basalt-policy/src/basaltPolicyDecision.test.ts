import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  basaltClusterCreatePermission,
  basaltClusterCredentialsReadPermission,
  basaltClusterDeletePermission,
  basaltClusterReadPermission,
} from '@basalt/plugin-basalt-common';
import { createPermission } from '@backstage/plugin-permission-common';
import { basaltPolicyDecision } from './basaltPolicyDecision';
import { readBasaltPolicyOptions } from './policyOptions';

function userOf(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as PolicyQueryUser;
}

const ana = userOf('user:default/ana', 'group:default/payments-team');
const pat = userOf('user:default/pat', 'group:default/platform-team');

describe('basaltPolicyDecision', () => {
  const options = readBasaltPolicyOptions(
    new ConfigReader({
      basalt: {
        permissions: { administrators: ['Group:default/Platform-Team'] },
      },
    }),
  );

  it("leaves other plugins' permissions to the portal", () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(
      basaltPolicyDecision({ permission: catalogRead }, ana, options),
    ).toBeUndefined();
  });

  it('lets every signed-in user create and read, by default', () => {
    for (const permission of [
      basaltClusterCreatePermission,
      basaltClusterReadPermission,
    ]) {
      expect(basaltPolicyDecision({ permission }, ana, options)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it("scopes the other cluster permissions to the user's teams", () => {
    expect(
      basaltPolicyDecision(
        { permission: basaltClusterCredentialsReadPermission },
        ana,
        options,
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'basalt',
      resourceType: 'basalt-cluster',
      conditions: {
        rule: 'IS_CLUSTER_OWNER',
        resourceType: 'basalt-cluster',
        params: {
          claims: ['user:default/ana', 'group:default/payments-team'],
        },
      },
    });
  });

  it('lets administrators do everything, whatever the case of their ref', () => {
    expect(
      basaltPolicyDecision(
        { permission: basaltClusterDeletePermission },
        pat,
        options,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies a request without a user', () => {
    expect(
      basaltPolicyDecision(
        { permission: basaltClusterReadPermission },
        undefined,
        options,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('shows each team only its clusters when read is not for everyone', () => {
    const ownOnly = readBasaltPolicyOptions(
      new ConfigReader({
        basalt: { permissions: { everyone: ['basalt.cluster.create'] } },
      }),
    );
    expect(
      basaltPolicyDecision(
        { permission: basaltClusterReadPermission },
        ana,
        ownOnly,
      )?.result,
    ).toBe(AuthorizeResult.CONDITIONAL);
  });
});

describe('readBasaltPolicyOptions', () => {
  it('refuses a permission that is not Basalt’s, naming the key', () => {
    expect(() =>
      readBasaltPolicyOptions(
        new ConfigReader({
          basalt: { permissions: { everyone: ['basalt.cluster.destroy'] } },
        }),
      ),
    ).toThrow(
      /^basalt\.permissions\.everyone: 'basalt\.cluster\.destroy' is not a Basalt permission; allowed: basalt\.cluster\.create, /,
    );
  });

  it('refuses an administrator that is not an entity ref', () => {
    expect(() =>
      readBasaltPolicyOptions(
        new ConfigReader({
          basalt: { permissions: { administrators: ['platform-team'] } },
        }),
      ),
    ).toThrow(
      "basalt.permissions.administrators: 'platform-team' is not an entity ref; write it as kind:namespace/name, e.g. group:default/platform-team",
    );
  });
});
