import { InputError } from '@backstage/errors';

/**
 * Which Kubernetes namespace a Basalt namespace's clusters go to: a fixed
 * list, so that the backend can watch exactly those namespaces and be
 * granted rights in them only.
 */
export class NamespaceMapping {
  constructor(
    private readonly defaultNamespace: string,
    private readonly byNamespace: Record<string, string> = {},
  ) {
    for (const target of this.all()) {
      if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(target)) {
        throw new InputError(
          `basalt.runtimes.kubernetes.namespaces: '${target}' is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)`,
        );
      }
    }
  }

  /** The Kubernetes namespace of `basaltNamespace`'s clusters. */
  of(basaltNamespace: string): string {
    return this.byNamespace[basaltNamespace] ?? this.defaultNamespace;
  }

  /** Every Kubernetes namespace clusters may be in. */
  all(): string[] {
    return [
      ...new Set([this.defaultNamespace, ...Object.values(this.byNamespace)]),
    ];
  }
}
