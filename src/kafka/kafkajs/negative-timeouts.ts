// kafkajs 2.2.4 asks for negative timeouts in normal operation: its request queue schedules the
// next check at `throttledUntil - Date.now()` with `throttledUntil` starting at -1. Node always
// ran such a timer after 1 ms; since Node 23 it also prints a three-line TimeoutNegativeWarning
// on stderr, once per connection, which a person reads as a fault and can do nothing about. The
// timer behaves as it always did; only that warning type is dropped. Every other warning passes.
const emitWarning = process.emitWarning.bind(process)

function typeOf(args: unknown[]): unknown {
  const [second] = args
  return typeof second === 'object' && second !== null ? (second as { type?: unknown }).type : second
}

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = warning instanceof Error ? warning.name : typeOf(rest)
  if (type === 'TimeoutNegativeWarning') return
  ;(emitWarning as (...a: unknown[]) => void)(warning, ...rest)
}) as typeof process.emitWarning
