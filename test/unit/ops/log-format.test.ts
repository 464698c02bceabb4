// Which format a log line takes, and the readable one a person sees at a terminal: one line per
// event, nothing JSON-shaped, the same facts as the JSON line.
import { prettyLine, resolveLogFormat } from '../../../src/ops/log-format'

// a local time, so the expected clock reading holds in any time zone
const at = new Date(2026, 8, 14, 9, 5, 7, 42).getTime()
const line = (entry: Record<string, unknown>) =>
  `${JSON.stringify({ level: 30, time: at, service: 'personio-kafka', ...entry })}\n`

describe('ops > log-format > the choice', () => {
  it('auto: pretty on a terminal, JSON anywhere else (pipes, files, containers)', () => {
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty')
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json')
    expect(resolveLogFormat('auto', {})).toBe('json')
  })

  it('LOG_FORMAT=json|pretty wins over the terminal', () => {
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json')
    expect(resolveLogFormat('pretty', { isTTY: false })).toBe('pretty')
  })
})

describe('ops > log-format > pretty lines', () => {
  it('time, level, resource, message, then the fields as key=value, on one line', () => {
    expect(
      prettyLine(
        line({
          resource: 'employees',
          cycleId: 'c0ffee01',
          plan: 'incremental',
          read: 4,
          c: 1,
          msg: 'cycle done',
        }),
      ),
    ).toBe('09:05:07.042 INFO  employees: cycle done cycleId=c0ffee01 plan=incremental read=4 c=1\n')
  })

  it('names every level, and lines without a resource start with the message', () => {
    const levels = [10, 20, 30, 40, 50, 60].map((level) =>
      prettyLine(line({ level, msg: 'x' })).slice(13, 19),
    )
    expect(levels).toEqual(['TRACE ', 'DEBUG ', 'INFO  ', 'WARN  ', 'ERROR ', 'FATAL '])
    expect(prettyLine(line({ msg: 'stopped' }))).toBe('09:05:07.042 INFO  stopped\n')
  })

  it('quotes values with spaces, shows objects as JSON and an error as its code and message, no stack', () => {
    const text = prettyLine(
      line({
        level: 40,
        resource: 'projects',
        reason: 'rate limited by Personio',
        plan: { kind: 'incremental' },
        resources: ['employees', 'projects'],
        err: {
          type: 'PkError',
          code: 'PK_AUTH',
          message: 'credentials refused',
          stack: 'Error: …\n    at x',
        },
        msg: 'cycle failed',
      }),
    )
    expect(text).toBe(
      '09:05:07.042 WARN  projects: cycle failed reason="rate limited by Personio" plan={"kind":"incremental"} resources=["employees","projects"] err="PK_AUTH: credentials refused"\n',
    )
  })

  it('keeps one event on one line, even when a message holds line breaks', () => {
    const text = prettyLine(line({ msg: 'first\nsecond', detail: 'a\nb' }))
    expect(text.split('\n')).toEqual(['09:05:07.042 INFO  first ⏎ second detail="a\\nb"', ''])
  })

  it('does not repeat the resource a progress line starts with', () => {
    expect(prettyLine(line({ resource: 'absences', msg: 'absences snapshot: 10/10 records' }))).toBe(
      '09:05:07.042 INFO  absences snapshot: 10/10 records\n',
    )
  })

  it('passes a line that is not a JSON object through unchanged', () => {
    expect(prettyLine('not json\n')).toBe('not json\n')
    expect(prettyLine('[1,2]\n')).toBe('[1,2]\n')
  })
})
