import {
  ClusterCondition,
  ClusterConditionType,
} from '@basalt/plugin-basalt-common';

/**
 * Sets one condition, keeping `lastTransitionTime` when its status did not
 * change, so an unchanged cluster yields an identical status.
 */
export function setCondition(
  previous: ClusterCondition[],
  next: Omit<ClusterCondition, 'lastTransitionTime'>,
  now: string,
): ClusterCondition {
  const old = previous.find(c => c.type === next.type);
  return {
    ...next,
    lastTransitionTime:
      old && old.status === next.status ? old.lastTransitionTime : now,
  };
}

/** Reads one condition's status, `Unknown` when absent. */
export function conditionStatus(
  conditions: ClusterCondition[] | undefined,
  type: ClusterConditionType,
): ClusterCondition['status'] {
  return conditions?.find(c => c.type === type)?.status ?? 'Unknown';
}
