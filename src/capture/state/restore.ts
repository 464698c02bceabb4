// Restoring capture's state from the records the state topic holds, whoever reads them: the
// Kafka state store (src/kafka/kafkajs/state-store.ts) and the in-memory one (src/kafka/memory/)
// hand every committed record, in order, to `restoreRecord`. Reading the topic is theirs; what a
// record means is capture's.
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

/**
 * One committed state record into `state` (and into the Personio client's learned paces,
 * `limits/<family>`, when given); a record without a key means nothing to capture.
 */
export function restoreRecord(
  state: CaptureState,
  limits: Pick<LimitsLedger, 'load'> | undefined,
  key: Buffer | null,
  value: Buffer | null,
): void {
  if (key === null) return
  const text = key.toString()
  state.load(text, value)
  limits?.load(text, value)
}
