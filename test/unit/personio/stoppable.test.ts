// A stop (SIGTERM) cuts Personio's waits short: a sleep it interrupts rejects with a StoppingError
// at once, one it does not ends as it would have.
import { StoppingError } from '../../../src/errors'
import { stoppable, throwIfStopping } from '../../../src/personio/stoppable'

describe('personio > stoppable', () => {
  const never = () => new Promise<void>(() => undefined)

  /** what a promise has come to so far: a failing test says so at once instead of hanging */
  const track = (p: Promise<void>) => {
    const seen: { outcome?: 'resolved' | 'rejected'; error?: unknown } = {}
    p.then(
      () => (seen.outcome = 'resolved'),
      (error: unknown) => Object.assign(seen, { outcome: 'rejected', error }),
    )
    return seen
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))

  it('rejects with a StoppingError as soon as the signal aborts during a sleep that would not end', async () => {
    const controller = new AbortController()
    const seen = track(stoppable(never, controller.signal)(60_000))
    await settle()
    expect(seen.outcome).toBeUndefined()
    controller.abort()
    await settle()
    expect(seen.outcome).toBe('rejected')
    expect(seen.error).toBeInstanceOf(StoppingError)
    expect(seen.error).toMatchObject({ code: 'PK_STOPPING', retriable: false })
  })

  it('throws at once, without sleeping, when the signal was aborted before', () => {
    const controller = new AbortController()
    controller.abort()
    const sleep = jest.fn(never)
    expect(() => stoppable(sleep, controller.signal)(1_000)).toThrow(StoppingError)
    expect(sleep).not.toHaveBeenCalled()
  })

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers())
    afterEach(() => jest.useRealTimers())
    const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

    it('resolves after the full sleep when the signal never aborts, and stops listening', async () => {
      const controller = new AbortController()
      const remove = jest.spyOn(controller.signal, 'removeEventListener')
      let done = false
      const waiting = stoppable(timerSleep, controller.signal)(30_000).then(() => (done = true))
      await jest.advanceTimersByTimeAsync(29_999)
      expect(done).toBe(false)
      await jest.advanceTimersByTimeAsync(1)
      await waiting
      expect(done).toBe(true)
      expect(remove).toHaveBeenCalledWith('abort', expect.any(Function))
      controller.abort() // too late to matter
    })

    it('rejects when the signal aborts partway through a long timer', async () => {
      const controller = new AbortController()
      const seen = track(stoppable(timerSleep, controller.signal)(60_000))
      await jest.advanceTimersByTimeAsync(1_000)
      expect(seen.outcome).toBeUndefined()
      controller.abort()
      await jest.advanceTimersByTimeAsync(0)
      expect(seen.outcome).toBe('rejected')
      expect(seen.error).toBeInstanceOf(StoppingError)
    })

    it('passes on the sleep’s own failure', async () => {
      const controller = new AbortController()
      const failing = () => Promise.reject(new Error('clock broke'))
      await expect(stoppable(failing, controller.signal)(10)).rejects.toThrow('clock broke')
    })
  })

  it('without a signal, is the sleep itself', () => {
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
    expect(stoppable(sleep, undefined)).toBe(sleep)
  })

  it('throwIfStopping throws a StoppingError only once the signal aborted', () => {
    const controller = new AbortController()
    expect(() => throwIfStopping(undefined)).not.toThrow()
    expect(() => throwIfStopping(controller.signal)).not.toThrow()
    controller.abort()
    expect(() => throwIfStopping(controller.signal)).toThrow(StoppingError)
    expect(() => throwIfStopping(controller.signal)).toThrow('stopping: Personio read abandoned')
  })
})
