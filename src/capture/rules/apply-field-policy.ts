// The one place a mapped page passes through the field policy: after mapping, before anything is
// fingerprinted, encoded or dead-lettered, so withheld fields reach neither Kafka nor the DLQ.
import type { AppliedFieldPolicy } from '../../contract/field-policy'
import type { MappedPage } from './map-page'

export function applyFieldPolicy(policy: AppliedFieldPolicy, page: MappedPage): MappedPage {
  return {
    events: page.events.map((e) => (e.record === null ? e : { ...e, record: policy.record(e.record) })),
    deadLetters: page.deadLetters.map((l) => ({ ...l, raw: policy.raw(l.raw) })),
  }
}
