// The coordinator's poll slots: a cycle is a unit of its resource's lane, so it waits while an
// inbox batch (or any unit) holds the lane; a tick of a resource that follows webhooks and is not
// due for a full listing is skipped outside the lane, so it never waits.
import { firstValueFrom, type Subscription } from 'rxjs'
import type { CaptureContext } from '../../../../src/capture/context'
import { createLanes } from '../../../../src/capture/engine/lanes'
import { pollSlots, trackFeeds } from '../../../../src/capture/engine/slots'
import type { Wiring } from '../../../../src/capture/engine/wiring'
import { createWebhookFollow } from '../../../../src/capture/state/webhook-follow'
import type { Feed } from '../../../../src/kafka/port'
import { resources } from '../../../../src/resources'

const NOW = 1_800_000_000_000
const employees = resources.employees

/** A context whose cycle, once it begins, fails with 'cycle began' (its first read of memory). */
function wiring() {
  const lanes = createLanes()
  const webhooks = createWebhookFollow()
  const began = () => {
    throw new Error('cycle began')
  }
  const ctx = {
    lanes,
    webhooks,
    clock: { now: () => NOW },
    settings: { employees: { pollMs: 1_000, reconcileMs: 3_600_000, overlapMs: 0 } },
    // snapshot done, reconciled a minute ago: the plan is incremental
    state: {
      cursor: (resource: string) => ({
        v: 1,
        resource,
        snapshotDone: true,
        changedAt: NOW - 60_000,
        lastReconcileAt: NOW - 60_000,
      }),
    },
    memory: { unsettled: { get: began } },
  } as unknown as CaptureContext
  const w = { ctx, chosen: [employees] } as unknown as Wiring
  return { w, lanes, webhooks }
}

/** Holds the resource's lane until the returned function is called. */
function holdLane(lanes: ReturnType<typeof createLanes>, resource: string): () => void {
  let release!: () => void
  void lanes.run(resource, () => new Promise<void>((r) => (release = r)))
  return () => release()
}

const tick = () => new Promise((r) => setImmediate(r))

describe('capture > engine > slots', () => {
  it('a poll cycle waits for its lane, and begins once the unit holding it has ended', async () => {
    const { w, lanes } = wiring()
    const release = holdLane(lanes, 'employees')
    const [slot] = pollSlots(w, false)
    let failure: unknown
    const sub: Subscription = slot!.cycle().subscribe({ error: (e: unknown) => (failure = e) })
    await tick()
    expect(failure).toBeUndefined()
    expect(lanes.busy()).toEqual(['employees'])
    release()
    await tick()
    await tick()
    expect((failure as Error).message).toBe('cycle began')
    sub.unsubscribe()
  })

  it('a tick of a resource that follows webhooks, not due for a listing, is skipped without waiting for the lane', async () => {
    const { w, lanes, webhooks } = wiring()
    webhooks.set('employees', true, 3_600_000)
    const release = holdLane(lanes, 'employees')
    const [slot] = pollSlots(w, false)
    let completed = false
    const sub = slot!.cycle().subscribe({ complete: () => (completed = true) })
    await tick()
    expect(completed).toBe(true)
    sub.unsubscribe()
    release()
  })

  it('a forced snapshot is never skipped', async () => {
    const { w, webhooks } = wiring()
    webhooks.set('employees', true, 3_600_000)
    const [slot] = pollSlots(w, true)
    await expect(firstValueFrom(slot!.cycle())).rejects.toThrow('cycle began')
  })

  it('stopAll stops only the feeds still running: one whose run settled, or stopped before it ran, has left', async () => {
    const stopped: string[] = []
    const ends = new Map<string, () => void>()
    const feed = (name: string): Feed => ({
      run: () => new Promise<void>((r) => ends.set(name, r)),
      stop: async () => void stopped.push(name),
    })
    const names = ['retried', 'never ran', 'running']
    const feeds = trackFeeds(() => feed(names.shift() as string))
    const retried = feeds.open({ groupId: 'g', topics: [], untilCaughtUp: false })
    const neverRan = feeds.open({ groupId: 'g', topics: [], untilCaughtUp: false })
    const running = feeds.open({ groupId: 'g', topics: [], untilCaughtUp: false })
    const firstRun = retried.run(async () => undefined)
    void running.run(async () => undefined)
    ends.get('retried')?.()
    await firstRun
    await neverRan.stop()
    stopped.length = 0
    await feeds.stopAll()
    expect(stopped).toEqual(['running'])
  })
})
