export type {
  ClusterCredentials,
  ClusterTls,
  BindingRequest,
  ConnectionRequest,
  EngineAddress,
  EngineContext,
  EngineDriver,
  InstanceProbe,
  InstanceResources,
  InstanceRoleRequest,
  ParsedLogLine,
  ProbeSession,
  ReplicationPosition,
  ReplicationSource,
} from './types';
export { EngineUnavailableError } from './errors';
export type { EngineContainer, EngineProcess } from './process';
export type {
  ArchivedLogSource,
  BackupOrigin,
  BackupSink,
  BackupSource,
  EngineBackups,
  LogArchiving,
  LogStreamOptions,
  PhysicalBackupInfo,
  PhysicalRestoreOptions,
} from './backups';
export type { EngineHost, StreamingProgram } from './host';
