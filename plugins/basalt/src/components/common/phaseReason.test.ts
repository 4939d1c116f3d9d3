import { clusterIn } from '../../__testUtils__/clusters';
import { phaseReason } from './describe';

describe('phaseReason', () => {
  it('says why a cluster failed or is degraded, in its conditions\u2019 words', () => {
    expect(phaseReason(clusterIn('failed'))).toBe(
      'PostgreSQL 15 is not installed on this host',
    );
    expect(phaseReason(clusterIn('degraded'))).toBe(
      'orders-db-2 is not ready: it does not answer',
    );
  });

  it('says nothing more of a running cluster, or one with no status yet', () => {
    expect(phaseReason(clusterIn('ready'))).toBeUndefined();
    expect(phaseReason(clusterIn('pending'))).toBeUndefined();
  });
});
