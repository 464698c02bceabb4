// Waits the service's stop may cut short. Personio's pace (5 balance reads a second, back-offs of
// up to a minute) would otherwise hold a SIGTERM for minutes: Docker and Kubernetes kill after 10
// and 30 s. Nothing is lost by cutting them: no transaction has begun while Personio is read.
import { StoppingError } from '../errors'

export function throwIfStopping(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new StoppingError('stopping: Personio read abandoned')
}

/** `sleep`, ended early by `signal` with a StoppingError. */
export function stoppable(
  sleep: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined,
): (ms: number) => Promise<void> {
  if (signal === undefined) return sleep
  return (ms) => {
    throwIfStopping(signal)
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new StoppingError('stopping: Personio read abandoned'))
      signal.addEventListener('abort', onAbort, { once: true })
      sleep(ms).then(
        () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(error as Error)
        },
      )
    })
  }
}
