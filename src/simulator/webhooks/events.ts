// Which webhook events a change of the company fires, in Personio's envelope (personio-api.md
// §7.8). Persons and employments (created/updated/deleted, and started/terminated on the effective
// date), absence periods (daily and hourly alike, by their v2 ids) and attendance periods; nothing
// for projects, types, reports. The payload is "dataless": ids only, the receiver fetches the
// entity afterwards.
import { timeOffUuid } from '../render/v2-absences'
import { employmentId } from '../render/v2'
import { changedAttributeKeys, EMPLOYMENT_ATTRIBUTES, isPersonAttribute } from '../state/attribute-changes'
import type { Company, CompanyChange } from '../state/company'
import type { AbsencePeriodState, EmployeeState, TimeOffState } from '../state/model'
import { berlinMidnightMs, utcSeconds } from '../time-format'

/** Every event name Personio documents; `enabled_events` is checked against this list. */
export const webhookEventNames = [
  'person.created',
  'person.updated',
  'person.deleted',
  'employment.created',
  'employment.updated',
  'employment.deleted',
  'employment.started',
  'employment.terminated',
  'absence-period.created',
  'absence-period.updated.timerange',
  'absence-period.updated.status',
  'absence-period.deleted',
  'attendance-period.created',
  'attendance-period.updated',
  'attendance-period.deleted',
  // documented, never fired: the simulated company has no documents
  'document.created',
  'document.updated',
  'document.signed',
  'document.deleted',
] as const

export type WebhookEventName = (typeof webhookEventNames)[number]

export const isWebhookEventName = (name: unknown): name is WebhookEventName =>
  (webhookEventNames as readonly unknown[]).includes(name)

export interface WebhookEnvelope {
  /** a string in Personio's published JSON schema of the envelope */
  company_id: string
  event_name: WebhookEventName | 'ping'
  occurred_at: string
  payload: { id?: string; person_id?: string }
  meta?: Record<string, unknown>
}

type Envelope = (event: WebhookEventName, payload: WebhookEnvelope['payload'], at?: number) => WebhookEnvelope

function employeeEvents(change: CompanyChange & { collection: 'employees' }, envelope: Envelope) {
  const employee = (change.after ?? change.before) as EmployeeState
  const person = { id: String(employee.id) }
  const employment = { id: employmentId(employee.id), person_id: String(employee.id) }
  switch (change.kind) {
    case 'created':
      return [envelope('person.created', person), envelope('employment.created', employment)]
    case 'deleted':
      // Deleting a person deletes its employments, and Personio says so for each.
      return [envelope('person.deleted', person), envelope('employment.deleted', employment)]
    case 'updated': {
      // person.updated only for names, email, gender (language) and custom attributes
      const keys = changedAttributeKeys(change.before as EmployeeState, employee)
      return [
        ...(keys.some(isPersonAttribute) ? [envelope('person.updated', person)] : []),
        ...(keys.some((k) => EMPLOYMENT_ATTRIBUTES.includes(k))
          ? [envelope('employment.updated', employment)]
          : []),
      ]
    }
  }
}

/** The v2 view of a daily or hourly absence that the events compare: id, time range, status. */
function absenceView(collection: 'timeOffs' | 'absencePeriods', row: TimeOffState | AbsencePeriodState) {
  if (collection === 'timeOffs') {
    const o = row as TimeOffState
    return {
      id: timeOffUuid(o.id),
      range: [o.startDay, o.endDay, o.halfDayStart, o.halfDayEnd],
      status: o.status,
    }
  }
  const p = row as AbsencePeriodState
  return { id: p.id, range: [p.start, p.end], status: p.status }
}

function absenceEvents(
  change: CompanyChange & { collection: 'timeOffs' | 'absencePeriods' },
  envelope: Envelope,
) {
  const after = change.after === undefined ? undefined : absenceView(change.collection, change.after)
  const before = change.before === undefined ? undefined : absenceView(change.collection, change.before)
  const id = { id: (after ?? before)?.id as string }
  if (change.kind === 'created') return [envelope('absence-period.created', id)]
  if (change.kind === 'deleted') return [envelope('absence-period.deleted', id)]
  // Only the time range and the approval status have events: a comment or type edit fires none.
  return [
    ...(JSON.stringify(before?.range) !== JSON.stringify(after?.range)
      ? [envelope('absence-period.updated.timerange', id)]
      : []),
    ...(before?.status !== after?.status ? [envelope('absence-period.updated.status', id)] : []),
  ]
}

export function webhookEvents(change: CompanyChange, companyId: string): WebhookEnvelope[] {
  const envelope: Envelope = (event, payload, at = change.at) => ({
    company_id: companyId,
    event_name: event,
    occurred_at: utcSeconds(at),
    payload,
  })
  switch (change.collection) {
    case 'employees':
      return employeeEvents(change, envelope)
    case 'timeOffs':
    case 'absencePeriods':
      return absenceEvents(change, envelope)
    case 'attendances': {
      const id = { id: (change.after ?? change.before)?.id as string }
      return [envelope(`attendance-period.${change.kind}`, id)]
    }
    default:
      return []
  }
}

/**
 * `employment.started` / `employment.terminated`, fired on the effective date: for each hire or
 * termination date whose Berlin midnight the clock passed in (fromMs, toMs]. A date set in the past
 * fires nothing (the day has gone by).
 */
export function effectiveDateEvents(
  company: Company,
  fromMs: number,
  toMs: number,
  companyId: string,
): WebhookEnvelope[] {
  const out: WebhookEnvelope[] = []
  const crossed = (day: number | null) => {
    if (day === null) return undefined
    const at = berlinMidnightMs(day)
    return at > fromMs && at <= toMs ? at : undefined
  }
  for (const e of company.list('employees')) {
    const payload = { id: employmentId(e.id), person_id: String(e.id) }
    for (const [event, at] of [
      ['employment.started', crossed(e.hireDate)],
      ['employment.terminated', crossed(e.terminationDate)],
    ] as const) {
      if (at !== undefined)
        out.push({ company_id: companyId, event_name: event, occurred_at: utcSeconds(at), payload })
    }
  }
  return out.sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : 0))
}
