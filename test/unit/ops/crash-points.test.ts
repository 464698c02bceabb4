// ops > crash points: a point calls the hook the test harness installed, and only that; the
// harness's PK_TEST_CRASH_AT=<point>[:<n>] kills on the n-th time its point is reached and refuses
// a point that does not exist (a misspelt case would otherwise wait for nothing).
import {
  crashPoint,
  pausePoint,
  pausingAt,
  setCrashHook,
  setPauseHook,
  type CrashPoint,
} from '../../../src/ops/crash-points'
import { crashHookFor } from '../../support/crash-at'

describe('ops > crash points', () => {
  afterEach(() => setCrashHook(undefined))

  it('reach the installed hook, and nothing once it is removed', () => {
    const reached: CrashPoint[] = []
    setCrashHook((point) => reached.push(point))
    crashPoint('after-fence')
    crashPoint('after-page')
    setCrashHook(undefined)
    crashPoint('after-cycle')
    expect(reached).toEqual(['after-fence', 'after-page'])
  })

  it('the harness kills on the n-th time its point is reached, once', () => {
    let kills = 0
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const hook = crashHookFor('after-page:2', () => (kills += 1))
      hook('after-page')
      hook('after-cycle')
      expect(kills).toBe(0)
      hook('after-page')
      expect(kills).toBe(1)
      hook('after-page')
      expect(kills).toBe(1)
      expect(write).toHaveBeenCalledWith('PK_TEST_CRASH_AT: killing at after-page:2\n')
    } finally {
      write.mockRestore()
    }
  })

  it('the harness takes the first time when no n is given', () => {
    let kills = 0
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      crashHookFor('after-fence', () => (kills += 1))('after-fence')
    } finally {
      write.mockRestore()
    }
    expect(kills).toBe(1)
  })

  it.each(['after-fense:1', 'after-fence:0', 'after-fence:x', ''])('the harness refuses %j', (spec) => {
    expect(() => crashHookFor(spec, () => undefined)).toThrow(/PK_TEST_CRASH_AT/)
  })
})

describe('ops > pause points', () => {
  afterEach(() => setPauseHook(undefined))

  async function* pages() {
    yield 1
    yield 2
  }

  it('hold the work at the point until the hook resolves, each item in turn', async () => {
    const seen: string[] = []
    let release: () => void = () => undefined
    setPauseHook((point) => {
      seen.push(`paused at ${point}`)
      return new Promise((r) => (release = r))
    })
    const taken: number[] = []
    const reading = (async () => {
      for await (const page of pausingAt('listing-page-read', pages())) taken.push(page)
    })()
    await new Promise((r) => setImmediate(r))
    expect([seen, taken]).toEqual([['paused at listing-page-read'], []])
    release()
    await new Promise((r) => setImmediate(r))
    expect([seen.length, taken]).toEqual([2, [1]])
    release()
    await reading
    expect(taken).toEqual([1, 2])
    const waiting = pausePoint('listing-waits-for-inbox')
    expect(seen[2]).toBe('paused at listing-waits-for-inbox')
    release()
    await waiting
  })

  it('cost nothing without a hook', async () => {
    const taken: number[] = []
    for await (const page of pausingAt('listing-page-read', pages())) taken.push(page)
    await pausePoint('listing-waits-for-inbox')
    expect(taken).toEqual([1, 2])
  })
})
