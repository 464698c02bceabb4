// `reset <resource>` and `resnapshot <resource>` (`status` is in status.ts): change one resource's
// cursor in the state topic, the others untouched. Writes go through the resource's own transactional id,
// so a running service's producer for that resource is fenced rather than racing the change.
import type { Command } from 'commander'
import { encodeCursor, initialCursor, type Cursor } from '../capture/state/cursor'
import { stateTopicFor, transactionalIdFor } from '../capture/context'
import { cursorTombstone } from '../capture/state/state'
import { type Config } from '../config'
import { loadCompanyConfig, loadConfig } from './load-config'
import { kafkaTools } from '../kafka'
import { kafkaUnreachable } from '../kafka/unreachable'
import { createLogger } from '../ops/logger'
import { resources, type ResourceName } from '../resources'
import { resourceName } from './arguments'

/** A stage started over: a refresh of every parent due at once, publishing every row as a read. */
export function stageStartOver(name: ResourceName): Cursor {
  return { ...initialCursor(name), snapshotDone: true, resnapshot: true, lastRefreshAt: 0 }
}

/** @param company with COMPANIES_DIR: that company's configuration (its prefix, its credentials) */
export function open(configFile: string | undefined, company?: string) {
  const config =
    company === undefined
      ? loadConfig({ file: configFile })
      : loadCompanyConfig({ file: configFile, company }).config
  const logger = createLogger(config.log)
  const kafka = kafkaTools(config.kafka, logger)
  const prefix = config.topics.prefix
  return {
    config,
    kafka,
    prefix,
    stateTopic: stateTopicFor(prefix),
    group: `${config.kafka.clientId}.${prefix}`,
  }
}

/**
 * The first call of every state command: brokers that do not answer are one line (exit 4) here,
 * before anything waits out kafkajs' retries or prints its stack traces.
 */
export async function stateTopicExists(o: ReturnType<typeof open>): Promise<boolean> {
  try {
    return (await o.kafka.existingTopics([o.stateTopic])).has(o.stateTopic)
  } catch (error) {
    throw kafkaUnreachable(o.config.kafka.brokers, error)
  }
}

async function writeCursor(
  config: Config,
  o: ReturnType<typeof open>,
  name: ResourceName,
  value: Buffer | null,
) {
  const sink = o.kafka.transactionalSink(transactionalIdFor(o.prefix, name))
  try {
    const record =
      value === null
        ? cursorTombstone(o.stateTopic, name, Date.now())
        : { topic: o.stateTopic, key: Buffer.from(`cursor/${name}`), value, timestamp: Date.now() }
    await sink.publish([record])
  } finally {
    await sink.close()
  }
}

export function registerStateCommands(program: Command): void {
  program
    .command('reset')
    .argument('<resource>', 'one resource, e.g. employees', resourceName)
    .description(
      "forget one resource's cursor: its next cycle is a snapshot from the beginning (others untouched)",
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json)')
    .addHelpText(
      'after',
      '\nThe fingerprints of what was published stay, so the snapshot still finds what was deleted meanwhile.\n' +
        'A running service is fenced for that resource (stop it first, restart it after).\n\nExamples:\n  $ personio-kafka reset absences',
    )
    .action(async (name: ResourceName, o: { config?: string; company?: string }) => {
      const c = open(o.config, o.company)
      if (resources[name].stage !== undefined) {
        // A stage's position is its group offsets plus the time of its last full refresh: starting
        // it over is a full refresh due now that publishes every row (the offsets may stay: that
        // refresh reads every parent anyway).
        await writeCursor(c.config, c, name, encodeCursor(stageStartOver(name)))
        console.log(
          `${name}: cursor reset; its next cycle reads every parent again and publishes every row (op r)`,
        )
        return
      }
      await writeCursor(c.config, c, name, null)
      console.log(`${name}: cursor removed; its next cycle reads it from the beginning (op r)`)
    })
  program
    .command('resnapshot')
    .argument('<resource>', 'one resource, e.g. employees', resourceName)
    .description(
      'publish a fresh snapshot of one resource on its next cycle, deletes included (others untouched)',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json)')
    .addHelpText(
      'after',
      '\nUnlike reset, the incremental cursor is kept: after the snapshot, capture goes on where it was.\n' +
        'A running service is fenced for that resource (stop it first, restart it after).\n\nExamples:\n  $ personio-kafka resnapshot employees',
    )
    .action(async (name: ResourceName, o: { config?: string; company?: string }) => {
      const c = open(o.config, o.company)
      const state = await c.kafka.restoreState(c.stateTopic, c.group)
      const stage = resources[name].stage !== undefined
      // A stage's snapshot is a refresh of every parent, due now.
      const cursor = stage
        ? { ...state.cursor(name), resnapshot: true, lastRefreshAt: 0 }
        : { ...state.cursor(name), resnapshot: true }
      await writeCursor(c.config, c, name, encodeCursor(cursor))
      console.log(`${name}: a snapshot is requested for its next cycle`)
    })
}
