// Pure: a page of Personio items → change events for the records that mapped, dead letters for
// the items that did not. One bad item never stops its page, and is never silently dropped.
import { MappingError } from '../../errors'
import { keyOf, type MappingContext, type Resource } from '../../resources/resource'
import type { ChangeEvent, DeadLetter, Op } from './change-event'

export interface MappedPage {
  events: ChangeEvent[]
  deadLetters: DeadLetter[]
}

export function mapPage(
  resource: Resource,
  items: readonly unknown[],
  op: Op,
  snapshot: boolean,
  context?: MappingContext,
): MappedPage {
  const events: ChangeEvent[] = []
  const deadLetters: DeadLetter[] = []
  for (const raw of items) {
    try {
      const record = resource.toRecord(raw, context)
      const changedAt = resource.changedAtField === undefined ? undefined : record[resource.changedAtField]
      events.push({
        resource: resource.name,
        key: keyOf(resource, record),
        op,
        record,
        sourceTsMs: typeof changedAt === 'number' ? changedAt : undefined,
        snapshot,
      })
    } catch (error) {
      // A JS bug in a mapping must surface, not hide in the DLQ as if Personio sent bad data.
      if (!(error instanceof MappingError)) throw error
      deadLetters.push({ resource: resource.name, stage: 'map', key: error.key, error, raw })
    }
  }
  return { events, deadLetters }
}
