import { useApi } from '@backstage/frontend-plugin-api';
import { ClusterLogLine, ClusterRef } from '@basalt/plugin-basalt-common';
import { useEffect, useRef, useState } from 'react';
import { basaltApiRef } from '../api';

/** Lines kept in memory; older ones are dropped as new ones arrive. */
const MAX_LOG_LINES = 1000;
const RECONNECT_DELAY_MS = 2000;

/** Where the stream stands, for the card to tell the user. */
export type LogStreamStatus = 'connecting' | 'live' | 'paused' | 'reconnecting';

/** A line with its place in the stream, a stable key for rendering. */
export interface SequencedLogLine extends ClusterLogLine {
  seq: number;
}

/** What {@link useLogStream} returns. */
export interface LogStream {
  lines: SequencedLogLine[];
  status: LogStreamStatus;
  /** Why the last connection failed, while reconnecting. */
  error?: Error;
}

/**
 * Follows a cluster's engine logs through the backend's event stream:
 * the recent lines first, then new ones as they are written. While
 * `paused` the connection is closed; resuming fetches the recent lines
 * again, so nothing written meanwhile is missed from the tail. A dropped
 * connection is retried until the component unmounts.
 */
export function useLogStream(options: {
  cluster: ClusterRef;
  instance?: string;
  paused: boolean;
  tail?: number;
}): LogStream {
  const { instance, paused, tail = 200 } = options;
  const { namespace, name } = options.cluster;
  const api = useApi(basaltApiRef);
  const [lines, setLines] = useState<SequencedLogLine[]>([]);
  const [status, setStatus] = useState<LogStreamStatus>('connecting');
  const [error, setError] = useState<Error>();
  const buffer = useRef<SequencedLogLine[]>([]);
  const nextSeq = useRef(0);

  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return undefined;
    }
    const controller = new AbortController();
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    // Batch renders: a burst of lines costs one render, not one each.
    const flush = () => {
      flushTimer = undefined;
      const incoming = buffer.current;
      buffer.current = [];
      setLines(previous => [...previous, ...incoming].slice(-MAX_LOG_LINES));
    };
    const onLine = (line: ClusterLogLine) => {
      buffer.current.push({ ...line, seq: nextSeq.current++ });
      flushTimer ??= setTimeout(flush, 100);
    };

    const follow = async () => {
      while (!controller.signal.aborted) {
        try {
          setStatus(previous =>
            previous === 'reconnecting' ? previous : 'connecting',
          );
          await api.streamClusterLogs(
            { namespace, name },
            { instance, tail, follow: true },
            {
              onOpen: () => {
                // The stream starts with the recent lines again.
                setLines([]);
                setError(undefined);
                setStatus('live');
              },
              onLine,
            },
            { signal: controller.signal },
          );
        } catch (e) {
          if (controller.signal.aborted) return;
          setError(e as Error);
        }
        if (controller.signal.aborted) return;
        setStatus('reconnecting');
        await new Promise(resolve => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    };
    follow();
    return () => {
      controller.abort();
      clearTimeout(flushTimer);
      buffer.current = [];
    };
  }, [api, namespace, name, instance, paused, tail]);

  return { lines, status, error };
}
