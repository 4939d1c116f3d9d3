import { Button, Flex, SearchField, Select, Switch, Text } from '@backstage/ui';
import { ClusterRef, LogLevel } from '@basalt/plugin-basalt-common';
import { useMemo, useState } from 'react';
import { LogStreamStatus, useLogStream } from '../../hooks/useLogStream';
import { useCluster } from '../ClusterHealthCard';
import { filterLines } from './filterLines';
import { LogView } from './LogView';

const ALL_INSTANCES = '*';

const LEVEL_OPTIONS: { id: LogLevel; label: string }[] = [
  { id: 'debug', label: 'All levels' },
  { id: 'info', label: 'Info and above' },
  { id: 'warning', label: 'Warnings and above' },
  { id: 'error', label: 'Errors and above' },
];

const STATUS_TEXT: Record<LogStreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  paused: 'Paused',
  reconnecting: 'Connection lost; reconnecting…',
};

/** What the user chose to see of the logs. */
interface LogViewSettings {
  instance: string;
  minLevel: LogLevel;
  search: string;
  paused: boolean;
  follow: boolean;
}

function LogControls(props: {
  instances: string[];
  view: LogViewSettings;
  onChange: (change: Partial<LogViewSettings>) => void;
}) {
  const { instances, view, onChange } = props;
  return (
    <Flex gap="2" align="end" style={{ flexWrap: 'wrap' }}>
      <Select
        label="Instance"
        value={view.instance}
        onChange={key => onChange({ instance: String(key) })}
        options={[
          { id: ALL_INSTANCES, label: 'All instances' },
          ...instances.map(name => ({ id: name, label: name })),
        ]}
      />
      <Select
        label="Level"
        value={view.minLevel}
        onChange={key => onChange({ minLevel: key as LogLevel })}
        options={LEVEL_OPTIONS}
      />
      <SearchField
        label="Search"
        aria-label="Search the logs"
        value={view.search}
        onChange={search => onChange({ search })}
      />
      <Button
        variant="secondary"
        size="small"
        onPress={() => onChange({ paused: !view.paused })}
      >
        {view.paused ? 'Resume' : 'Pause'}
      </Button>
      <Switch
        label="Follow"
        isSelected={view.follow}
        onChange={follow => onChange({ follow })}
      />
    </Flex>
  );
}

/**
 * A live tail of one cluster's engine logs: choose the instance, filter by
 * level and text, pause, and follow the newest line.
 */
export function ClusterLogsPanel({ cluster }: { cluster: ClusterRef }) {
  const { value: resource } = useCluster(cluster);
  const [view, setView] = useState<LogViewSettings>({
    instance: ALL_INSTANCES,
    minLevel: 'debug',
    search: '',
    paused: false,
    follow: true,
  });
  const { instance, minLevel, search, paused, follow } = view;
  const stream = useLogStream({
    cluster,
    instance: instance === ALL_INSTANCES ? undefined : instance,
    paused,
  });
  const shown = useMemo(
    () => filterLines(stream.lines, minLevel, search),
    [stream.lines, minLevel, search],
  );
  const instances = resource?.status?.instances.map(i => i.name) ?? [];

  return (
    <Flex direction="column" gap="3">
      <LogControls
        instances={instances}
        view={view}
        onChange={change => setView(previous => ({ ...previous, ...change }))}
      />
      <Text
        variant="body-small"
        color={stream.status === 'reconnecting' ? 'warning' : 'secondary'}
        aria-label="Stream status"
      >
        {STATUS_TEXT[stream.status]}
        {stream.error ? ` (${stream.error.message})` : ''} · {shown.length} of{' '}
        {stream.lines.length} lines shown
      </Text>
      {shown.length > 0 ? (
        <LogView
          lines={shown}
          follow={follow}
          showInstance={instance === ALL_INSTANCES}
        />
      ) : (
        <Text color="secondary">
          {stream.lines.length > 0
            ? 'No line matches the level and search; widen them to see more.'
            : 'No log lines yet. New lines appear here as the engine writes them.'}
        </Text>
      )}
    </Flex>
  );
}
