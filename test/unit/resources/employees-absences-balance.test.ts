// resources > employees_absences_balance, on personio-api.md §6.8: the employee id comes from the
// request (the stage adds it), a null category, fractional balances.
import { resources } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [vacation, doctor] = fixtureItems('employees_absences_balance')

describeResourceContract({
  resource: resources.employees_absences_balance,
  cases: [
    {
      title: 'paid vacation, half days',
      item: vacation,
      record: {
        employee_id: 4711,
        id: 113,
        name: null, // Personio's name is not carried (docs/contract.md)
        category: 'paid_vacation',
        balance: 12.5,
        available_balance: 7.5,
      },
    },
    {
      title: 'category null, zero balances',
      item: doctor,
      record: { employee_id: 4711, id: 4, name: null, balance: 0, available_balance: 0 },
    },
  ],
})
