export { loadConfig, redactConfig } from './load'
export { configFields, configTable } from './fields'
export type { Config, KeyFormat, DeleteMode, LogLevel, ProgressMode, FieldPolicyConfig } from './schema'
