// Issue 17, "run on a terminal: JSON log lines mixed into the live table; about 14,000 lines a day
// when idle": logs as a person and a log collector read them from the real CLI. An idle cycle says
// nothing at info (it is there at debug); off a terminal the lines are JSON, and LOG_FORMAT=pretty
// gives readable ones.
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { hasStack, logLines, runCli } from '../support/cli'
import { captureEnv } from '../support/exactly-once'

const nonEmpty = (text: string) => text.split('\n').filter((l) => l.trim() !== '')

describe('e2e > cli > logs', () => {
  const infra = testInfra()
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 3, rateLimits: false })
  })
  afterAll(() => sim.close())
  // the default level (info), unlike the other capture tests
  const env = (prefix: string, extra: Record<string, string> = {}) =>
    captureEnv(infra, sim, prefix, { LOG_LEVEL: 'info', ...extra })

  it('LOG_FORMAT=pretty: readable lines; then an idle sync --once: no info line, JSON at debug', async () => {
    const prefix = uniqueName('logs')
    const first = await runCli(['sync', '--once'], env(prefix, { LOG_FORMAT: 'pretty' }))
    expect({ code: first.code, stack: hasStack(first.stderr) }).toEqual({ code: 0, stack: false })
    const pretty = nonEmpty(first.stderr)
    expect(pretty.length).toBeGreaterThan(0) // a first sync publishes: its cycles are worth a line
    for (const line of pretty) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO|WARN) {1,2}\S/)
    expect(pretty.some((l) => /^\S+ INFO {2}employees: cycle done .*\br=3\b/.test(l))).toBe(true)

    // nothing changed since: not one line at the default level, not even a progress line
    const idle = await runCli(['sync', '--once'], env(prefix))
    expect({ code: idle.code, stderr: idle.stderr }).toEqual({ code: 0, stderr: '' })
    expect(idle.stdout).toMatch(/^employees +incremental +\d+ +0 +0 +0 +0 +0$/m)

    // the idle cycles are still there for whoever asks, at debug, and off a terminal as JSON
    const debug = await runCli(['sync', '--once'], env(prefix, { LOG_LEVEL: 'debug' }))
    expect(debug.code).toBe(0)
    const lines = logLines(debug.stderr)
    expect(lines.length).toBe(nonEmpty(debug.stderr).length)
    const idleLines = lines.filter((l) => l.msg === 'cycle done' || l.msg === 'stage caught up')
    expect(idleLines.map((l) => l.resource).sort()).toEqual(
      [
        'absence_periods',
        'absence_types',
        'absences',
        'attendances',
        'custom_reports',
        'custom_reports_list',
        'document_categories',
        'employees',
        'employees_absences_balance',
        'projects',
      ].sort(),
    )
    for (const l of idleLines) expect(l.level).toBe(20)
  })
})
