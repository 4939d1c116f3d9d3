export type {
  EngineOffering,
  ParameterApply,
  ParameterDefinition,
  ParameterType,
  ParameterUnitKind,
  ProfileParameterRules,
  RefusedParameterRule,
  ReservedNames,
} from './types';
export { integerInBaseUnit, parseParameterValue } from './parseParameterValue';
export type { ParsedParameterValue } from './parseParameterValue';
export { admitParameters, refusedParameterReason } from './admitParameters';
export type { AdmittedParameters, ParameterAdmission } from './admitParameters';
