import {
  ClusterReasons,
  ClusterResource,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import { setCondition } from './conditions';

/**
 * The status of a cluster whose deletion is under way: its last observed
 * status with the phase `Deleting` and a Progressing condition that says
 * what the deletion does now (e.g. the final backup), so the portal shows
 * it for as long as it takes.
 */
export function deletingStatus(
  cluster: ClusterResource,
  message: string,
  now: string,
): EngineClusterStatus {
  const previous = cluster.status;
  const conditions = previous?.conditions ?? [];
  const progressing = setCondition(
    conditions,
    {
      type: 'Progressing',
      status: 'True',
      reason: ClusterReasons.Deleting,
      message,
      observedGeneration: cluster.metadata.generation,
    },
    now,
  );
  return {
    observedGeneration: cluster.metadata.generation,
    instances: [],
    endpoints: {},
    ...previous,
    phase: 'Deleting',
    conditions: [
      ...conditions.filter(c => c.type !== 'Progressing'),
      progressing,
    ],
  };
}
