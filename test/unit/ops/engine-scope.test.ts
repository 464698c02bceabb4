// Which engine a fact belongs to follows the work wherever it goes asynchronously: awaits, promise
// callbacks, Node timers and rxjs's asyncScheduler, with two engines interleaved in one process.
import {
  Subject,
  VirtualTimeScheduler,
  type SchedulerLike,
  asyncScheduler,
  delay,
  firstValueFrom,
  interval,
  lastValueFrom,
  of,
  take,
  timer,
  toArray,
} from 'rxjs'
import { map } from 'rxjs/operators'
import {
  DEFAULT_ENGINE,
  currentEngine,
  engineLabel,
  engineOf,
  engineScheduler,
  inEngine,
} from '../../../src/ops/engine-scope'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ops > engine-scope', () => {
  it('is the default engine outside any scope, and the named one inside, nested scopes winning', () => {
    expect(currentEngine()).toBe(DEFAULT_ENGINE)
    const seen = inEngine('acme', () => [currentEngine(), inEngine('globex', currentEngine), currentEngine()])
    expect(seen).toEqual(['acme', 'globex', 'acme'])
    expect(currentEngine()).toBe(DEFAULT_ENGINE)
    expect(() => inEngine('', currentEngine)).toThrow(/must not be empty/)
  })

  it('keeps two engines apart across interleaved awaits, timers and promise callbacks', async () => {
    const seen: string[] = []
    const work = (id: string, pauses: number[]) =>
      inEngine(id, async () => {
        for (const ms of pauses) {
          await sleep(ms)
          seen.push(`${id}:${currentEngine()}`)
          await Promise.resolve().then(() => seen.push(`${id}:${currentEngine()}`))
          setImmediate(() => seen.push(`${id}:${currentEngine()}`))
        }
      })
    await Promise.all([
      work('acme', [3, 1, 4]),
      work('globex', [1, 5, 1]),
      sleep(1).then(() => seen.push('none:' + currentEngine())),
    ])
    await sleep(5) // the last setImmediate callbacks
    expect(seen).toHaveLength(19)
    for (const entry of seen) {
      const [id, engine] = entry.split(':')
      expect(engine).toBe(id === 'none' ? DEFAULT_ENGINE : id)
    }
  })

  it('keeps the scope in rxjs timers on the asyncScheduler (interval, timer, delay)', async () => {
    const ticks = (id: string) =>
      inEngine(id, () =>
        lastValueFrom(
          interval(2, asyncScheduler).pipe(
            take(3),
            delay(1, asyncScheduler),
            map((n) => `${id}:${n}:${currentEngine()}`),
            toArray(),
          ),
        ),
      )
    const [acme, globex] = await Promise.all([ticks('acme'), ticks('globex')])
    expect(acme).toEqual(['acme:0:acme', 'acme:1:acme', 'acme:2:acme'])
    expect(globex).toEqual(['globex:0:globex', 'globex:1:globex', 'globex:2:globex'])
    expect(await inEngine('acme', () => firstValueFrom(timer(1).pipe(map(currentEngine))))).toBe('acme')
  })

  it('follows where an observable is subscribed, not where it was built', async () => {
    const built = inEngine('acme', () => of(0).pipe(delay(1, asyncScheduler), map(currentEngine)))
    expect(await inEngine('globex', () => firstValueFrom(built))).toBe('globex')
    // a Subject fed by hand delivers in the feeder's scope: such a bridge must enter the scope itself
    const bridge = new Subject<void>()
    const seen: string[] = []
    inEngine('acme', () => bridge.subscribe(() => seen.push(currentEngine())))
    bridge.next()
    inEngine('acme', () => bridge.next())
    expect(seen).toEqual([DEFAULT_ENGINE, 'acme'])
  })

  it('runs the work of a scheduler wrapped for an engine in its scope, though the test flushes it', () => {
    const virtual = new VirtualTimeScheduler()
    const seen: string[] = []
    const tick = (scheduler: SchedulerLike, name: string) =>
      interval(10, scheduler)
        .pipe(take(2))
        .subscribe((n) => seen.push(`${name}${n}:${currentEngine()}`))
    tick(engineScheduler('acme', virtual), 'a')
    tick(engineScheduler('globex', virtual), 'g')
    tick(virtual, 'd')
    virtual.flush()
    expect(seen).toEqual([
      'a0:acme',
      'g0:globex',
      `d0:${DEFAULT_ENGINE}`,
      'a1:acme',
      'g1:globex',
      `d1:${DEFAULT_ENGINE}`,
    ])
    expect(engineScheduler('acme', virtual).now()).toBe(virtual.now())
  })

  it('labels named engines only, so one company per process keeps its labels', () => {
    expect(engineLabel(DEFAULT_ENGINE)).toEqual({})
    expect(engineLabel(undefined)).toEqual({})
    expect(engineLabel('acme')).toEqual({ engine: 'acme' })
    expect([engineOf({}), engineOf({ engine: 'acme' })]).toEqual([DEFAULT_ENGINE, 'acme'])
  })
})
