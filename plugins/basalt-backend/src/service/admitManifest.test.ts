import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { PostgresDriver } from '../engines/postgresql';
import { readOfferings } from '../offerings';
import { admitManifest } from './admitManifest';

const driver = new PostgresDriver();
const drivers = new Map([[driver.engine, driver]]);
// A platform team that offers no class l.
const offerings = readOfferings(
  new ConfigReader({
    basalt: {
      resourceClasses: {
        s: { cpu: '1', memory: '1Gi' },
        m: { cpu: '2', memory: '4Gi' },
      },
    },
  }),
  [driver],
);

const manifest = (resources: object) => ({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name: 'orders-db', namespace: 'payments' },
  spec: { engine: 'postgresql', resources },
});

describe('admitManifest', () => {
  it('admits an offered class and explicit cpu and memory', () => {
    expect(
      admitManifest(manifest({ class: 'm' }), offerings, drivers).spec
        .resources,
    ).toEqual({ class: 'm' });
    expect(
      admitManifest(
        manifest({ cpu: '500m', memory: '512Mi' }),
        offerings,
        drivers,
      ).spec.resources,
    ).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  it('refuses a class that is not offered, naming the field', () => {
    const admit = () =>
      admitManifest(manifest({ class: 'l' }), offerings, drivers);
    expect(admit).toThrow(InputError);
    expect(admit).toThrow(
      "spec.resources.class: 'l' is not offered here; offered: s, m",
    );
  });
});
