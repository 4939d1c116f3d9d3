import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { OWNER_ANNOTATION } from '@basalt/plugin-basalt-common';
import { actorRef } from './authorization';

/**
 * Who owns a new cluster whose manifest names no owner: the caller's team
 * (the one group among its ownership refs), else the caller itself (a
 * service, or a user in no group). A user in several groups must choose.
 *
 * @throws InputError naming the annotation and the caller's groups when
 * it belongs to more than one.
 */
export async function defaultOwner(
  userInfo: UserInfoService,
  credentials: BackstageCredentials,
): Promise<string> {
  const caller = actorRef(credentials);
  const principal = credentials.principal as
    | BackstageUserPrincipal
    | BackstageServicePrincipal;
  if (principal.type !== 'user') return caller;
  const { ownershipEntityRefs } = await userInfo.getUserInfo(
    credentials as BackstageCredentials<BackstageUserPrincipal>,
  );
  const groups = ownershipEntityRefs.filter(ref => ref.startsWith('group:'));
  if (groups.length === 1) return groups[0];
  if (groups.length === 0) return caller;
  throw new InputError(
    `metadata.annotations["${OWNER_ANNOTATION}"]: name the team that owns the cluster; you belong to ${groups.join(
      ', ',
    )}`,
  );
}
