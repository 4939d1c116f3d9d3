import { EngineFigure, formatBytes } from '@basalt/plugin-basalt-common';
import { InstanceStatus } from '@basalt/plugin-basalt-common';
import { StatusText, tableStyles as styles, TableHead } from '../common';

/** From this share of its limit on, a figure is shown as a warning. */
const PRESSURE = 0.9;

function formatValue(unit: EngineFigure['unit'], value: number): string {
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  return value.toLocaleString('en-US');
}

/** `1.2 MiB of 768 MiB (0.2 %)`, or the value alone without a limit. */
export function describeFigure(figure: EngineFigure): string {
  const value = formatValue(figure.unit, figure.value);
  if (figure.limit === undefined) return value;
  const share = ((figure.value / figure.limit) * 100).toFixed(1);
  return `${value} of ${formatValue(figure.unit, figure.limit)} (${share} %)`;
}

function Figure(props: { figure?: EngineFigure }) {
  const { figure } = props;
  if (!figure) return <>—</>;
  const text = describeFigure(figure);
  const pressed =
    figure.limit !== undefined && figure.value >= figure.limit * PRESSURE;
  return pressed ? <StatusText tone="warning">{text}</StatusText> : <>{text}</>;
}

/**
 * What each instance's engine reports of it beside role and lag (Redis:
 * memory against `maxmemory`, keys, hit ratio, clients), one column per
 * figure; a figure near its limit is a warning. Nothing for an engine that
 * reports none.
 */
export function InstanceFigures(props: { instances: InstanceStatus[] }) {
  const columns = new Map<string, string>();
  for (const instance of props.instances) {
    for (const figure of instance.figures ?? []) {
      columns.set(figure.name, figure.label);
    }
  }
  if (columns.size === 0) return null;
  return (
    <table style={styles.table} aria-label="Engine figures">
      <TableHead columns={['Instance', ...columns.values()]} />
      <tbody>
        {props.instances.map(instance => (
          <tr key={instance.name} aria-label={`figures of ${instance.name}`}>
            <td style={styles.td}>{instance.name}</td>
            {[...columns.keys()].map(name => (
              <td key={name} style={styles.td}>
                <Figure figure={instance.figures?.find(f => f.name === name)} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
