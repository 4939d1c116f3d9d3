import {
  DEFAULT_NETWORK_POLICY,
  EngineCluster,
  NetworkPolicy,
  RegionProfile,
} from '@basalt/plugin-basalt-common';

/**
 * The network rules of a cluster, from the region profile its manifest
 * names; the defaults when it names none (or one no longer configured:
 * the engine then keeps allowing this host only).
 */
export function networkPolicyOf(
  profiles: Pick<RegionProfile, 'name' | 'network'>[],
  spec: Pick<EngineCluster['spec'], 'profile'>,
): NetworkPolicy {
  const profile = profiles.find(p => p.name === spec.profile);
  return profile?.network ?? DEFAULT_NETWORK_POLICY;
}
