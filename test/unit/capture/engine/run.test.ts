// The service's stop waits for what is in flight — a unit in a resource's lane (a listing, an
// inbox batch, a stage batch) as well as a transaction — and `busy` names both, so a graceful
// stop says what it waits for.
import type { CaptureContext } from '../../../../src/capture/context'
import { createSerial } from '../../../../src/capture/context'
import { createLanes } from '../../../../src/capture/engine/lanes'
import { service } from '../../../../src/capture/engine/run'
import type { Wiring } from '../../../../src/capture/engine/wiring'

function wiring() {
  const lanes = createLanes()
  const serial = createSerial()
  const w = {
    ctx: { lanes } as unknown as CaptureContext,
    transactions: serial,
    feeds: { open: () => undefined, stopAll: async () => undefined },
    stopping: new AbortController(),
  } as unknown as Wiring
  return { w, lanes, serial }
}

/** Work that runs until the returned function is called. */
function held(): { work: () => Promise<void>; end: () => void } {
  let end!: () => void
  const done = new Promise<void>((r) => (end = r))
  return { work: () => done, end: () => end() }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('capture > engine > run', () => {
  it('busy names the resources with a unit in their lane and those with a transaction in flight', async () => {
    const { w, lanes, serial } = wiring()
    const unit = held()
    const transaction = held()
    const inLane = lanes.run('employees', unit.work)
    const inSerial = serial.serial('absences', transaction.work)
    expect(service(w).busy().sort()).toEqual(['absences', 'employees'])
    unit.end()
    transaction.end()
    await Promise.all([inLane, inSerial])
    await tick()
    expect(service(w).busy()).toEqual([])
  })

  it('stop aborts the signal at once and resolves only when the unit in a lane has ended', async () => {
    const { w, lanes } = wiring()
    const unit = held()
    void lanes.run('employees', unit.work)
    let stopped = false
    const stopping = service(w)
      .stop()
      .then(() => (stopped = true))
    await tick()
    expect(w.stopping.signal.aborted).toBe(true)
    expect(stopped).toBe(false)
    unit.end()
    await stopping
    expect(stopped).toBe(true)
  })

  it('close closes Kafka even when closing the event producers failed, and reports that failure', async () => {
    const { w } = wiring()
    const closed: string[] = []
    Object.assign(w, {
      ctx: {
        ...w.ctx,
        events: { close: () => Promise.reject(new Error('producer close failed')) },
      },
      ownsKafka: true,
      kafka: { close: async () => void closed.push('kafka') },
    })
    await expect(service(w).close()).rejects.toThrow('producer close failed')
    expect(closed).toEqual(['kafka'])
  })
})
