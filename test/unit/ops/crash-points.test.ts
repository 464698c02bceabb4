// ops > crash points: a point calls the hook the test harness installed, and only that; the
// harness's PK_TEST_CRASH_AT=<point>[:<n>] kills on the n-th time its point is reached and refuses
// a point that does not exist (a misspelt case would otherwise wait for nothing).
import { crashPoint, setCrashHook, type CrashPoint } from '../../../src/ops/crash-points'
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
