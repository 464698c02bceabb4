// What run, sync and snapshot share: the configuration, the Personio they read (the configured one,
// or the bundled simulator only when `--simulator` asks for it), the engine, and the summary table.
import type { Command } from 'commander'
import { checkEngineOptions, openEngine, type Engine, type Report } from '../capture/engine/engine'
import type { PipelineEvent } from '../capture/engine/coordinator'
import { redactConfig, type Config } from '../config'
import { loadConfig } from './load-config'
import { ConfigError, PkError } from '../errors'
import { createLogger, type Logger } from '../ops/logger'
import { resolveProgressMode, startProgress, type Progress } from '../ops/progress'
import { startOps } from '../ops/start-ops'
import { resourceNames, type ResourceName } from '../resources'
import { integer, resourceList } from './arguments'
import { exitCodes } from './exit-codes'
import { exitOnSignalWhileStarting } from './startup-stop'
import { defaultCredential, startSimulator, type RunningSimulator } from '../simulator'

export interface CaptureFlags {
  config?: string
  resources?: ResourceName[]
  /** employees of the bundled simulator; true: the default company */
  simulator?: number | boolean
}

export function captureOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`, resourceList)
    .option(
      '--simulator [employees]',
      'read the bundled Personio simulator instead of Personio (demo data; never used unless asked for)',
      integer(1, 1_000_000, 50),
    )
}

export interface OpenedCapture {
  engine: Engine
  config: Config
  logger: Logger
  source: string
  close(): Promise<void>
}

/**
 * @param service the long-running `run`: it also serves /metrics, /healthz and /readyz
 */
export async function openCapture(flags: CaptureFlags, service = false): Promise<OpenedCapture> {
  const config = loadConfig({ file: flags.config })
  // On a terminal, log lines go through the progress display so they never tear its table.
  const shown: { progress?: Progress } = {}
  const tty = resolveProgressMode(config.ops.progress, process.stderr) === 'tty'
  const logger = tty
    ? createLogger(config.log, {
        isTTY: process.stderr.isTTY === true,
        write: (line: string) =>
          shown.progress === undefined ? process.stderr.write(line) : shown.progress.write(line),
      })
    : createLogger(config.log)
  const starting = service ? exitOnSignalWhileStarting(logger) : () => undefined
  try {
    return await open(flags, service, config, logger, shown)
  } finally {
    starting() // from here on, run's graceful stop answers a signal
  }
}

async function open(
  flags: CaptureFlags,
  service: boolean,
  config: Config,
  logger: Logger,
  shown: { progress?: Progress },
): Promise<OpenedCapture> {
  const only = flags.resources
  const simulated = flags.simulator !== undefined && flags.simulator !== false
  const employees = flags.simulator === true ? 50 : Number(flags.simulator)
  if (simulated && (!Number.isInteger(employees) || employees < 1 || employees > 1_000_000))
    throw new ConfigError([
      `--simulator: "${String(flags.simulator)}" is not a number of employees (e.g. --simulator 200)`,
    ])
  // a bad configuration is one line: refused before the ops endpoint or the simulator says a word
  checkEngineOptions({
    config,
    only,
    personio: simulated ? { baseUrl: 'http://simulator', ...defaultCredential } : undefined,
  })
  let engine: Engine | undefined
  const probe = (name: string) => engine?.probes[name]?.() ?? Promise.reject(new Error('starting'))
  const ops = service
    ? await startOps(
        config.ops,
        {
          probes: {
            kafka: () => probe('kafka'),
            registry: () => probe('registry'),
          },
        },
        logger,
      )
    : undefined
  const progress = (shown.progress = startProgress({
    mode: config.ops.progress,
    logger,
    intervalMs: config.ops.progressIntervalMs,
  }))
  let sim: RunningSimulator | undefined
  if (simulated) {
    sim = await startSimulator({ employees, realClock: true })
    logger.warn(
      { url: sim.url },
      'reading the bundled Personio simulator (--simulator): demo data, not your company',
    )
  }
  // 1 KB of settings before every line of a run: worth reading when debugging, noise otherwise
  logger.debug({ config: redactConfig(config) }, 'configuration')
  try {
    engine = await openEngine({
      config,
      logger,
      only,
      personio: sim === undefined ? undefined : { baseUrl: sim.url, ...defaultCredential },
      // a supervisor restarts a service that exits; an outage of a minute is waited out instead
      preflightPatienceMs: service ? 120_000 : 0,
    })
    const opened = engine
    return {
      engine: opened,
      config,
      logger,
      source: sim === undefined ? config.personio.baseUrl : `the bundled simulator (${sim.url})`,
      async close() {
        await opened.close()
        progress.stop()
        await ops?.close()
        await sim?.close()
      },
    }
  } catch (error) {
    progress.stop()
    await ops?.close()
    await sim?.close()
    throw error
  }
}

const pad = (s: string, n: number) => s.padEnd(n)
const num = (n: number, w: number) => String(n).padStart(w)

/** The first failure of a run: the CLI reports it as one line with its class's exit code. */
function firstFailure(events: readonly PipelineEvent<Report>[]): unknown {
  for (const e of events) if (e.kind !== 'cycle') return e.error
  return undefined
}

/**
 * sync and snapshot: one pass, a summary per resource, then the first failure (if any) as one line
 * with its exit code. Ctrl-C ends them at once: a transaction not committed is never seen by
 * read_committed consumers.
 */
export async function runOnce(
  flags: CaptureFlags,
  title: string,
  pass: (engine: Engine) => Promise<PipelineEvent<Report>[]>,
): Promise<void> {
  const started = Date.now()
  interruptible(title.toLowerCase())
  const capture = await openCapture(flags)
  try {
    const events = await pass(capture.engine)
    console.log(`${title} of ${capture.source} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    printSummary(events, (l) => console.log(l))
    const failure = firstFailure(events)
    if (failure !== undefined) throw failure
  } finally {
    await capture.close()
  }
}

function interruptible(what: string): void {
  process.once('SIGINT', () => {
    process.stderr.write(
      `interrupted: ${what} stopped; the transaction in flight was not committed, so read_committed consumers see nothing half-published. Run it again to complete.\n`,
    )
    process.exit(exitCodes.interrupted.code)
  })
}

/** The per-resource summary a person reads after sync and snapshot; errors as one line each. */
export function printSummary(events: readonly PipelineEvent<Report>[], out: (line: string) => void): boolean {
  out(
    `${pad('resource', 28)} ${pad('cycle', 11)} ${'read'.padStart(7)} ${'c'.padStart(6)} ${'u'.padStart(6)} ${'r'.padStart(6)} ${'d'.padStart(6)} ${'dlq'.padStart(5)}`,
  )
  let ok = true
  for (const e of events) {
    if (e.kind !== 'cycle') {
      ok = false
      const err = e.error
      out(
        `${pad(e.resource, 28)} FAILED     ${err instanceof PkError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err)}`,
      )
      continue
    }
    const r = e.report
    if ('published' in r) {
      const p = r.published
      out(
        `${pad(r.resource, 28)} ${pad(r.plan, 11)} ${num(r.read, 7)} ${num(p.c, 6)} ${num(p.u, 6)} ${num(p.r, 6)} ${num(p.d, 6)} ${num(r.deadLettered, 5)}`,
      )
    } else {
      out(
        `${pad(r.resource, 28)} ${pad(`stage ${r.plan}`, 11)} ${num(r.parents, 7)} ${`${r.events} events`.padStart(27)}`,
      )
    }
  }
  return ok
}
