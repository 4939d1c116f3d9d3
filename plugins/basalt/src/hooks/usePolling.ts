import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

/** How often cards refresh what they show while the page is open. */
const REFRESH_INTERVAL_MS = 3000;

/** What {@link usePolling} returns. */
export interface PollingState<T> {
  /** The last value loaded; kept when a later refresh fails. */
  value?: T;
  /** The last refresh's error, cleared by the next success. */
  error?: Error;
  /** True until the first load finishes, successfully or not. */
  loading: boolean;
  /** Loads again now. */
  refresh: () => void;
}

/**
 * Loads `load()` and again every `intervalMs` while mounted, so a card
 * follows the backend without a reload. A failed refresh keeps the last
 * value next to the error, so a blip does not blank the card. Requests
 * never overlap: the next one is scheduled when the previous one settles.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  intervalMs: number = REFRESH_INTERVAL_MS,
): PollingState<T> {
  const [state, setState] = useState<Omit<PollingState<T>, 'refresh'>>({
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // Another subject (e.g. another cluster): forget what was shown.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setState({ loading: true }), deps);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const value = await loadRef.current();
        if (!cancelled) setState({ value, loading: false });
      } catch (error) {
        if (!cancelled) {
          setState(previous => ({
            value: previous.value,
            error: error as Error,
            loading: false,
          }));
        }
      }
      if (!cancelled) timer = setTimeout(tick, intervalMs);
    };
    tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, intervalMs, generation]);

  const refresh = useCallback(() => setGeneration(g => g + 1), []);
  return { ...state, refresh };
}
