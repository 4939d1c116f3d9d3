export type {
  ClusterCredentials,
  ClusterTls,
  EngineAddress,
  EngineContext,
  EngineDriver,
  EngineHost,
  InstanceProbe,
  InstanceResources,
  InstanceRoleRequest,
  ParsedLogLine,
  ProbeSession,
  ReplicationSource,
  StreamingProgram,
} from './types';
export { EngineUnavailableError } from './errors';
export type { EngineContainer, EngineProcess } from './process';
export type {
  ArchivedLogSource,
  BackupOrigin,
  BackupSink,
  BackupSource,
  EngineBackups,
  PhysicalBackupInfo,
  PhysicalRestoreOptions,
} from './backups';
