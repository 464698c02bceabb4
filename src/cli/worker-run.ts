// `personio-kafka run` with COMPANIES_DIR: this process is one worker of a group serving every
// company in the directory (src/workers/worker.ts). It answers /readyz once it joined the group and
// Kafka and the registry answer; each company's phase is in the answer's `details`, since one
// company's refused secret must not take the worker (and every company's webhook ingress) out of
// service. SIGTERM stops every company gracefully, then leaves the group so the others take over
// at once; a SIGKILL loses the companies to the others within WORKER_SESSION_TIMEOUT_MS.
import { networkInterfaces } from 'node:os'
import type { Config } from '../config'
import { createSchemaRegistry } from '../contract/registry'
import { ConfigError } from '../errors'
import { createLogger } from '../ops/logger'
import { startOps } from '../ops/start-ops'
import { membershipReasons } from '../workers/membership'
import { startWorker, type Worker } from '../workers/worker'
import type { CaptureFlags } from './capture-run'
import { exitCodes } from './exit-codes'
import { gracefulStop } from './graceful-stop'
import { exitOnSignalWhileStarting } from './startup-stop'

/** A worker stops many companies: each closes its transaction; past this the process exits anyway. */
const WORKER_STOP_DEADLINE_MS = 20_000

/**
 * The ops URL other machines reach this worker on (`status --group` reads its /readyz): bound to
 * every interface, that is this machine's first external IPv4 address (a pod's IP), not 127.0.0.1.
 */
export function advertised(url: string, host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return url
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
  if (external === undefined) return url
  const parsed = new URL(url)
  parsed.hostname = external.address
  return parsed.origin
}

export async function runWorker(flags: CaptureFlags, config: Config): Promise<void> {
  if (flags.simulator !== undefined && flags.simulator !== false)
    throw new ConfigError([
      '--simulator does not apply with COMPANIES_DIR: each company file names its Personio (try `personio-kafka demo --companies 3`)',
    ])
  if (flags.resources !== undefined)
    throw new ConfigError([
      '--resources does not apply with COMPANIES_DIR: each company file names its resources ("resources": [...])',
    ])
  const logger = createLogger(config.log)
  const starting = exitOnSignalWhileStarting(logger)
  let worker: Worker | undefined
  const registry = createSchemaRegistry({
    url: config.registry.url,
    username: config.registry.username,
    password: config.registry.password,
  })
  const ops = await startOps(
    config.ops,
    {
      probes: {
        kafka: () => worker?.probes.kafka?.() ?? Promise.reject(new Error('starting')),
        registry: () => registry.latest(`${config.kafka.clientId}.workers.personio-kafka-probe`),
      },
      requireState: false,
      stoppedResources: false,
      extra: () => {
        const view = worker?.view()
        return {
          reasons: membershipReasons(view?.assignment),
          ...(view === undefined ? {} : { details: view }),
        }
      },
    },
    logger,
  )
  try {
    const opsUrl = ops.server === undefined ? undefined : advertised(ops.server.url, config.ops.metricsHost)
    worker = await startWorker({ config, logger, ...(opsUrl === undefined ? {} : { opsUrl }) })
  } catch (error) {
    await ops.close()
    throw error
  } finally {
    starting()
  }
  const running = worker
  logger.info(
    { worker: running.name, directory: config.workers.companiesDir },
    `worker ${running.name} running the companies of ${config.workers.companiesDir} it is assigned`,
  )
  let done: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (done = resolve))
  const stop = gracefulStop(
    { busy: () => running.busy(), stop: () => running.stop().finally(done) },
    logger,
    WORKER_STOP_DEADLINE_MS,
  )
  const lost = await Promise.race([stopped.then(() => undefined), running.failed.then((e) => ({ error: e }))])
  if (lost !== undefined) {
    logger.error(
      `the worker stops: ${(lost.error as Error)?.message ?? String(lost.error)} (its companies go to the other workers)`,
    )
    process.exitCode = exitCodes.kafka.code
    stop.request('the worker cannot go on')
    await stopped
  }
  stop.dispose()
  await ops.close()
  logger.info('stopped')
  // kafkajs may keep a socket open a little after disconnecting: the service has ended
  setTimeout(() => process.exit(process.exitCode ?? exitCodes.ok.code), 1_000).unref()
}
