import {
  ClusterOperation,
  ClusterReasons,
  ClusterResource,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import { operationStatus } from './computeStatus';
import { setCondition } from './conditions';

/**
 * The status of a cluster whose deletion is under way: its last observed
 * status with the phase `Deleting`, a Progressing condition that says
 * what the deletion does now, and the operation it waits for (the final
 * backup, with its progress), so the portal shows it for as long as it
 * takes.
 */
export function deletingStatus(
  cluster: ClusterResource,
  message: string,
  now: string,
  operations: ClusterOperation[] = [],
): EngineClusterStatus {
  // The deletion's own operation replaces what the status showed before.
  const previous: Partial<EngineClusterStatus> = { ...cluster.status };
  delete previous.operations;
  const conditions = previous.conditions ?? [];
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
    ...(operations.length && {
      operations: operations.map(operationStatus),
    }),
    phase: 'Deleting',
    conditions: [
      ...conditions.filter(c => c.type !== 'Progressing'),
      progressing,
    ],
  };
}
