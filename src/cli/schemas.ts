// `personio-kafka schemas print | check | register`: the contract as the service would register it,
// compared with (or written to) the schema registry. Compatibility settings are never changed.
import type { Command } from 'commander'
import { type Config } from '../config'
import { loadConfig } from './load-config'
import { effectiveKeyFormat } from '../contract/key-format'
import { keySubject, topicFor, valueSubject } from '../contract/naming'
import { createSchemaRegistry, type SchemaCheck } from '../contract/registry'
import { keySchema, valueSchema } from '../contract/schema-builder'
import { resourceNames, resources, type ResourceName } from '../resources'
import { resourceList } from './arguments'
import { exitCodes } from './exit-codes'

interface Subject {
  subject: string
  schema: object
  frozen: boolean
}

export function subjectsOf(config: Config, only: readonly ResourceName[] | undefined): Subject[] {
  return (only ?? resourceNames).flatMap((name) => {
    const r = resources[name]
    const topic = topicFor(config.topics.prefix, name)
    const key: Subject[] =
      effectiveKeyFormat(r, config.topics.keyFormat) === 'avro'
        ? [{ subject: keySubject(topic), schema: keySchema(r), frozen: true }]
        : []
    return [...key, { subject: valueSubject(topic), schema: valueSchema(r), frozen: false }]
  })
}

const registryOf = (config: Config) =>
  createSchemaRegistry({
    url: config.registry.url,
    username: config.registry.username,
    password: config.registry.password,
  })

/** One checklist line and whether it needs fixing. */
export function judge(s: Subject, check: SchemaCheck): { ok: boolean; line: string } {
  const version = check.state === 'new' ? '?' : (check.version ?? '?')
  switch (check.state) {
    case 'new':
      return { ok: true, line: 'not registered yet (registered before the first record)' }
    case 'identical':
      return { ok: true, line: `registered, identical (id ${check.id}, version ${version})` }
    default:
      if (s.frozen)
        return {
          ok: false,
          line: `key schema differs from version ${version}: keys are frozen (same key, same bytes); use a new TOPIC_PREFIX`,
        }
      if (check.state === 'compatible')
        return {
          ok: true,
          line: `${check.level}-compatible with version ${version} (a new version on first publish)`,
        }
      return {
        ok: false,
        line: `NOT ${check.level}-compatible with version ${version}: ${check.messages.join('; ') || 'incompatible'}`,
      }
  }
}

const common = (c: Command) =>
  c
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`, resourceList)

type Options = { config?: string; resources?: ResourceName[] }

export function registerSchemas(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('print the Avro contract, check it against the registry, or register it')
    .addHelpText(
      'after',
      `
Examples:
  $ personio-kafka schemas print --resources employees
  $ personio-kafka schemas check
  $ personio-kafka schemas register --resources employees,absences

Employee custom attributes the credential may read add optional fields at run time; these
commands show the schemas without them.`,
    )
  common(
    schemas.command('print').description('print key and value schemas, one JSON object per subject'),
  ).action((o: Options) => {
    const config = loadConfig({ file: o.config })
    const out = Object.fromEntries(subjectsOf(config, o.resources).map((s) => [s.subject, s.schema]))
    console.log(JSON.stringify(out, null, 2))
  })
  common(
    schemas
      .command('check')
      .description(`compare with the registry; exit ${exitCodes.check.code} when a subject would be refused`),
  ).action(async (o: Options) => {
    const config = loadConfig({ file: o.config })
    const registry = registryOf(config)
    let bad = 0
    for (const s of subjectsOf(config, o.resources)) {
      const verdict = judge(s, await registry.check(s.subject, s.schema))
      if (!verdict.ok) bad++
      console.log(`${verdict.ok ? 'ok  ' : 'FIX '} ${s.subject.padEnd(44)} ${verdict.line}`)
    }
    console.log(bad === 0 ? 'all subjects ok' : `${bad} subject(s) to fix`)
    if (bad > 0) process.exitCode = exitCodes.check.code
  })
  common(
    schemas
      .command('register')
      .description('register every schema that is new or compatible (after a check)'),
  ).action(async (o: Options) => {
    const config = loadConfig({ file: o.config })
    const registry = registryOf(config)
    for (const s of subjectsOf(config, o.resources)) {
      const id = await registry.register(s.subject, s.schema, { frozen: s.frozen })
      console.log(`${s.subject.padEnd(44)} id ${id}`)
    }
  })
}
