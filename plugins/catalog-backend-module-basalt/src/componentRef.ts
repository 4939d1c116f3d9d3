import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * The full, lower-case entity ref of the component a cluster's
 * `basalt.dev/component` annotation names (`payments-service` →
 * `component:default/payments-service`), or `undefined` when it is not an
 * entity ref. One normalisation for the Resource's `dependencyOf` and the
 * Component's `basalt.dev/databases`, so both always name the same entity.
 */
export function normaliseComponentRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The catalog refresh key the processor attaches to a Component and the
 * provider refreshes when the Component's clusters change.
 */
export function componentRefreshKey(componentRef: string): string {
  return `basalt-component:${componentRef}`;
}
