// What an operator reads while a snapshot runs: the terminal table and the log line, from rows.
import {
  ProgressBoard,
  figures,
  formatDuration,
  formatLogLine,
  formatTable,
} from '../../../src/ops/progress-format'

const start = (board: ProgressBoard, resource: string, at: number, cycleId = `${resource}-1`) =>
  board.cycle({ resource, cycleId, kind: 'snapshot', phase: 'start' }, at)

describe('ops > progress-format', () => {
  it('shows records of the total, pages, rate and ETA for a listing whose size is known', () => {
    const board = new ProgressBoard()
    start(board, 'employees', 0)
    for (let i = 0; i < 4; i++)
      board.page({ resource: 'employees', cycleId: 'employees-1', items: 100, total: 1000 })
    // 400 records in 20 s: 20/s, 600 left → 30 s
    expect(formatTable(board.all(), 20_000)).toEqual([
      'resource    records  pages  rate/s  dead  state',
      'employees  400/1000      4    20.0     0  ETA 30s',
    ])
  })

  it('shows no ETA when Personio does not say how many records there are, and finished rows as done', () => {
    const board = new ProgressBoard()
    start(board, 'employees', 0)
    board.page({ resource: 'employees', cycleId: 'employees-1', items: 50, total: 50 })
    board.cycle({ resource: 'employees', cycleId: 'employees-1', kind: 'snapshot', phase: 'end' }, 125_000)
    start(board, 'employees_absences_balance', 125_000)
    board.page({ resource: 'employees_absences_balance', cycleId: 'employees_absences_balance-1', items: 4 })
    board.deadLetters({ resource: 'employees_absences_balance', stage: 'map', count: 1 })
    expect(formatTable(board.all(), 127_000)).toEqual([
      'resource                    records  pages  rate/s  dead  state',
      'employees                     50/50      1     0.4     0  done in 2m05s',
      'employees_absences_balance        4      1     2.0     1  running',
    ])
  })

  it('ignores pages of a cycle that is no longer the current one', () => {
    const board = new ProgressBoard()
    start(board, 'absences', 0, 'old')
    start(board, 'absences', 1000, 'new')
    board.page({ resource: 'absences', cycleId: 'old', items: 999 })
    expect(board.all()[0]).toMatchObject({ cycleId: 'new', records: 0, pages: 0 })
  })

  it("keeps two engines' resources of the same name in rows of their own, named by engine", () => {
    const board = new ProgressBoard()
    board.cycle({ engine: 'acme', resource: 'employees', cycleId: 'a', kind: 'snapshot', phase: 'start' }, 0)
    board.cycle(
      { engine: 'globex', resource: 'employees', cycleId: 'g', kind: 'snapshot', phase: 'start' },
      0,
    )
    board.page({ engine: 'acme', resource: 'employees', cycleId: 'a', items: 10 })
    board.page({ engine: 'globex', resource: 'employees', cycleId: 'g', items: 30 })
    board.events({ engine: 'globex', resource: 'employees', op: 'r', count: 30 })
    board.cycle(
      { engine: 'default', resource: 'employees', cycleId: 'd', kind: 'snapshot', phase: 'start' },
      0,
    )
    expect(board.all().map((r) => [r.engine, r.records, r.published])).toEqual([
      ['acme', 10, 0],
      ['globex', 30, 30],
      [undefined, 0, 0],
    ])
    expect(formatTable(board.all(), 10_000).map((l) => l.split(/ +/)[0])).toEqual([
      'resource',
      'acme/employees',
      'globex/employees',
      'employees',
    ])
  })

  it('writes a log line with the same facts, readable and as fields', () => {
    const board = new ProgressBoard()
    start(board, 'employees', 0)
    board.page({ resource: 'employees', cycleId: 'employees-1', items: 200, total: 1000 })
    board.events({ resource: 'employees', op: 'r', count: 198 })
    board.deadLetters({ resource: 'employees', stage: 'map', count: 2 })
    const row = board.all()[0]
    if (row === undefined) throw new Error('no row')
    expect(formatLogLine(row, 41_000)).toEqual({
      message: 'employees snapshot: 200/1000 records, 1 pages, 2 dead-lettered, 4.9 records/s, ETA 2m44s',
      fields: {
        kind: 'snapshot',
        records: 200,
        pages: 1,
        total: 1000,
        published: 198,
        deadLettered: 2,
        ratePerSec: 4.9,
        elapsedSeconds: 41,
        etaSeconds: 164,
      },
    })
  })

  it('reports a failed cycle with its error', () => {
    const board = new ProgressBoard()
    start(board, 'projects', 0)
    const row = board.cycle(
      {
        resource: 'projects',
        cycleId: 'projects-1',
        kind: 'snapshot',
        phase: 'error',
        error: { code: 'PK_AUTH', message: 'refused' },
      },
      3000,
    )
    expect(row).toMatchObject({ status: 'failed', error: 'PK_AUTH: refused' })
    expect(formatTable(board.all(), 9000)[1]).toBe('projects        0      0     0.0     0  failed')
  })

  it('formats durations short and exact', () => {
    expect([0, 7.4, 59.6, 185, 3599, 3720, 90_000].map(formatDuration)).toEqual([
      '0s',
      '7s',
      '1m00s',
      '3m05s',
      '59m59s',
      '1h02m',
      '25h00m',
    ])
    expect(
      figures(
        {
          resource: 'x',
          cycleId: 'c',
          kind: 'snapshot',
          status: 'running',
          startedAt: 0,
          records: 0,
          pages: 0,
          published: 0,
          deadLettered: 0,
          total: 10,
        },
        0,
      ),
    ).toEqual({ elapsedSeconds: 0, rate: 0 })
  })
})
