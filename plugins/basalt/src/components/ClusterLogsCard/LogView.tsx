import { LogLevel } from '@basalt/plugin-basalt-common';
import { SequencedLogLine } from '../../hooks/useLogStream';
import { useEffect, useRef } from 'react';

const LEVEL_COLOURS: Record<LogLevel, string> = {
  debug: 'var(--bui-fg-secondary)',
  info: 'var(--bui-fg-primary)',
  warning: 'var(--bui-fg-warning)',
  error: 'var(--bui-fg-negative)',
  fatal: 'var(--bui-fg-negative)',
};

/**
 * Log lines in a scrolling, monospaced box; with `follow` it keeps the
 * newest line in view as lines arrive.
 */
export function LogView(props: {
  lines: SequencedLogLine[];
  follow: boolean;
  showInstance: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.follow && box.current) {
      box.current.scrollTop = box.current.scrollHeight;
    }
  }, [props.lines, props.follow]);

  return (
    <div
      ref={box}
      role="log"
      aria-label="Log lines"
      aria-live="off"
      style={{
        maxHeight: 360,
        overflow: 'auto',
        fontFamily: 'var(--bui-font-monospace, monospace)',
        fontSize: 12,
        lineHeight: 1.5,
        padding: 8,
        background: 'var(--bui-bg-neutral-1)',
        border: '1px solid var(--bui-border-1)',
        borderRadius: 4,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {props.lines.map(line => (
        <div
          key={line.seq}
          data-level={line.level}
          style={{
            color: LEVEL_COLOURS[line.level],
            fontWeight: line.level === 'fatal' ? 700 : 400,
          }}
        >
          {props.showInstance && (
            <span style={{ color: 'var(--bui-fg-secondary)' }}>
              {line.instance}{' '}
            </span>
          )}
          {line.message}
        </div>
      ))}
    </div>
  );
}
