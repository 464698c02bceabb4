export { loadConfig, usesSimulator, redactConfig } from './load'
export { configFields, configHelp, configTable } from './fields'
export type { Config, KeyFormat, DeleteMode, LogLevel, SaslMechanism } from './schema'
