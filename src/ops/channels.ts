// Every diagnostics channel the product publishes on, declared once (as undici and platformatic do):
// capture/, personio/ and kafka/ publish facts here and know nothing of who listens; ops/ (metrics,
// progress, logs) subscribes. Publishing on a channel nobody subscribes to costs one boolean check.
// A message of a named engine carries it (./engine-scope): `publish` stamps it, so the places
// that publish never name their engine, and two engines in one process stay apart. The default
// engine's messages are the publishers' own objects, as they were before engines had names.
import { channel, type Channel } from 'node:diagnostics_channel'
import { DEFAULT_ENGINE, currentEngine } from './engine-scope'

export type CycleKind = 'snapshot' | 'incremental' | 'reconcile' | 'stage'

/** What each channel's publishers say; `publish` adds the engine (ChannelMessages). */
export interface ChannelFacts {
  /** one HTTP exchange with Personio (after retries were decided; `retry` marks a retried attempt) */
  'personio-kafka:personio:request': { endpoint: string; status: number; durationMs: number; retry: boolean }
  /** time spent waiting for a rate-limit token before a request */
  'personio-kafka:personio:rate-limit-wait': { family: string; waitMs: number }
  /**
   * an endpoint family's pace changed: its starting figure, a rise while requests queued, a
   * back-off on a 429, what the x-ratelimit-* headers said, or a figure restored from the state topic
   */
  'personio-kafka:personio:rate-limit': {
    family: string
    perSecond: number
    why: 'start' | 'rise' | 'back-off' | 'headers' | 'restored'
  }
  /** a capture cycle of one resource started, ended or failed */
  'personio-kafka:capture:cycle': {
    resource: string
    cycleId: string
    kind: CycleKind
    phase: 'start' | 'end' | 'error'
    durationMs?: number
    error?: { code: string; message: string }
  }
  /** a page of Personio items was read (total: how many the listing holds, when Personio says) */
  'personio-kafka:capture:page': { resource: string; cycleId: string; items: number; total?: number }
  /** change events published, by op (r snapshot read, c create, u update, d delete) */
  'personio-kafka:capture:events': { resource: string; op: 'c' | 'u' | 'r' | 'd'; count: number }
  /** items dead-lettered */
  'personio-kafka:capture:dead-letter': { resource: string; stage: string; count: number }
  /** the resource's cursor after a commit: Personio change time it has reached, and lag behind now */
  'personio-kafka:capture:cursor': { resource: string; changedAtMs?: number; lagSeconds?: number }
  /**
   * a cycle's guards, after it ended: deletes held for a second listing, records stamped ahead of
   * Personio's clock, whether the listing moved under the reader
   */
  'personio-kafka:capture:guard': {
    resource: string
    deletesHeld: number
    /** records of held waves that wait for a person (DELETE_GUARD_MODE=approve) */
    deletesAwaitingApproval: number
    stampedAhead: number
    shifted: boolean
  }
  /** one Kafka transaction finished */
  'personio-kafka:kafka:transaction': {
    resource: string
    outcome: 'committed' | 'aborted'
    records: number
    durationMs: number
  }
  /**
   * a resource's pipeline after each cycle: running (its last cycle may still have failed and will
   * be retried) or stopped on an error retrying cannot heal (refused credentials, a refused schema)
   */
  'personio-kafka:capture:health': {
    resource: string
    running: boolean
    /** the error of the last cycle, when it failed */
    error?: { code: string; message: string; atMs: number }
  }
  /** the state topic was read back; capture may start */
  'personio-kafka:state:restored': { resources: string[] }
  /** a webhook delivery the receiver answered (accepted once durable in the inbox) */
  'personio-kafka:webhooks:delivery': {
    outcome: 'accepted' | 'unauthorized' | 'malformed' | 'too-large' | 'unavailable' | 'ping'
  }
  /** an inbox batch capture handled for a resource: entities read, events published */
  'personio-kafka:webhooks:applied': { resource: string; entities: number; events: number; lagMs?: number }
  /** a resource follows the webhook subscription (true), or polls again because it is gone (false) */
  'personio-kafka:webhooks:following': { resource: string; following: boolean }
  /** a burst of inbox events read with a listing (issue #30): its pages, and what was left to read by id */
  'personio-kafka:webhooks:listed': {
    resource: string
    entities: number
    pages: number
    full: boolean
    byId: number
  }
  /** inbox events received and not yet applied: how many, the entities they name, the oldest's occurred_at */
  'personio-kafka:webhooks:backlog': { resource: string; events: number; entities: number; oldestMs?: number }
  /**
   * a company of this worker changed phase (issue #28): published in the company's engine scope,
   * so it carries the company; `stopped` once it is no longer this worker's
   */
  'personio-kafka:workers:company': {
    phase: 'starting' | 'running' | 'stopping' | 'failed' | 'stopped'
    error?: { code: string; message: string }
  }
  /** a scan of the companies directory: companies taken, files refused */
  'personio-kafka:workers:directory': { companies: number; refused: number }
}

/** What listeners receive: the publisher's facts, stamped with their engine when it is a named one. */
export type ChannelMessages = {
  [N in keyof ChannelFacts]: ChannelFacts[N] & {
    /** the named engine that published; absent for the default one (read it with `engineOf`) */
    engine?: string
  }
}

export type ChannelName = keyof ChannelMessages

const channels = new Map<ChannelName, Channel>()

function get(name: ChannelName): Channel {
  let c = channels.get(name)
  if (c === undefined) {
    c = channel(name)
    channels.set(name, c)
  }
  return c
}

export function publish<N extends ChannelName>(name: N, facts: ChannelFacts[N]): void {
  const c = get(name)
  if (!c.hasSubscribers) return
  const engine = currentEngine()
  c.publish(engine === DEFAULT_ENGINE ? facts : { ...facts, engine })
}

export function subscribe<N extends ChannelName>(
  name: N,
  listener: (message: ChannelMessages[N]) => void,
): () => void {
  const c = get(name)
  const wrapped = (message: unknown) => listener(message as ChannelMessages[N])
  c.subscribe(wrapped)
  return () => c.unsubscribe(wrapped)
}
