// The control API under /_sim/: the same mutations tests make in-process, for the CLI and demo.
import type { Company, CollectionName } from '../state/company'
import { collectionNames } from '../state/company'
import type { CustomAttributeDef } from '../state/model'
import type { DeliveryControlSpec } from '../webhooks/controls'
import type { WebhookHub } from '../webhooks/hub'
import type { FaultInjector, FaultSpec } from './faults'
import { hiddenLimitsOf, type RateLimiter } from './rate-limit'
import { json, type Reply } from './respond'

export interface ControlDeps {
  company: Company
  faults: FaultInjector
  counters: () => Record<string, number>
  setWhitelist: (clientId: string, whitelist: string[] | undefined) => boolean
  webhooks: WebhookHub
  limiter: RateLimiter
}

const idOf = (company: Company, name: CollectionName, raw: string) => {
  const sample = company.list(name)[0]
  return typeof sample?.id === 'number' || /^\d+$/.test(raw) ? Number(raw) : raw
}

export function control(
  deps: ControlDeps,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Reply {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .slice(1) // drop "_sim"
  const [first, second] = parts
  try {
    if (method === 'POST' && first === 'clock' && second === 'advance') {
      const now = deps.company.clock.advance(Number(body.ms ?? 0))
      deps.webhooks.tick() // employment.started/terminated for the dates just passed
      return json(200, { now: new Date(now).toISOString() })
    }
    if (first === 'webhooks') return webhookControl(deps.webhooks, method, second, body)
    if (method === 'GET' && first === 'counters') return json(200, deps.counters())
    if (first === 'rate-limits' && method === 'GET') return json(200, { hidden: deps.limiter.hiddenLimits() })
    if (first === 'rate-limits' && method === 'PUT') {
      // limits per family the client is not told (no x-ratelimit-* headers); replaces earlier ones
      const { limits, problems } = hiddenLimitsOf(body.hidden)
      if (problems.length > 0) return json(400, { error: problems.join('; ') })
      deps.limiter.hide(limits)
      return json(200, { hidden: limits })
    }
    if (method === 'POST' && first === 'faults') {
      deps.faults.inject(body as unknown as FaultSpec)
      return json(201, { ok: true })
    }
    if (method === 'DELETE' && first === 'faults') {
      deps.faults.clear()
      return json(200, { ok: true })
    }
    if (method === 'POST' && first === 'custom-attributes') {
      // `filledOn`: the employee ids that get a value (default: every employee)
      const { filledOn, ...def } = body
      return json(
        201,
        deps.company.addCustomAttribute(
          def as Partial<CustomAttributeDef> & { label: string },
          Array.isArray(filledOn) ? filledOn.map(Number) : undefined,
        ),
      )
    }
    if (method === 'PUT' && first === 'whitelist') {
      const ok = deps.setWhitelist(
        String(body.clientId),
        Array.isArray(body.whitelist) ? body.whitelist.map(String) : undefined,
      )
      return ok ? json(200, { ok }) : json(404, { error: `no credential ${String(body.clientId)}` })
    }
    const name = first as CollectionName
    if (!collectionNames.includes(name)) return json(404, { error: `unknown control path ${path}` })
    if (method === 'GET' && second === undefined) return json(200, deps.company.list(name))
    if (method === 'POST' && second === undefined) return json(201, deps.company.create(name, body))
    if (second === undefined) return json(405, { error: 'method not allowed' })
    const id = idOf(deps.company, name, second)
    if (method === 'PATCH') return json(200, deps.company.update(name, id as never, body))
    if (method === 'DELETE') {
      deps.company.remove(name, id as never)
      return json(200, { deleted: id })
    }
    return json(405, { error: 'method not allowed' })
  } catch (error) {
    return json(400, { error: (error as Error).message })
  }
}

/**
 * `/_sim/webhooks/controls`: POST a DeliveryControlSpec (drop, delayMs, duplicate, reorder), DELETE
 * to clear; `/_sim/webhooks/flush` releases held windows; `/_sim/webhooks/deliveries` lists every
 * delivery request made (tokens are not in it).
 */
function webhookControl(
  hub: WebhookHub,
  method: string,
  what: string | undefined,
  body: Record<string, unknown>,
): Reply {
  if (method === 'POST' && what === 'controls') {
    hub.controls.set(body as DeliveryControlSpec)
    return json(201, { ok: true })
  }
  if (method === 'DELETE' && what === 'controls') {
    hub.controls.clear()
    return json(200, { ok: true })
  }
  if (method === 'POST' && what === 'flush') {
    hub.flush()
    return json(200, { ok: true })
  }
  if (method === 'GET' && what === 'deliveries') return json(200, hub.deliveries)
  return json(404, { error: `unknown control path /_sim/webhooks/${what ?? ''}` })
}
