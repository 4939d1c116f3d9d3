import { useApi } from '@backstage/frontend-plugin-api';
import {
  BasaltApi,
  EngineCapabilities,
  Offerings,
} from '@basalt/plugin-basalt-common';
import useAsync from 'react-use/esm/useAsync';
import { basaltApiRef } from '../api';

// The offerings change only when the backend's configuration does: one
// request serves every card of the page.
const offeringsOf = new WeakMap<BasaltApi, Promise<Offerings>>();

function sharedOfferings(api: BasaltApi): Promise<Offerings> {
  let offerings = offeringsOf.get(api);
  if (!offerings) {
    offerings = api.getOfferings();
    // A failed read is not kept: the next card to ask tries again.
    offerings.catch(() => offeringsOf.delete(api));
    offeringsOf.set(api, offerings);
  }
  return offerings;
}

/** What {@link useEngineCapabilities} returns. */
export interface EngineCapabilitiesState {
  /** Undefined while loading, or when the engine is not installed. */
  value?: EngineCapabilities;
  loading: boolean;
  error?: Error;
}

/**
 * What `engine` can do, as `GET /offerings` says, so that views offer only
 * that and speak of it in the engine's words.
 */
export function useEngineCapabilities(engine: string): EngineCapabilitiesState {
  const api = useApi(basaltApiRef);
  const { value, loading, error } = useAsync(() => sharedOfferings(api), [api]);
  return {
    value: value?.engines.find(e => e.engine === engine)?.capabilities,
    loading,
    error,
  };
}
