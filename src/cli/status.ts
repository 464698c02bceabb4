// `personio-kafka status`: per resource its phase, lag, keys and what needs attention, read from
// the state topic. Fits 100 columns; `--wide` shows every time and detail, `--json` all of it.
import type { Command } from 'commander'
import { newCaptureState } from '../capture/state/restore'
import {
  inboxStatusOf,
  shownResources,
  statusOf,
  statusTable,
  type ResourceStatus,
} from '../capture/engine/status'
import { resources, type ResourceName } from '../resources'
import { inboxGroupFor, inboxTopicFor } from '../webhooks/inbox'
import { resourceList } from './arguments'
import { open, stateTopicExists } from './state-commands'
import { ConfigError } from '../errors'
import { createLogger } from '../ops/logger'
import { groupTable, readGroupStatus } from './group-status'
import { loadConfig } from './load-config'

interface StatusOptions {
  config?: string
  company?: string
  group?: boolean
  resources?: ResourceName[]
  json?: boolean
  wide?: boolean
}

/** Records read at most per resource to tell its inbox backlog (each is a small envelope). */
const INBOX_READ_MAX = 100_000

/**
 * With webhooks configured, each resource Personio announces by webhook gets its inbox backlog:
 * what its consumer group has not committed past (usually nothing: no read at all then).
 */
async function addInboxBacklog(c: ReturnType<typeof open>, rows: ResourceStatus[], now: number) {
  const { webhooks, kafka } = c.config
  if (webhooks.publicUrl === undefined || webhooks.token === undefined) return
  const topic = inboxTopicFor(c.prefix)
  if (!(await c.kafka.existingTopics([topic])).has(topic)) return
  for (const row of rows) {
    // only a captured resource Personio announces by webhook reads the inbox
    if (resources[row.resource].webhook === undefined || !c.config.capture.resources.includes(row.resource))
      continue
    const unread = await c.kafka.readBehindGroup(
      topic,
      inboxGroupFor(kafka.clientId, c.prefix, row.resource),
      {
        max: INBOX_READ_MAX,
        timeoutMs: 15_000,
      },
    )
    row.inbox = inboxStatusOf(row.resource, unread.records, now)
  }
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'per resource: phase, lag behind Personio, known keys, last success, last error (from the state topic), webhook inbox backlog',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: that company (its prefix, its state topic)')
    .option(
      '--group',
      'with COMPANIES_DIR: every worker of the group, the companies each holds and their phase',
    )
    .option('--resources <list>', 'only these resources', resourceList)
    .option('--wide', 'every column in full (times, held deletes, errors), however wide')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      "\nThe lag is how far capture is behind Personio's clock (the cursor_lag_seconds metric says the same).\n" +
        '\nExamples:\n  $ personio-kafka status\n  $ personio-kafka status --wide\n' +
        '  $ personio-kafka status --group            # workers, companies, who holds what\n' +
        '  $ personio-kafka status --company acme\n' +
        '  $ personio-kafka status --json | jq \'.[] | select(.resource=="employees")\'',
    )
    .action(async (o: StatusOptions) => {
      if (o.group === true) {
        const config = loadConfig({ file: o.config })
        if (config.workers.companiesDir === undefined)
          throw new ConfigError(['--group needs COMPANIES_DIR: the companies the workers of the group serve'])
        const group = await readGroupStatus(config, createLogger(config.log))
        if (o.json === true) console.log(JSON.stringify(group, null, 2))
        else for (const line of groupTable(group)) console.log(line)
        return
      }
      const c = open(o.config, o.company)
      // Before the first run there is no state topic: every resource is "not started", said at once
      // (reading a topic that does not exist would wait out kafkajs' retries and then fail).
      const exists = await stateTopicExists(c)
      const state = exists ? await c.kafka.restoreState(c.stateTopic, c.group) : newCaptureState()
      const now = Date.now()
      const rows = statusOf(state, now, o.resources ?? shownResources(state, c.config.capture.resources))
      await addInboxBacklog(c, rows, now)
      if (o.json === true) console.log(JSON.stringify(rows, null, 2))
      else for (const line of statusTable(rows, { wide: o.wide, now })) console.log(line)
    })
}
