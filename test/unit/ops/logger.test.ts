// Log lines as an operator filters them: every line of a capture cycle carries its resource and
// cycle id, also from layers that never saw the cycle (the Personio client's retries).
import { createLogger, cycleLogger, inCycle } from '../../../src/ops/logger'

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
    const work = (resource: string, cycleId: string, ms: number) =>
      inCycle({ resource, cycleId }, async () => {
        await new Promise((r) => setTimeout(r, ms))
        logger.info('done')
      })
    await Promise.all([work('employees', 'a', 5), work('projects', 'b', 1)])
    expect(parsed().map((l) => `${String(l.resource)}:${String(l.cycleId)}`)).toEqual([
      'projects:b',
      'employees:a',
    ])
  })
})
