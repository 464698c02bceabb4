// resources > document_categories, on personio-api.md §6.7: top-level id, name in attributes.
import { resources } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [contract, payslips] = fixtureItems('document_categories')

describeResourceContract({
  resource: resources.document_categories,
  cases: [
    { title: 'a German name', item: contract, record: { id: 1, name: 'Arbeitsvertrag' } },
    { title: 'an English name', item: payslips, record: { id: 2, name: 'Payslips' } },
  ],
})
