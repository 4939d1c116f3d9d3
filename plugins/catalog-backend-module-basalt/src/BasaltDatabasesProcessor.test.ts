import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import { BasaltDatabasesProcessor } from './BasaltDatabasesProcessor';
import { ComponentDatabasesIndex } from './ComponentDatabasesIndex';

const location: LocationSpec = { type: 'file', target: '/catalog-info.yaml' };

const entity = (
  kind: string,
  name: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, ...(annotations && { annotations }) },
  spec: {},
});

/** Runs the processor's pre-processing step the way the catalog does. */
async function preProcess(index: ComponentDatabasesIndex, input: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  const output = await new BasaltDatabasesProcessor({
    index,
  }).preProcessEntity(input, location, r => emitted.push(r));
  return { output, emitted };
}

describe('BasaltDatabasesProcessor', () => {
  const index = new ComponentDatabasesIndex();
  index.replace([
    {
      metadata: {
        namespace: 'payments',
        name: 'sessions',
        annotations: { 'basalt.dev/component': 'payments-service' },
      },
    },
    {
      metadata: {
        namespace: 'payments',
        name: 'orders-db',
        annotations: {
          'basalt.dev/component': 'component:default/payments-service',
        },
      },
    },
  ]);

  it('annotates a served Component with its clusters, sorted, keeping its other annotations', async () => {
    const input = entity('Component', 'payments-service', {
      'backstage.io/techdocs-ref': 'dir:.',
    });
    const { output, emitted } = await preProcess(index, input);
    expect(output.metadata.annotations).toEqual({
      'backstage.io/techdocs-ref': 'dir:.',
      'basalt.dev/databases': 'payments/orders-db,payments/sessions',
    });
    expect(input.metadata.annotations).not.toHaveProperty(
      'basalt.dev/databases',
    );
    expect(emitted).toEqual([
      {
        type: 'refresh',
        key: 'basalt-component:component:default/payments-service',
      },
    ]);
  });

  it('leaves a Component without clusters as it is, but still attaches the refresh key', async () => {
    const input = entity('Component', 'search-service');
    const { output, emitted } = await preProcess(index, input);
    expect(output).toBe(input);
    expect(emitted).toEqual([
      {
        type: 'refresh',
        key: 'basalt-component:component:default/search-service',
      },
    ]);
  });

  it('owns the annotation: replaces a hand-set value, and removes one no cluster backs', async () => {
    const served = await preProcess(
      index,
      entity('Component', 'payments-service', {
        'basalt.dev/databases': 'payments/made-up',
      }),
    );
    expect(served.output.metadata.annotations).toEqual({
      'basalt.dev/databases': 'payments/orders-db,payments/sessions',
    });

    const unserved = await preProcess(
      index,
      entity('Component', 'search-service', {
        'basalt.dev/databases': 'search/made-up',
        'backstage.io/techdocs-ref': 'dir:.',
      }),
    );
    expect(unserved.output.metadata.annotations).toEqual({
      'backstage.io/techdocs-ref': 'dir:.',
    });
  });

  it('ignores other kinds, even one with a served name', async () => {
    const input = entity('System', 'payments-service');
    const { output, emitted } = await preProcess(index, input);
    expect(output).toBe(input);
    expect(emitted).toEqual([]);
  });
});
