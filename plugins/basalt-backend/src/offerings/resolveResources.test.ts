import { InputError } from '@backstage/errors';
import { engineClusterSpecSchema } from '@basalt/plugin-basalt-common';
import { parseCpuMillis, resolveResources } from './resolveResources';

const GiB = 2 ** 30;
const classes = [
  { name: 's' as const, cpu: '1', memory: '1Gi' },
  { name: 'm' as const, cpu: '2', memory: '4Gi' },
  { name: 'l' as const, cpu: '4', memory: '16Gi' },
];
const resourcesOf = (resources?: object) =>
  engineClusterSpecSchema.parse({ engine: 'postgresql', resources }).resources;

describe('resolveResources', () => {
  it('gives the class s when the manifest names none', () => {
    expect(resolveResources(resourcesOf(), classes)).toEqual({
      cpuMillis: 1000,
      memoryBytes: GiB,
    });
  });

  it("gives a class's cpu and memory", () => {
    expect(resolveResources(resourcesOf({ class: 'm' }), classes)).toEqual({
      cpuMillis: 2000,
      memoryBytes: 4 * GiB,
    });
  });

  it('takes explicit values, the rest from class s', () => {
    expect(
      resolveResources(resourcesOf({ cpu: '500m', memory: '512Mi' }), classes),
    ).toEqual({ cpuMillis: 500, memoryBytes: 512 * 2 ** 20 });
    expect(resolveResources(resourcesOf({ memory: '8Gi' }), classes)).toEqual({
      cpuMillis: 1000,
      memoryBytes: 8 * GiB,
    });
  });

  it('refuses a class that is not offered', () => {
    const only = classes.filter(c => c.name !== 'l');
    expect(() => resolveResources(resourcesOf({ class: 'l' }), only)).toThrow(
      InputError,
    );
    expect(() => resolveResources(resourcesOf({ class: 'l' }), only)).toThrow(
      "'l' is not offered here; offered: s, m",
    );
  });
});

describe('parseCpuMillis', () => {
  it.each([
    ['2', 2000],
    ['0.5', 500],
    ['250m', 250],
    ['1.5m', undefined],
    ['0', undefined],
    ['two', undefined],
  ])('%s is %s millicores', (value, millis) => {
    expect(parseCpuMillis(value)).toBe(millis);
  });
});
