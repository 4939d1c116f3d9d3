import { ClusterReason } from '@basalt/plugin-basalt-common';

/**
 * Condition reasons the controller sets that `ClusterReasons` in
 * `@basalt/plugin-basalt-common` does not list yet. They are typed as
 * `ClusterReason` so that a condition keeps one type; they belong in that
 * shared list, next to the others the UI knows.
 */
export const ExtraReasons = {
  /** A rolling restart runs: instances restart one at a time. */
  Restarting: 'Restarting' as ClusterReason,
};
