// Personio's webhook envelope (personio-api.md §7.8): `{company_id, event_name, occurred_at,
// payload, meta?}`, dataless — the payload names the entity by id, never its data. Pure: the
// receiver refuses what this does not accept, and capture reads only what it accepted.

export interface WebhookEvent {
  /** e.g. `person.updated`, `absence-period.deleted` */
  name: string
  /** the entity the event is about (payload.id) */
  id: string
  /** the person, when the payload names one (employments) */
  personId?: string
  /** occurred_at, ms */
  occurredAt: number
  companyId: string
}

/** Event families and the verbs Personio documents for them; anything else is refused. */
const DOCUMENTED = /^(person|employment|absence-period|attendance-period|document)\.[a-z]+(\.[a-z]+)?$/

const idText = (value: unknown): string | undefined =>
  (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))
    ? String(value)
    : undefined

/** The event, or why the body is not a Personio webhook envelope (a 400 names it). */
export function parseEnvelope(body: unknown): { event: WebhookEvent } | { problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { problem: 'the body is not a JSON object' }
  const e = body as Record<string, unknown>
  const name = e.event_name
  if (typeof name !== 'string' || !DOCUMENTED.test(name))
    return { problem: `event_name ${JSON.stringify(name)} is not a Personio webhook event` }
  const companyId = idText(e.company_id)
  if (companyId === undefined) return { problem: 'company_id is missing' }
  const occurredAt = typeof e.occurred_at === 'string' ? Date.parse(e.occurred_at) : Number.NaN
  if (!Number.isFinite(occurredAt)) return { problem: 'occurred_at is not a date-time' }
  const payload = e.payload
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { problem: 'payload is not an object' }
  const p = payload as Record<string, unknown>
  const id = idText(p.id)
  if (id === undefined) return { problem: 'payload.id is missing' }
  const personId = idText(p.person_id)
  return { event: { name, id, occurredAt, companyId, ...(personId === undefined ? {} : { personId }) } }
}

/** The two shapes of Personio's ids: v1 numbers (persons, time-offs) and v2 UUIDs. */
export type IdShape = 'numeric' | 'uuid'

const SHAPES: Record<IdShape, RegExp> = {
  numeric: /^[0-9]{1,18}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
}

export const hasIdShape = (id: string, shape: IdShape): boolean => SHAPES[shape].test(id)

/**
 * Why an event's ids cannot be Personio's, or undefined. Ids end up in request paths: anything
 * but a number or a UUID (`..`, a slash, a query) could steer an authenticated read elsewhere.
 */
export function entityIdProblem(event: WebhookEvent): string | undefined {
  if (!hasIdShape(event.id, 'numeric') && !hasIdShape(event.id, 'uuid'))
    return `payload.id ${JSON.stringify(event.id)} is neither a number nor a UUID`
  if (event.personId !== undefined && !hasIdShape(event.personId, 'numeric'))
    return `payload.person_id ${JSON.stringify(event.personId)} is not a number`
  return undefined
}

/** `person.deleted` and the like: Personio says the entity is gone. */
export const announcesDelete = (name: string): boolean => name.endsWith('.deleted')
