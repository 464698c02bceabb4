import { buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import { resources } from '../../../src/resources'
import { simAttributeDefinitions, simCompany, simItems } from '../../support/sim-items'
import { describeResourceContract } from './contract-suite'

const company = simCompany()
const items = simItems(company)
const employeeSchema = buildEmployeeValueSchema(simAttributeDefinitions(company))

for (const resource of Object.values(resources)) {
  if (resource.name === 'employees') {
    describeResourceContract(
      resource,
      items.employees,
      { extraFields: employeeSchema.customFields },
      employeeSchema.schema,
    )
  } else {
    describeResourceContract(resource, items[resource.name])
  }
}
