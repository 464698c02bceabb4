// When `run` gives up: only once no selected resource can capture any more. A stage runs on its
// inputs' change events, so it cannot run once every input it is fed by here has stopped; an input
// not selected here is captured by another instance and keeps feeding it.
import { anyCanRun } from '../../../src/cli/run'
import { resources, type ResourceName } from '../../../src/resources'

describe('cli > run > anyCanRun', () => {
  const stopped = (...names: ResourceName[]) => new Set<ResourceName>(names)
  const balance = resources.employees_absences_balance
  // the inputs of employees_absences_balance
  const balanceInputs = [resources.employees, resources.absences, resources.absence_types]

  it('a polled resource can run until it stops', () => {
    expect(anyCanRun([resources.employees], stopped())).toBe(true)
    expect(anyCanRun([resources.employees, resources.projects], stopped('employees'))).toBe(true)
    expect(anyCanRun([resources.employees, resources.projects], stopped('employees', 'projects'))).toBe(false)
    expect(anyCanRun([], stopped())).toBe(false)
  })

  it('a stage whose every input is selected and stopped cannot run, though it did not stop itself', () => {
    const selected = [...balanceInputs, balance]
    expect(anyCanRun(selected, stopped('employees', 'absences', 'absence_types'))).toBe(false)
    // one input still running feeds it
    expect(anyCanRun(selected, stopped('employees', 'absences'))).toBe(true)
    expect(anyCanRun([resources.employees, balance], stopped('employees'))).toBe(true)
  })

  it('a stage whose input is not selected is fed by another instance, so it can run', () => {
    expect(anyCanRun([balance], stopped())).toBe(true)
    expect(anyCanRun([resources.employees, balance], stopped('employees'))).toBe(true)
    expect(
      anyCanRun([resources.custom_reports_list, resources.custom_reports], stopped('custom_reports_list')),
    ).toBe(true)
  })

  it('counts an input not selected here as fed, even if a stopped set names it', () => {
    expect(anyCanRun([balance], stopped('employees', 'absences', 'absence_types'))).toBe(true)
  })

  it('a stopped stage cannot run, whatever feeds it', () => {
    expect(anyCanRun([balance], stopped('employees_absences_balance'))).toBe(false)
    expect(
      anyCanRun(
        [...balanceInputs, balance],
        stopped('employees_absences_balance', 'employees', 'absences', 'absence_types'),
      ),
    ).toBe(false)
  })
})
