// `deletes list|approve|reject [resource]`: a person's word on a wave of deletes the guard holds
// (capture/rules/delete-guard.ts). The decision is written into the resource's cursor through the
// resource's own transactional id, as `reset` does: the producer of a running `run` is fenced
// first, so its open transaction is aborted and it can commit nothing over the decision; the state
// is read back only after that. The deletes themselves are published by the next full listing
// (`run` after its restart, or `sync --once`), in transactions with the cursor like every delete,
// and only for records still missing then: nothing is published twice or from a stale read.
import type { Command } from 'commander'
import { transactionalIdFor } from '../capture/context'
import type { Cursor } from '../capture/state/cursor'
import { heldOf, type HeldWave, type WaveDecision } from '../capture/rules/delete-guard'
import { newCaptureState } from '../capture/state/restore'
import { stateRecords, type CaptureState } from '../capture/state/state'
import type { TransactionalSink } from '../kafka/port'
import { resourceNames, resources, type ResourceName } from '../resources'
import { resourceName } from './arguments'
import { open, stateTopicExists } from './state-commands'

const SAMPLE_KEYS = 5

/** Resources that hold waves (stages have no listing that could produce one). */
const holding = (state: CaptureState, only: ResourceName | undefined): ResourceName[] =>
  (only === undefined ? resourceNames : [only]).filter(
    (name) => resources[name].stage === undefined && (state.cursor(name).heldDeletes?.waves.length ?? 0) > 0,
  )

const stateOfWave = (w: HeldWave) =>
  w.decision === 'approved'
    ? 'approved: the next full listing publishes those still missing'
    : w.decision === 'rejected'
      ? 'rejected: kept as existing'
      : 'waiting'

export interface WaveView {
  resource: ResourceName
  count: number
  since: string
  state: 'waiting' | WaveDecision
  unannounced: boolean
  sampleKeys: string[]
}

export function viewOf(state: CaptureState, names: readonly ResourceName[]): WaveView[] {
  return names.flatMap((resource) =>
    (state.cursor(resource).heldDeletes?.waves ?? []).map((w) => ({
      resource,
      count: w.count,
      since: new Date(w.since).toISOString(),
      state: w.decision ?? 'waiting',
      unannounced: w.unannounced === true,
      sampleKeys: (w.keys ?? []).slice(0, SAMPLE_KEYS),
    })),
  )
}

function printList(state: CaptureState, names: readonly ResourceName[]): void {
  if (names.length === 0) {
    console.log('no deletes are held')
    return
  }
  for (const name of names) {
    const waves = state.cursor(name).heldDeletes?.waves ?? []
    const known = state.knownOf(name).size
    console.log(`${name} (${known} known records):`)
    for (const w of waves) {
      const why = w.unannounced === true ? ', missing without a webhook announcement' : ''
      console.log(`  ${w.count} missing since ${new Date(w.since).toISOString()}${why}: ${stateOfWave(w)}`)
      const keys = w.keys ?? []
      console.log(
        keys.length === 0
          ? '    (too many keys to keep: only the same set missing again can be published)'
          : `    e.g. ${keys.slice(0, SAMPLE_KEYS).join(' ')}${keys.length > SAMPLE_KEYS ? ' …' : ''}`,
      )
    }
  }
  console.log(
    '\nApprove: personio-kafka deletes approve <resource>   Reject: personio-kafka deletes reject <resource>',
  )
}

/** The cursor with every wave not yet so decided given the decision. */
export function decide(cursor: Cursor, decision: WaveDecision): Cursor {
  const held = cursor.heldDeletes
  if (held === undefined) return cursor
  const waves = held.waves.map((w) => ({ ...w, decision }))
  return { ...cursor, heldDeletes: heldOf(waves, held.warnedAt) }
}

async function record(
  configFile: string | undefined,
  only: ResourceName | undefined,
  decision: WaveDecision,
  company?: string,
) {
  const c = open(configFile, company)
  const undecided = (state: CaptureState) =>
    holding(state, only).filter((name) =>
      (state.cursor(name).heldDeletes?.waves ?? []).some((w) => w.decision !== decision),
    )
  const seen = (await stateTopicExists(c)) ? undecided(await c.kafka.restoreState(c.stateTopic, c.group)) : []
  if (seen.length === 0) {
    console.log(
      `no deletes are held${only === undefined ? '' : ` for ${only}`} that are not ${decision} already`,
    )
    return
  }
  const sinks = new Map<ResourceName, TransactionalSink>()
  try {
    // fence first, then read: a running `run` commits nothing between the read and the write
    for (const name of seen) {
      const sink = c.kafka.transactionalSink(transactionalIdFor(c.prefix, name))
      sinks.set(name, sink)
      await sink.open()
    }
    const state = await c.kafka.restoreState(c.stateTopic, c.group, newCaptureState())
    for (const name of undecided(state).filter((n) => sinks.has(n))) {
      const before = state.cursor(name)
      const cursor = decide(before, decision)
      await sinks
        .get(name)
        ?.publish(stateRecords(c.stateTopic, { resource: name, known: new Map(), cursor }, Date.now()))
      const count = (before.heldDeletes?.waves ?? []).reduce((n, w) => n + w.count, 0)
      console.log(
        decision === 'approved'
          ? `${name}: ${count} held deletes approved; the next full listing (run, or sync --once) publishes those still missing as tombstones`
          : `${name}: ${count} held deletes rejected; those records are kept as existing, and not proposed again while the same ones stay missing`,
      )
    }
  } finally {
    for (const sink of sinks.values()) await sink.close()
  }
}

const note =
  "\nThe decision is written to the state topic through the resource's transactional id, like reset: a running\n" +
  '`run` is fenced for that resource and stops (start it again: it carries the decision out).\n'

export function registerDeletes(program: Command): void {
  const deletes = program
    .command('deletes')
    .description('waves of deletes the delete guard holds for a person: list, approve or reject them')
    .addHelpText(
      'after',
      '\nA full listing that finds more than DELETE_GUARD_PERCENT of a resource missing (at least 5 records), or all\n' +
        'of it, holds those deletes as a wave: an empty or cut answer, or a narrowed credential, looks just like that.\n' +
        'With DELETE_GUARD_MODE=approve (the default) a wave waits for a person, however long.\n\n' +
        'Examples:\n  $ personio-kafka deletes list\n  $ personio-kafka deletes approve employees\n  $ personio-kafka deletes reject absences',
    )
  deletes
    .command('list')
    .argument('[resource]', 'only this resource, e.g. employees', resourceName)
    .description('held waves per resource: how many, since when, a few sample keys, and any decision')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json)')
    .option('--json', 'print JSON instead of text')
    .action(
      async (only: ResourceName | undefined, o: { config?: string; company?: string; json?: boolean }) => {
        const c = open(o.config, o.company)
        const state = (await stateTopicExists(c))
          ? await c.kafka.restoreState(c.stateTopic, c.group)
          : newCaptureState()
        const names = holding(state, only)
        if (o.json === true) console.log(JSON.stringify(viewOf(state, names), null, 2))
        else printList(state, names)
      },
    )
  deletes
    .command('approve')
    .argument(
      '[resource]',
      'one resource, e.g. employees (default: every resource holding a wave)',
      resourceName,
    )
    .description('publish the held deletes: the next full listing tombstones those records still missing')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json)')
    .addHelpText(
      'after',
      note +
        'A record that came back meanwhile is not deleted. A rejected wave can be approved later.\n\n' +
        'Examples:\n  $ personio-kafka deletes approve employees && personio-kafka sync --once --resources employees',
    )
    .action((only: ResourceName | undefined, o: { config?: string; company?: string }) =>
      record(o.config, only, 'approved', o.company),
    )
  deletes
    .command('reject')
    .argument(
      '[resource]',
      'one resource, e.g. employees (default: every resource holding a wave)',
      resourceName,
    )
    .description('keep the held records: they are treated as existing and nothing is deleted')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json)')
    .addHelpText(
      'after',
      note +
        'A rejected wave is not proposed again while the same records stay missing; records that reappear leave it,\n' +
        'and records missing besides it are judged on their own. `deletes approve` still publishes it later.\n\n' +
        'Examples:\n  $ personio-kafka deletes reject employees',
    )
    .action((only: ResourceName | undefined, o: { config?: string; company?: string }) =>
      record(o.config, only, 'rejected', o.company),
    )
}
