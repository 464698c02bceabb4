// Reads the state topic back into a CaptureState: every committed record from the beginning to the
// end it has now (read_committed, so an aborted transaction's state never counts). The engine does
// it before its first poll; `status` does it to report, without writing anything.
import { randomUUID } from 'node:crypto'
import type { Kafka } from 'kafkajs'
import { createFeed } from '../kafka/kafkajs/feed'
import { resources } from '../resources'
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
): Promise<CaptureState> {
  // A group of its own each time: nothing is committed, and two readers never split the topic.
  const feed = createFeed(kafka, {
    groupId: `${groupPrefix}.restore.${randomUUID()}`,
    topics: [stateTopic],
    untilCaughtUp: true,
  })
  await feed.run(async (batch) => {
    for (const record of batch.records)
      if (record.key !== null) state.load(record.key.toString(), record.value)
  })
  return state
}
