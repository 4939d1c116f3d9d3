import {
  ComponentDatabasesIndex,
  IndexedCluster,
} from './ComponentDatabasesIndex';

const cluster = (ref: string, component?: string): IndexedCluster => {
  const [namespace, name] = ref.split('/');
  return {
    metadata: {
      namespace,
      name,
      annotations: component ? { 'basalt.dev/component': component } : {},
    },
  };
};

describe('ComponentDatabasesIndex', () => {
  it('is empty before the first replace', () => {
    expect(
      new ComponentDatabasesIndex().databasesOf('component:default/a'),
    ).toEqual([]);
  });

  it('indexes partial and differently cased refs under one full ref', () => {
    const index = new ComponentDatabasesIndex();
    index.replace([
      cluster('payments/orders-db', 'payments-service'),
      cluster('payments/sessions', 'Component:Default/Payments-Service'),
      cluster('payments/audit-db', 'default/payments-service'),
      cluster('billing/ledger', 'component:billing/ledger-service'),
    ]);
    for (const ref of [
      'payments-service',
      'component:default/payments-service',
      'COMPONENT:default/Payments-Service',
    ]) {
      expect(index.databasesOf(ref)).toEqual([
        'payments/audit-db',
        'payments/orders-db',
        'payments/sessions',
      ]);
    }
    // Another namespace is another component.
    expect(index.databasesOf('ledger-service')).toEqual([]);
    expect(index.databasesOf('component:billing/ledger-service')).toEqual([
      'billing/ledger',
    ]);
  });

  it('skips clusters that name no component or something that is no entity ref', () => {
    const index = new ComponentDatabasesIndex();
    const changed = index.replace([
      cluster('payments/lonely'),
      cluster('payments/odd', 'component:/payments-service'),
      cluster('payments/blank', ''),
    ]);
    expect(changed).toEqual([]);
    expect(index.databasesOf('component:/payments-service')).toEqual([]);
    expect(index.databasesOf('payments-service')).toEqual([]);
  });

  it('reports exactly the components whose clusters changed', () => {
    const index = new ComponentDatabasesIndex();
    expect(
      index.replace([
        cluster('payments/orders-db', 'payments-service'),
        cluster('shop/cart', 'component:shop/cart-service'),
      ]),
    ).toEqual([
      'component:default/payments-service',
      'component:shop/cart-service',
    ]);

    // The same clusters, listed in another order and named differently:
    // nothing changed.
    expect(
      index.replace([
        cluster('shop/cart', 'component:shop/cart-service'),
        cluster('payments/orders-db', 'Component:default/payments-service'),
      ]),
    ).toEqual([]);

    // A second cluster for one component, the other component's only
    // cluster gone, and a new one for a third component.
    expect(
      index.replace([
        cluster('payments/orders-db', 'payments-service'),
        cluster('payments/sessions', 'payments-service'),
        cluster('search/index-db', 'search-service'),
      ]),
    ).toEqual([
      'component:default/payments-service',
      'component:default/search-service',
      'component:shop/cart-service',
    ]);
    expect(index.databasesOf('cart-service')).toEqual([]);

    // A cluster moving from one component to another changes both.
    expect(
      index.replace([
        cluster('payments/orders-db', 'payments-service'),
        cluster('payments/sessions', 'search-service'),
        cluster('search/index-db', 'search-service'),
      ]),
    ).toEqual([
      'component:default/payments-service',
      'component:default/search-service',
    ]);
    expect(index.databasesOf('search-service')).toEqual([
      'payments/sessions',
      'search/index-db',
    ]);

    expect(index.replace([])).toEqual([
      'component:default/payments-service',
      'component:default/search-service',
    ]);
    expect(index.databasesOf('payments-service')).toEqual([]);
  });
});
