// Every message of a named engine names it, although no publisher says it: publish stamps the
// engine of the scope it runs in. The default engine's messages stay as their publishers made them.
import { publish, subscribe, type ChannelMessages } from '../../../src/ops/channels'
import { DEFAULT_ENGINE, engineOf, inEngine } from '../../../src/ops/engine-scope'

type Events = ChannelMessages['personio-kafka:capture:events']
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ops > channels', () => {
  it('stamps each message with the named engine it was published in, and nothing outside any', async () => {
    const seen: Events[] = []
    const off = subscribe('personio-kafka:capture:events', (m) => seen.push(m))
    const capture = (engine: string, pauses: number[]) =>
      inEngine(engine, async () => {
        for (const [i, ms] of pauses.entries()) {
          await sleep(ms)
          publish('personio-kafka:capture:events', { resource: 'employees', op: 'u', count: i + 1 })
        }
      })
    publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count: 7 })
    await Promise.all([capture('acme', [2, 1, 3]), capture('globex', [1, 3, 1])])
    off()
    // the default engine's message is what its publisher said, nothing added
    expect(seen[0]).toEqual({ resource: 'employees', op: 'r', count: 7 })
    expect(engineOf(seen[0] ?? {})).toBe(DEFAULT_ENGINE)
    const counts = (engine: string) => seen.filter((m) => m.engine === engine).map((m) => m.count)
    expect(counts('acme')).toEqual([1, 2, 3])
    expect(counts('globex')).toEqual([1, 2, 3])
    // interleaved, not one engine after the other
    expect(seen.slice(1).map((m) => m.engine)).not.toEqual([
      'acme',
      'acme',
      'acme',
      'globex',
      'globex',
      'globex',
    ])
  })

  it('costs nothing but a check when nobody listens', () => {
    // no listener: publish must not build the stamped message (it would throw here)
    const facts = Object.defineProperty({}, 'resource', {
      enumerable: true,
      get: () => {
        throw new Error('read without a listener')
      },
    }) as { resource: string; op: 'c'; count: number }
    expect(() => publish('personio-kafka:capture:events', facts)).not.toThrow()
  })
})
