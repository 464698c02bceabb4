// Which webhook events a change of the company fires, in Personio's envelope. Only persons and
// employments have events (absences, attendances, projects and types have none), and the payload
// is "dataless": ids only, the receiver fetches the entity afterwards.
import { changedAttributeKeys, EMPLOYMENT_ATTRIBUTES, isPersonAttribute } from '../state/attribute-changes'
import type { CompanyChange } from '../state/company'
import type { EmployeeState } from '../state/model'
import { employmentId } from '../render/v2'
import { utcSeconds } from '../time-format'

export type WebhookEventName =
  | 'person.created'
  | 'person.updated'
  | 'person.deleted'
  | 'employment.created'
  | 'employment.updated'
  | 'employment.deleted'

export interface WebhookEnvelope {
  company_id: number
  event_name: WebhookEventName
  occurred_at: string
  payload: { id: string; person_id?: string }
  meta?: Record<string, unknown>
}

export function webhookEvents(change: CompanyChange, companyId: number): WebhookEnvelope[] {
  if (change.collection !== 'employees') return []
  const employee = (change.after ?? change.before) as EmployeeState
  const envelope = (event: WebhookEventName, payload: WebhookEnvelope['payload']): WebhookEnvelope => ({
    company_id: companyId,
    event_name: event,
    occurred_at: utcSeconds(change.at),
    payload,
  })
  const person = { id: String(employee.id) }
  const employment = { id: employmentId(employee.id), person_id: String(employee.id) }
  switch (change.kind) {
    case 'created':
      return [envelope('person.created', person), envelope('employment.created', employment)]
    case 'deleted':
      // Deleting a person deletes its employments, and Personio says so for each.
      return [envelope('person.deleted', person), envelope('employment.deleted', employment)]
    case 'updated': {
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
