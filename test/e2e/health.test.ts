// Health that tells the truth, as an orchestrator and an operator see it: credentials refused
// (rotated in Personio) make /readyz answer 503 naming the resources and the error, the process
// exits with Personio's exit code once no resource can run, and `status` shows each resource's
// last error and its time. A wrong secret is found before anything is created in Kafka, said once.
import { spawn } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'
import { exitCodes } from '../../src/cli/exit-codes'
import { freePort } from '../../src/infra/ports'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { cliPath, hasStack, messageLines, runCli } from '../support/cli'
import { harnessPreloads, preloadArgs } from '../support/cli-preload'
import { readTable } from '../support/compacted'
import { captureEnv } from '../support/exactly-once'

const infra = testInfra()

interface Readyz {
  status: number
  body: { status: string; reasons?: string[] }
}

async function readyz(port: number): Promise<Readyz | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`)
    return { status: res.status, body: (await res.json()) as Readyz['body'] }
  } catch {
    return undefined // not listening (yet, or any more)
  }
}

describe('e2e > health', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 8, rateLimits: false, reports: 1 })
  })
  afterAll(() => sim.close())

  it('refused credentials: /readyz 503 with the reason, exit 3 once nothing can run, status shows the last error', async () => {
    const prefix = uniqueName('health')
    const port = await freePort()
    const env = captureEnv(infra, sim, prefix, {
      METRICS_PORT: String(port),
      POLL_INTERVAL_MS: '1000',
      // projects polls last: while it still runs, the others have stopped and /readyz says so
      CAPTURE_OVERRIDES: 'projects.poll=15s',
      LOG_LEVEL: 'error',
    })
    const child = spawn(process.execPath, [...preloadArgs(harnessPreloads), cliPath, 'run'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    let code: number | null | undefined
    void exited.then((c) => (code = c))
    const seen: Readyz[] = []
    const until = async (what: string, check: () => boolean, ms = 90_000) => {
      const end = Date.now() + ms
      while (!check()) {
        if (code !== undefined && what !== 'exit')
          throw new Error(`exited (${String(code)}) before ${what}; stderr: ${stderr.slice(-2000)}`)
        if (Date.now() > end) throw new Error(`${what} not seen in ${ms} ms; stderr: ${stderr.slice(-2000)}`)
        const r = await readyz(port)
        if (r !== undefined) seen.push(r)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    try {
      await until('ready', () => seen.some((r) => r.status === 200))
      // the first sync of employees is done (its phase is then 'capturing', whatever comes after)
      let employees = 0
      const counting = setInterval(
        () =>
          void readTable(infra.brokers, infra.registryUrl, prefix, 'employees').then(
            (t) => (employees = t.table.size),
            () => undefined,
          ),
        1_000,
      )
      await until('employees on their topic', () => employees === 8).finally(() => clearInterval(counting))
      // The credential is rotated in Personio, and the token the service holds expires.
      const credential = sim.credentials[0]
      if (credential === undefined) throw new Error('simulator without credentials')
      const secret = credential.clientSecret
      credential.clientSecret = 'rotated-elsewhere'
      sim.company.clock.advance(2 * 86_400_000)
      await until('exit', () => code !== undefined)
      credential.clientSecret = secret
    } finally {
      child.kill('SIGKILL')
    }
    expect(code).toBe(exitCodes.personio.code)
    // Before it exited, readiness said why, per resource.
    const notReady = seen.filter((r) => r.status === 503)
    expect(notReady.length).toBeGreaterThan(0)
    const reasons = notReady.flatMap((r) => r.body.reasons ?? [])
    expect(
      reasons.some((r) => /^[a-z_]+ stopped at \S+: PK_AUTH: Personio refused the credentials/.test(r)),
    ).toBe(true)
    expect(stderr).toMatch(/no resource can run any more/)
    expect(hasStack(stderr)).toBe(false)
    // `status`, another process later, shows the last error and its time.
    const status = await runCli(['status', '--json'], env)
    expect(status.code).toBe(0)
    const rows = JSON.parse(status.stdout) as { resource: string; phase: string; lastError?: string }[]
    const employees = rows.find((r) => r.resource === 'employees')
    expect(employees?.phase).toBe('capturing')
    expect(employees?.lastError).toMatch(/^\d{4}-\d\d-\d\dT\S+Z PK_AUTH: Personio refused the credentials/)
  }, 180_000)

  it('a wrong secret is refused before any topic is created or schema registered, in one line', async () => {
    const prefix = uniqueName('preflight')
    const run = await runCli(
      ['sync', '--once'],
      captureEnv(infra, sim, prefix, { PERSONIO_CLIENT_SECRET: 'not-the-secret', LOG_LEVEL: 'info' }),
      60_000,
    )
    expect(run.code).toBe(exitCodes.personio.code)
    const lines = messageLines(run.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/Personio refused the credentials/)
    expect(run.stderr.match(/Personio refused the credentials/g)).toHaveLength(1)
    expect(hasStack(run.stderr)).toBe(false)
    const kafka = new Kafka({ brokers: infra.brokers, logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const topics = await admin.listTopics().finally(() => admin.disconnect())
    expect(topics.filter((t) => t.startsWith(prefix))).toEqual([])
    const subjects = (await (await fetch(`${infra.registryUrl}/subjects`)).json()) as string[]
    expect(subjects.filter((s) => s.startsWith(prefix))).toEqual([])
  }, 90_000)

  it('Personio unreachable: sync --once says so in one line, before anything is created', async () => {
    const prefix = uniqueName('unreachable')
    const closed = await freePort() // nothing listens there
    const run = await runCli(
      ['sync', '--once'],
      captureEnv(infra, { url: `http://127.0.0.1:${closed}` }, prefix, { LOG_LEVEL: 'info' }),
      120_000,
    )
    expect(run.code).toBe(exitCodes.personio.code)
    // was: 144 log lines (every resource retrying, then failing); now the one cause, once
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: Personio: Personio POST \/v1\/auth did not answer: .*PERSONIO_BASE_URL/),
    ])
    expect(run.stdout).toBe('')
  }, 150_000)
})
