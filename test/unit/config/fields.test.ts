// `personio-kafka --help` lists every setting with its default as a person would type it.
import { configHelp } from '../../../src/config'
import { shown } from '../../../src/config/fields'

/** The lines of one setting's entry in the help text. */
function entryOf(help: string, env: string): string {
  const lines = help.split('\n')
  const start = lines.findIndex((l) => l.startsWith(`  ${env} `))
  const end = lines.findIndex((l, i) => i > start && /^ {2}[A-Z][A-Z0-9_]* /.test(l))
  return lines.slice(start, end < 0 ? undefined : end).join(' ')
}

describe('config > fields > --help', () => {
  it('shows every default as text, never as [object Object] or an empty string', () => {
    const help = configHelp(200)
    expect(help).not.toContain('[object Object]')
    expect(help).not.toMatch(/default: (;|$)/m)
    expect(entryOf(help, 'FIELD_POLICY')).toMatch(/default: none/)
    expect(entryOf(help, 'CAPTURE_OVERRIDES')).toMatch(/default: none/)
    expect(entryOf(help, 'CAPTURE_RESOURCES')).toMatch(/default: employees,absences,/)
  })

  it('writes a value as it would be typed', () => {
    expect([
      shown(['a', 'b']),
      shown(''),
      shown({}),
      shown({ employees: { drop: ['x'] } }),
      shown(5000),
    ]).toEqual(['a,b', 'none', 'none', '{"employees":{"drop":["x"]}}', '5000'])
  })
})
