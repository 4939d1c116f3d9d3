import { InstanceStatus } from '@basalt/plugin-basalt-common';
import {
  describeLag,
  StatusText,
  tableStyles as styles,
  TableHead,
} from '../common';

/** Every instance: what it does, where it runs, whether it serves. */
export function InstancesTable(props: { instances: InstanceStatus[] }) {
  return (
    <table style={styles.table} aria-label="Instances">
      <TableHead
        columns={['Instance', 'Role', 'Node', 'Ready', 'Replication lag']}
      />
      <tbody>
        {props.instances.map(instance => (
          <tr key={instance.name} aria-label={`instance ${instance.name}`}>
            <td style={styles.td}>{instance.name}</td>
            <td style={styles.td}>{instance.role}</td>
            <td style={styles.td}>{instance.node}</td>
            <td style={styles.td}>
              <StatusText tone={instance.ready ? 'success' : 'danger'}>
                {instance.ready ? 'Ready' : 'Not ready'}
              </StatusText>
              {instance.message && <div>{instance.message}</div>}
            </td>
            <td style={styles.td}>{describeLag(instance)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
