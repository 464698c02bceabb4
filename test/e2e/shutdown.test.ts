// SIGTERM during the first sync of a company of thousands, as Docker (10 s grace) or Kubernetes
// (30 s) sends it: the service says what it waits for in one line and exits 0 within seconds, in
// each phase; a later run resumes where the stopped ones committed, and the topics end up equal to
// the company, each change once.
import { spawn } from 'node:child_process'
import { resourceNames } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { cliPath, hasStack, logLines, runCli } from '../support/cli'
import { harnessPreloads, preloadArgs } from '../support/cli-preload'
import { captureEnv, expectExactlyOnce } from '../support/exactly-once'

const infra = testInfra()
/** Personio's documented pace (5 balance reads a second): the first sync of 1,500 takes minutes. */
const personioPace = {
  PERSONIO_RATE_LIMITS: 'employees=5,balances=5,v1=30,v2=10,v2-persons=10,v2-periods=10',
}

interface Stopped {
  code: number | null
  /** from SIGTERM to exit */
  stopMs: number
  stderr: string
}

/** Starts `run`, sends SIGTERM once `due(stderr)` says the phase of interest is reached. */
function runThenTerm(env: Record<string, string>, due: (stderr: string) => boolean): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...preloadArgs(harnessPreloads), cliPath, 'run'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    })
    let stderr = ''
    let termAt: number | undefined
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const poll = setInterval(() => {
      if (termAt !== undefined || !due(stderr)) return
      termAt = Date.now()
      child.kill('SIGTERM')
    }, 100)
    const giveUp = setTimeout(() => {
      clearInterval(poll)
      child.kill('SIGKILL')
      reject(new Error(`phase never reached or no exit; stderr: ${stderr.slice(-3000)}`))
    }, 150_000)
    child.on('exit', (code) => {
      clearInterval(poll)
      clearTimeout(giveUp)
      resolve({ code, stopMs: Date.now() - (termAt ?? Date.now()), stderr })
    })
  })
}

/** The JSON log lines complete so far (the last one may still be arriving). */
function linesSoFar(stderr: string): Record<string, unknown>[] {
  return stderr.split('\n').flatMap((line) => {
    try {
      return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []
    } catch {
      return []
    }
  })
}

/** True `ms` after the first log line `seen` accepts. */
function after(ms: number, seen: (line: Record<string, unknown>) => boolean): (stderr: string) => boolean {
  let seenAt: number | undefined
  return (stderr) => {
    seenAt ??= linesSoFar(stderr).some(seen) ? Date.now() : undefined
    return seenAt !== undefined && Date.now() - seenAt >= ms
  }
}

describe('e2e > shutdown during a first sync', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 1500, rateLimits: false, reports: 1, absencesPerEmployee: 1 })
  })
  afterAll(() => sim.close())

  it('SIGTERM exits 0 within 10 s in each phase, and the next run completes what they committed', async () => {
    const prefix = uniqueName('shutdown')
    const env = captureEnv(infra, sim, prefix, {
      ...personioPace,
      LOG_LEVEL: 'info',
      PROGRESS: 'log',
      PROGRESS_INTERVAL_MS: '1000',
    })
    // "10 s in / 40 s in" (the figures), counted from the first progress line: by then the
    // employees are listed and the balance stage reads one employee after another at Personio's pace
    const first = await runThenTerm(
      env,
      after(10_000, (l) => typeof l.records === 'number' && l.kind === 'snapshot'),
    )
    // a second run, stopped while it resumes the same first sync (the balance stage: one employee
    // after another, quietly) further on
    const second = await runThenTerm(
      env,
      after(15_000, (l) => l.msg === 'capture running'),
    )
    for (const [name, run] of Object.entries({ first, second })) {
      const lines = logLines(run.stderr)
      const stopping = lines.find((l) => String(l.msg).startsWith('stopping (SIGTERM)'))
      // clean: the engine stopped and closed, not the deadline's forced exit (which is safe, but
      // means something held the stop)
      const clean = lines.some((l) => l.msg === 'stopped')
      expect({
        name,
        code: run.code,
        inTime: run.stopMs < 10_000,
        clean,
        stack: hasStack(run.stderr),
      }).toEqual({
        name,
        code: 0,
        inTime: true,
        clean: true,
        stack: false,
      })
      // one line says what the stop waits for
      expect(stopping?.msg).toMatch(
        /^stopping \(SIGTERM\): (waiting for the transaction in flight of [a-z_, ]+|nothing in flight)/,
      )
      process.stderr.write(
        `shutdown ${name}: exit ${run.code} ${run.stopMs} ms after SIGTERM — ${String(stopping?.msg)}\n`,
      )
    }
    // Then one sync at full speed completes the first sync: every topic equals the company, each
    // change once (a stop never published half a transaction, nor the same image twice).
    const done = await runCli(
      ['sync', '--once'],
      {
        ...env,
        PERSONIO_RATE_LIMITS:
          'employees=400,balances=400,v1=400,v2=400,v2-persons=400,v2-periods=400,v1-global=1000',
        LOG_LEVEL: 'error',
      },
      240_000,
    )
    expect({ code: done.code, stderr: done.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' })
    await expectExactlyOnce(infra, sim, prefix, resourceNames)
  }, 420_000)
})

describe('e2e > shutdown during the start-up wait', () => {
  it('SIGTERM while run waits out an outage at start: one line, exit 0, not killed by the signal', async () => {
    const sim = await startSimulator({ employees: 2, rateLimits: false, reports: 0 })
    try {
      const run = await runThenTerm(
        {
          PERSONIO_BASE_URL: sim.url,
          PERSONIO_CLIENT_ID: 'sim-client',
          PERSONIO_CLIENT_SECRET: 'sim-secret',
          SCHEMA_REGISTRY_URL: infra.registryUrl,
          KAFKA_BROKERS: '127.0.0.1:1', // nobody answers: run waits, warning once per try
          TOPIC_PREFIX: uniqueName('startup-term'),
          METRICS_PORT: '0',
        },
        (stderr) => linesSoFar(stderr).some((l) => l.check === 'kafka' && l.retryInMs !== undefined),
      )
      expect(run.code).toBe(0)
      expect(hasStack(run.stderr)).toBe(false)
      expect(linesSoFar(run.stderr).map((l) => l.msg)).toContainEqual(
        'stopping (SIGTERM) during start-up: nothing was published yet',
      )
    } finally {
      await sim.close()
    }
  }, 60_000)
})
