import { isClusterOwner } from './rules';

describe('isClusterOwner', () => {
  const cluster = {
    ref: 'payments/payments-db',
    owner: 'group:default/payments-team',
  };

  it('allows a cluster owned by one of the claims', () => {
    expect(
      isClusterOwner.apply(cluster, {
        claims: ['user:default/ana', 'group:default/payments-team'],
      }),
    ).toBe(true);
  });

  it('refuses a cluster owned by another team', () => {
    expect(
      isClusterOwner.apply(cluster, { claims: ['group:default/orders-team'] }),
    ).toBe(false);
  });

  it('translates to a query on owners', () => {
    expect(
      isClusterOwner.toQuery({ claims: ['group:default/payments-team'] }),
    ).toEqual({
      owners: ['group:default/payments-team'],
    });
  });
});
