// SIGTERM/SIGINT on a long-running command: one line saying what the stop waits for, the engine
// told to stop, a hard exit at the deadline, and a second signal exiting at once. process.exit is
// mocked and the signal handlers are called directly: no signal is ever sent to the test process.
import { gracefulStop, type Stoppable } from '../../../src/cli/graceful-stop'
import { exitCodes } from '../../../src/cli/exit-codes'
import type { Logger } from '../../../src/ops/logger'

describe('cli > graceful-stop', () => {
  let exit: jest.SpyInstance
  let stderr: jest.SpyInstance
  const exitCodeBefore = process.exitCode
  beforeEach(() => {
    // another test file in this worker may have left an exit code behind: these start clean
    process.exitCode = undefined
    jest.useFakeTimers()
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    jest.useRealTimers()
    exit.mockRestore()
    stderr.mockRestore()
    process.exitCode = exitCodeBefore
  })

  const setUp = (busy: string[] = ['employees']) => {
    const engine: Stoppable & { stop: jest.Mock } = { busy: () => busy, stop: jest.fn(async () => undefined) }
    const logger = { info: jest.fn(), warn: jest.fn() }
    const before = process.listeners('SIGTERM').length
    const stop = gracefulStop(engine, logger as unknown as Logger, 1_000)
    const listeners = process.listeners('SIGTERM')
    expect(listeners).toHaveLength(before + 1)
    const onSignal = listeners[listeners.length - 1] as (signal: NodeJS.Signals) => void
    return { engine, logger, stop, onSignal }
  }

  it('on SIGTERM says what it waits for, stops the engine, and exits at the deadline', () => {
    const { engine, logger, stop, onSignal } = setUp()
    try {
      onSignal('SIGTERM')
      expect(stop.requested).toBe(true)
      expect(engine.stop).toHaveBeenCalledTimes(1)
      expect(logger.info).toHaveBeenCalledWith(
        { signal: 'SIGTERM', waitingFor: ['employees'] },
        expect.stringContaining('stopping (SIGTERM): waiting for the transaction in flight of employees'),
      )
      jest.advanceTimersByTime(999)
      expect(exit).not.toHaveBeenCalled()
      jest.advanceTimersByTime(1)
      expect(logger.warn).toHaveBeenCalledTimes(1)
      expect(exit).toHaveBeenCalledWith(exitCodes.ok.code)
    } finally {
      stop.dispose()
    }
  })

  it('a second signal exits at once, interrupted', () => {
    const { stop, onSignal } = setUp()
    try {
      onSignal('SIGINT')
      expect(exit).not.toHaveBeenCalled()
      onSignal('SIGINT')
      expect(exit).toHaveBeenCalledWith(exitCodes.interrupted.code)
    } finally {
      stop.dispose()
    }
  })

  it('request stops once without a signal; dispose removes the handlers', () => {
    const before = process.listeners('SIGTERM').length
    const { engine, logger, stop } = setUp([])
    stop.request('no resource can run')
    stop.request('again')
    expect(engine.stop).toHaveBeenCalledTimes(1)
    expect(logger.info).toHaveBeenCalledWith(
      { waitingFor: [] },
      'stopping (no resource can run): nothing in flight',
    )
    stop.dispose()
    expect(process.listeners('SIGTERM')).toHaveLength(before)
    jest.runOnlyPendingTimers()
  })
})
