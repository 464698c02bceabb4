export default async function globalTeardown(): Promise<void> {
  const stop = globalThis.__pkStopInfra
  globalThis.__pkStopInfra = undefined
  if (stop !== undefined) await stop()
}
