// Log lines as an operator filters them: every line of a capture cycle carries its resource and
// cycle id, also from layers that never saw the cycle (the Personio client's retries).
import { publish } from '../../../src/ops/channels'
import { inEngine } from '../../../src/ops/engine-scope'
import { createLogger, cycleLogger, inCycle, silentLogger } from '../../../src/ops/logger'
import { startProgress } from '../../../src/ops/progress'

// A promise the test opens by hand: the order two concurrent scopes resume in is the test's choice,
// not a race of timers on a loaded machine.
function gate() {
  let open: () => void = () => undefined
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

// Lets every continuation queued so far run (a timer hop, so promise chains of any depth settle).
const settle = () => new Promise((resolve) => setImmediate(resolve))

function capture() {
  const lines: string[] = []
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) })
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('ops > logger', () => {
  it('adds resource and cycleId to lines logged anywhere inside a cycle, across awaits', async () => {
    const { logger, parsed } = capture()
    const personio = logger.child({ component: 'personio' })
    await inCycle({ resource: 'employees', cycleId: 'c0ffee01' }, async () => {
      await new Promise((r) => setTimeout(r, 1))
      personio.warn({ attempt: 2 }, 'personio retry')
    })
    personio.info('outside any cycle')
    expect(
      parsed().map(({ resource, cycleId, component, msg }) => ({ resource, cycleId, component, msg })),
    ).toEqual([
      { resource: 'employees', cycleId: 'c0ffee01', component: 'personio', msg: 'personio retry' },
      { resource: undefined, cycleId: undefined, component: 'personio', msg: 'outside any cycle' },
    ])
  })

  it('prints each key once when a cycle logger is used inside its cycle', () => {
    const { logger, lines } = capture()
    inCycle({ resource: 'absences', cycleId: 'beef0002' }, () =>
      cycleLogger(logger, 'absences', 'beef0002').info('page'),
    )
    expect(lines[0]?.match(/"cycleId"/g)).toHaveLength(1)
    expect(lines[0]?.match(/"resource"/g)).toHaveLength(1)
  })

  it('keeps two concurrent cycles apart', async () => {
    const { logger, parsed } = capture()
    const [a, b] = [gate(), gate()]
    const work = (resource: string, cycleId: string, resume: Promise<void>) =>
      inCycle({ resource, cycleId }, async () => {
        await resume
        logger.info('done')
      })
    const both = Promise.all([work('employees', 'a', a.opened), work('projects', 'b', b.opened)])
    b.open()
    await settle()
    a.open()
    await both
    expect(parsed().map((l) => `${String(l.resource)}:${String(l.cycleId)}`)).toEqual([
      'projects:b',
      'employees:a',
    ])
  })
})

describe('ops > logger > engine', () => {
  it("adds the engine to every line logged within a named engine's scope, concurrently, and none outside", async () => {
    const { logger, parsed } = capture()
    const personio = logger.child({ component: 'personio' })
    const [acme, globex] = [gate(), gate()]
    const work = (engine: string, resume: Promise<void>) =>
      inEngine(engine, async () => {
        logger.info('restored')
        await inCycle({ resource: 'employees', cycleId: engine }, async () => {
          await resume
          personio.warn('personio retry')
        })
      })
    const both = Promise.all([work('acme', acme.opened), work('globex', globex.opened)])
    globex.open()
    await settle()
    acme.open()
    await both
    logger.info('ops endpoint')
    expect(parsed().map((l) => `${String(l.company)}:${String(l.cycleId)}:${String(l.msg)}`)).toEqual([
      'acme:undefined:restored',
      'globex:undefined:restored',
      'globex:globex:personio retry',
      'acme:acme:personio retry',
      'undefined:undefined:ops endpoint',
    ])
  })

  it("leaves the default engine's lines as they were, and prints a bound engine once", () => {
    const { logger, lines } = capture()
    inEngine('default', () => logger.info('one company'))
    inEngine('acme', () => logger.child({ company: 'acme' }).info('bound'))
    expect(lines[0]).not.toContain('"company"')
    expect(lines[1]?.match(/"company"/g)).toHaveLength(1)
  })
})

describe('ops > logger > format', () => {
  const written = (settings: Parameters<typeof createLogger>[0], isTTY?: boolean) => {
    const lines: string[] = []
    const logger = createLogger(settings, { isTTY, write: (line: string) => void lines.push(line) })
    logger.child({ resource: 'employees' }).info({ read: 4, token: 'abc' }, 'cycle done')
    return lines
  }

  it('JSON off a terminal (the default, and a level alone), readable lines on one', () => {
    expect(JSON.parse(written('info')[0] ?? '')).toMatchObject({ resource: 'employees', msg: 'cycle done' })
    expect(JSON.parse(written({ level: 'info', format: 'auto' }, false)[0] ?? '')).toMatchObject({ read: 4 })
    expect(written({ level: 'info', format: 'auto' }, true)[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}employees: cycle done read=4 token=\*\*\*\n$/,
    )
  })

  it('LOG_FORMAT wins over the terminal either way; secrets are redacted in both', () => {
    const json = written({ level: 'info', format: 'json' }, true)[0] ?? ''
    expect(JSON.parse(json)).toMatchObject({ msg: 'cycle done', token: '***' })
    const pretty = written({ level: 'info', format: 'pretty' }, false)[0] ?? ''
    expect(pretty.startsWith('{')).toBe(false)
    expect(pretty).toContain('token=***')
    expect(pretty).not.toContain('abc')
  })

  it('on a terminal with the live progress table, a line goes above the table as a readable line', () => {
    const out: string[] = []
    let tick = () => undefined as void
    const progress = startProgress({
      mode: 'tty',
      logger: silentLogger,
      redrawMs: 250,
      clock: { now: () => 0, every: (_ms, t) => ((tick = t), () => undefined) },
      stream: { isTTY: true, write: (s: string) => out.push(s) > 0 },
    })
    publish('personio-kafka:capture:cycle', {
      resource: 'employees',
      cycleId: 'c1',
      kind: 'snapshot',
      phase: 'start',
    })
    tick()
    // what openCapture (src/cli/capture-run.ts) hands the logger while the table is shown
    const logger = createLogger({ level: 'info', format: 'auto' }, { isTTY: true, write: progress.write })
    logger.warn({ attempt: 2 }, 'personio retry')
    tick()
    progress.stop()
    const erase = '\x1b[2F\x1b[J' // the table (header and one row) steps aside
    expect(out[1]?.startsWith(erase)).toBe(true)
    expect(out[1]?.slice(erase.length)).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}personio retry attempt=2\n$/)
    expect(out[2]).toMatch(/^resource +records/)
  })
})
