// When a company's capture has ended on its own (what a worker marks failed): fenced by another
// instance at once, or once no selected resource can run; never while one still can.
import { captureOutcome } from '../../../../src/capture/engine/outcome'
import { AuthError, FencedError } from '../../../../src/errors'
import { resources } from '../../../../src/resources'

const stopped = (resource: 'employees' | 'absences', error: unknown) =>
  ({ kind: 'stopped', resource, error }) as const

describe('capture > engine > outcome', () => {
  it('ends at the first fence, whatever still runs', () => {
    const outcome = captureOutcome([resources.employees, resources.absences])
    const fenced = new FencedError('a newer producer has this transactional id')
    expect(outcome.see(stopped('employees', fenced))).toEqual({ why: 'fenced', error: fenced })
  })

  it('ends once no resource can run, and not before', () => {
    const outcome = captureOutcome([resources.employees, resources.absences])
    const refused = new AuthError('credentials refused')
    expect(outcome.see(stopped('employees', refused))).toBeUndefined()
    expect(outcome.see({ kind: 'failed', resource: 'absences', error: refused })).toBeUndefined()
    expect(outcome.see(stopped('absences', refused))).toEqual({ why: 'nothing-can-run', error: refused })
    // once ended, nothing more is reported
    expect(outcome.see(stopped('employees', refused))).toBeUndefined()
    expect([...outcome.stopped.keys()]).toEqual(['employees', 'absences'])
  })
})
