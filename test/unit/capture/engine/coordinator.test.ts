// The coordinator's schedule in virtual time (RxJS TestScheduler): cycles on their interval, a
// slow cycle swallowing ticks instead of overlapping, retries with back-off only for retriable
// errors, one resource stopping alone, and shutdown as one unsubscribe.
import { defer, Observable, type Observable as Obs } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import {
  attempt,
  coordinate,
  resourcePipeline,
  type PipelineSlot,
} from '../../../../src/capture/engine/coordinator'
import { backoffMs } from '../../../../src/capture/engine/retry-backoff'
import { KafkaError, ContractError } from '../../../../src/errors'
import { resources } from '../../../../src/resources'

const retry = { retries: 2, initialMs: 3, maxMs: 100, factor: 2 }

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
}

const slot = (
  cycle: () => Obs<string>,
  intervalMs = 10,
  resource = resources.employees,
): PipelineSlot<string> => ({
  resource,
  intervalMs,
  cycle,
})

const asCycles = (values: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, { kind: 'cycle', resource: 'employees', report: v }]),
  )

describe('capture > coordinator (virtual time)', () => {
  it('runs a cycle at once and then every interval', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const out = resourcePipeline(
        slot(() => cold('--a|', { a: 'done' })),
        { scheduler: ts, retry },
      )
      expectObservable(out, '^ 35ms !').toBe('--a 9ms a 9ms a 9ms a', asCycles({ a: 'done' }))
    })
  })

  it('never overlaps cycles: a slow cycle swallows the ticks that come while it runs', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-------------a|', { a: 'slow' }) // 14 frames, interval 10
      const out = resourcePipeline(
        slot(() => slow),
        { scheduler: ts, retry },
      )
      // ticks at 0, 10, 20, 30: 0 runs (ends 14), 10 is swallowed, 20 runs (ends 34), 30 swallowed
      expectObservable(out, '^ 38ms !').toBe('-------------a 19ms a', asCycles({ a: 'slow' }))
      expectSubscriptions(slow.subscriptions).toBe(['^-------------!', '20ms ^-------------!'])
    })
  })

  it('retries a retriable failure after the back-off, then succeeds', () => {
    const ts = scheduler()
    ts.run(({ expectObservable }) => {
      let calls = 0
      const cycle = () =>
        defer(() => {
          calls += 1
          return calls < 3
            ? new Observable<string>((s) => s.error(new KafkaError('broker away', { retriable: true })))
            : new Observable<string>((s) => {
                s.next('ok')
                s.complete()
              })
        })
      const out = attempt(slot(cycle), { scheduler: ts, retry })
      // fails at 0, waits 3; fails at 3, waits 6; succeeds at 9
      expect(backoffMs(retry, 1)).toBe(3)
      expect(backoffMs(retry, 2)).toBe(6)
      expectObservable(out).toBe('9ms (a|)', asCycles({ a: 'ok' }))
    })
  })

  it('gives a retriable failure up after its retries and tries again on the next tick', () => {
    const ts = scheduler()
    ts.run(({ expectObservable }) => {
      const error = new KafkaError('broker away', { retriable: true })
      const out = resourcePipeline(
        slot(() => new Observable<string>((s) => s.error(error)), 20),
        { scheduler: ts, retry },
      )
      expectObservable(out, '^ 30ms !').toBe('9ms f 19ms f', {
        f: { kind: 'failed', resource: 'employees', error },
      })
    })
  })

  it('stops only the resource whose error is not retriable; the others go on', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const refused = new ContractError('registry refused the schema')
      const out = coordinate(
        [
          slot(() => new Observable<string>((s) => s.error(refused)), 10, resources.employees),
          slot(() => cold('-b|', { b: 'fine' }), 10, resources.absences),
        ],
        { scheduler: ts, retry },
      )
      expectObservable(out, '^ 25ms !').toBe('s b 9ms b 9ms b', {
        s: { kind: 'stopped', resource: 'employees', error: refused },
        b: { kind: 'cycle', resource: 'absences', report: 'fine' },
      })
    })
  })

  it('shuts down with one unsubscribe: the cycle in flight is unsubscribed, nothing new starts', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-----a|', { a: 'x' })
      const b = cold('-----b|', { b: 'y' })
      const out = coordinate(
        [slot(() => a, 10, resources.employees), slot(() => b, 10, resources.absences)],
        {
          scheduler: ts,
          retry,
        },
      )
      expectObservable(out, '^ 12ms !').toBe('-----(ab)', {
        a: { kind: 'cycle', resource: 'employees', report: 'x' },
        b: { kind: 'cycle', resource: 'absences', report: 'y' },
      })
      // the second cycles (started at 10) are cut off at 13, when the service is stopped
      expectSubscriptions(a.subscriptions).toBe(['^-----!', '10ms ^--!'])
      expectSubscriptions(b.subscriptions).toBe(['^-----!', '10ms ^--!'])
    })
  })
})
