// The capture commands as a user runs them: `sync --once` and `run` against a simulated company
// that changes; without Personio credentials they refuse to start (never a silent simulator); a
// SIGTERM during `run` ends it cleanly with exit 0 and nothing half-published.
import { spawn } from 'node:child_process'
import { exitCodes } from '../../src/cli/exit-codes'
import { resourceNames } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { readTable, simulatorTable, tablesEqual } from '../support/compacted'
import { cliPath, hasStack, messageLines, runCli } from '../support/cli'

const { brokers, registryUrl } = testInfra()

describe('e2e > capture commands', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false, reports: 1 })
  })
  afterAll(() => sim.close())
  const env = (prefix: string): Record<string, string> => ({
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_PREFIX: prefix,
    TOPIC_REPLICATION_FACTOR: '1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  })

  it.each(['run', 'sync --once', 'snapshot'])(
    '%s without Personio credentials refuses to start, naming both variables, exit 2',
    async (command) => {
      const run = await runCli(command.split(' '), {
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
      })
      expect(run.code).toBe(exitCodes.usage.code)
      const lines = messageLines(run.stderr)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET must both be set')
      expect(lines[0]).toContain('personio-kafka demo')
      expect(hasStack(run.stderr)).toBe(false)
      expect(run.stdout).toBe('')
    },
  )

  it('sync --once prints a summary per resource; a second one publishes nothing', async () => {
    const prefix = uniqueName('cli-sync')
    const first = await runCli(['sync', '--once'], env(prefix), 120_000)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^employees\s+snapshot\s+20\s+0\s+0\s+20\s+0\s+0$/m)
    const second = await runCli(['sync', '--once'], env(prefix), 120_000)
    expect(second.code).toBe(0)
    for (const name of resourceNames.filter(
      (n) => n !== 'employees_absences_balance' && n !== 'custom_reports',
    ))
      expect(second.stdout).toMatch(
        new RegExp(`^${name}\\s+(incremental|reconcile)\\s+\\d+\\s+0\\s+0\\s+0\\s+0\\s+0$`, 'm'),
      )
  }, 240_000)

  it('run keeps the topics equal to a changing company, and a SIGTERM ends it with exit 0', async () => {
    const prefix = uniqueName('cli-run')
    const child = spawn(process.execPath, [cliPath, 'run'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env(prefix),
        POLL_INTERVAL_MS: '1000',
        RECONCILE_INTERVAL_MS: '0',
      },
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const until = async (check: () => Promise<boolean>, ms = 60_000) => {
      const end = Date.now() + ms
      while (Date.now() < end) {
        if (await check()) return
        await new Promise((r) => setTimeout(r, 500))
      }
      throw new Error(`not reached in ${ms} ms; stderr: ${stderr.slice(-2000)}`)
    }
    const equal = async () => {
      const [actual, expected] = await Promise.all([
        readTable(brokers, registryUrl, prefix, 'employees'),
        simulatorTable(sim, 'employees'),
      ])
      return tablesEqual('employees', actual.table, expected)
    }
    await until(equal)
    const [a, b] = sim.company.list('employees')
    sim.company.update('employees', a?.id as number, { position: 'Changed while running' })
    sim.company.remove('employees', b?.id as number)
    await until(equal)
    const stopping = Date.now()
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(Date.now() - stopping).toBeLessThan(15_000)
    expect(messageLines(stderr)).toEqual([])
  }, 180_000)
})
