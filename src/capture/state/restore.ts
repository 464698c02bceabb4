// Reads the state topic back into a CaptureState: every committed record from the beginning to the
// end it has now (read_committed, so an aborted transaction's state never counts). The engine does
// it before its first poll; `status` does it to report, without writing anything.
import { randomUUID } from 'node:crypto'
import type { Kafka } from 'kafkajs'
import { KafkaError } from '../../errors'
import { createFeed } from '../../kafka/kafkajs/feed'
import { resources } from '../../resources'
import type { LimitsLedger } from './learned-limits'
import { CaptureState } from './state'

/** The scope index of every stage resource: where its parent id sits in its key. */
export function newCaptureState(): CaptureState {
  const scopeIndex: Record<string, number> = {}
  for (const r of Object.values(resources))
    if (r.stage !== undefined) scopeIndex[r.name] = r.key.indexOf(r.stage.scopeField)
  return new CaptureState(scopeIndex)
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
    for (const record of batch.records) {
      if (record.key === null) continue
      const key = record.key.toString()
      state.load(key, record.value)
      limits?.load(key, record.value)
    }
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
