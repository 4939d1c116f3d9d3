import { useApi } from '@backstage/frontend-plugin-api';
import { BasaltApi, ClusterRef } from '@basalt/plugin-basalt-common';
import { createContext, ReactNode, useContext } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { basaltApiRef } from '../api';
import { useEngineCapabilities } from './useEngineCapabilities';

// A cluster's engine never changes: one request per cluster serves every
// card of the page.
const enginesOf = new WeakMap<BasaltApi, Map<string, Promise<string>>>();

function sharedEngine(api: BasaltApi, cluster: ClusterRef): Promise<string> {
  let engines = enginesOf.get(api);
  if (!engines) {
    engines = new Map();
    enginesOf.set(api, engines);
  }
  const key = `${cluster.namespace}/${cluster.name}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = api.getCluster(cluster).then(found => found.spec.engine);
    // A failed read is not kept: the next card to ask tries again.
    engine.catch(() => engines!.delete(key));
    engines.set(key, engine);
  }
  return engine;
}

/**
 * What the cluster is to the people who use it, in its engine's words
 * (`database`, `cache`: `EngineCapabilities.kind`); undefined while that is
 * being read, or when it cannot be.
 */
export function useClusterKind(cluster: ClusterRef): string | undefined {
  const api = useApi(basaltApiRef);
  const { value: engine } = useAsync(
    () => sharedEngine(api, cluster),
    [api, cluster.namespace, cluster.name],
  );
  return useEngineCapabilities(engine ?? '').value?.kind;
}

const ClusterKindContext = createContext<string | undefined>(undefined);

/** Makes {@link useClusterNoun} speak of `kind` below it. */
export function ClusterKindProvider(props: {
  kind: string | undefined;
  children: ReactNode;
}) {
  return (
    <ClusterKindContext.Provider value={props.kind}>
      {props.children}
    </ClusterKindContext.Provider>
  );
}

/**
 * The noun views use for the cluster they show: its kind as the nearest
 * {@link ClusterKindProvider} says (`database`), or `cluster` until that is
 * known.
 */
export function useClusterNoun(): string {
  return useContext(ClusterKindContext) ?? 'cluster';
}

/** `database` → `Database`, for the start of a title. */
export function capitalized(noun: string): string {
  return noun.charAt(0).toLocaleUpperCase('en-US') + noun.slice(1);
}
