export { loadConfig, redactConfig, type LoadOptions } from './load'
export { configFields, configHelp, configTable } from './fields'
export type {
  Config,
  KeyFormat,
  DeleteMode,
  LogLevel,
  LogFormat,
  ProgressMode,
  FieldPolicyConfig,
  SaslMechanism,
} from './schema'
