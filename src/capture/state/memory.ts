// What capture remembers in memory between its transactions, held by the engine that owns it (not
// by modules): two engines in one process, or one test after another, never see each other's.
// Everything here can be lost at any moment without harm: it only saves work or keeps record
// timestamps monotonic within one process; what must survive a restart is in the state topic.
import { createFingerprinter, type Fingerprint } from '../../contract/fingerprint'
import type { AvroRecordSchema } from '../../contract/schema-builder'
import type { RecordValue } from '../../resources/resource'
import type { Cursor } from './cursor'

export interface CaptureMemory {
  /** the last value schema built per resource: custom attributes keep their field names */
  schemas: Map<string, AvroRecordSchema>
  /** per resource, the last record timestamp written: a tombstone is never older than its upsert */
  lastTimestamps: Map<string, number>
  /** per stage, when each parent's rows were last read and committed */
  lastReads: Map<string, Map<string, number>>
  /** per resource, the cursor as last written to the state topic (memory may be ahead of it) */
  durableCursors: Map<string, Cursor>
  /** fingerprints, with a cache of the field order per record shape */
  fingerprint: (record: RecordValue) => Fingerprint
  /**
   * resources whose last commit Kafka did not confirm, with where that transaction wrote to the
   * state topic: their state is read back, past those offsets, before any more work
   */
  unsettled: Map<string, bigint[]>
  /**
   * per resource, records tombstoned with their deleted parent (cascade.ts) and when: a listing
   * whose pages were read before then must not publish them again as new
   */
  cascaded: Map<string, Map<string, number>>
}

export function createCaptureMemory(): CaptureMemory {
  return {
    schemas: new Map(),
    lastTimestamps: new Map(),
    lastReads: new Map(),
    durableCursors: new Map(),
    fingerprint: createFingerprinter(),
    unsettled: new Map(),
    cascaded: new Map(),
  }
}
