// StateStore on kafkajs: capture's state read back from the compacted state topic — every
// committed record from the beginning to the end it has now (read_committed, so an aborted
// transaction's state never counts). The engine restores before its first poll, settles an
// unconfirmed commit with `readAfter`; `status` and the state commands read it without writing.
import { randomUUID } from 'node:crypto'
import type { Kafka } from 'kafkajs'
import { newCaptureState, restoreRecord } from '../../capture/state/restore'
import type { CaptureState } from '../../capture/state/state'
import type { StateStore } from '../../capture/ports'
import type { LimitsLedger } from '../../capture/state/learned-limits'
import { KafkaError } from '../../errors'
import { createFeed } from './feed'

export interface StateTopic {
  stateTopic: string
  /** consumer groups of the reads are named under it (`<clientId>.<prefix>`) */
  groupPrefix: string
}

export async function restoreState(
  kafka: Kafka,
  stateTopic: string,
  groupPrefix: string,
  state: CaptureState = newCaptureState(),
  /** also reads the Personio client's learned paces (`limits/<family>`), when given */
  limits?: Pick<LimitsLedger, 'load'>,
): Promise<CaptureState> {
  // A group of its own each time: nothing is committed, and two readers never split the topic.
  const feed = createFeed(kafka, {
    groupId: `${groupPrefix}.restore.${randomUUID()}`,
    topics: [stateTopic],
    untilCaughtUp: true,
  })
  await feed.run(async (batch) => {
    for (const record of batch.records) restoreRecord(state, limits, record.key, record.value)
  })
  return state
}

/**
 * The state read back once the state topic's committed end (read_committed `high` of its one
 * partition) is past every offset in `after`: records of transactions known to be decided, so
 * the read sees them, committed or aborted. Another resource's open transaction holds that end
 * back for as long as it stays open; past `waitMs` the caller is told to try again later.
 */
export async function restoreStateAfter(
  kafka: Kafka,
  stateTopic: string,
  groupPrefix: string,
  after: readonly bigint[],
  waitMs = 30_000,
): Promise<CaptureState> {
  const last = after.reduce((max, o) => (o > max ? o : max), -1n)
  const admin = kafka.admin()
  await admin.connect()
  try {
    for (const until = Date.now() + waitMs; ;) {
      const [end] = await admin.fetchTopicOffsets(stateTopic)
      if (end !== undefined && BigInt(end.high) > last) break
      if (Date.now() >= until)
        throw new KafkaError(
          `The state topic ${stateTopic} has not committed past offset ${String(last)} within ${waitMs / 1000} s (another transaction is still open); its state is read again later`,
          { retriable: true },
        )
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await admin.disconnect()
  }
  return restoreState(kafka, stateTopic, groupPrefix)
}

export function createStateStore(kafka: Kafka, { stateTopic, groupPrefix }: StateTopic): StateStore {
  return {
    restore: (into, limits) => restoreState(kafka, stateTopic, groupPrefix, into, limits),
    readAfter: (after) => restoreStateAfter(kafka, stateTopic, groupPrefix, after),
  }
}
