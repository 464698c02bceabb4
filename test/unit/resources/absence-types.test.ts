// resources > absence_types, on personio-api.md §6.4: no timestamps, a null category, the
// undocumented fields live responses carry, a category outside the documented enum.
import { resources } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [vacation, doctor, sabbatical] = fixtureItems('absence_types')

describeResourceContract({
  resource: resources.absence_types,
  cases: [
    {
      title: 'with the fields removed from the docs in Sep 2024',
      item: vacation,
      record: {
        id: 113,
        name: 'Paid vacation',
        category: 'paid_vacation',
        unit: 'day',
        approval_required: true,
        legacy_category: 'paid_vacation',
        half_day_requests_enabled: true,
        certification_required: false,
        certification_submission_timeframe: 0,
        substitute_option: 'disabled',
      },
    },
    {
      title: 'hourly, category null',
      item: doctor,
      record: { id: 4, name: "Doctor's appointment", unit: 'hour', approval_required: false },
    },
  ],
  undocumented: [{ title: 'category sabbatical', item: sabbatical, path: 'attributes.category' }],
})
