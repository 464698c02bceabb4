// npm run schemas: writes schemas/<resource>-key.avsc and -value.avsc from the resource
// declarations. The files are the published contract; a unit test fails when they drift.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { keySchema, valueSchema } from '../src/contract/schema-builder'
import { resources } from '../src/resources'

export const schemaDir = join(__dirname, '..', 'schemas')

export function renderSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>()
  for (const resource of Object.values(resources)) {
    files.set(`${resource.name}-key.avsc`, `${JSON.stringify(keySchema(resource), null, 2)}\n`)
    files.set(`${resource.name}-value.avsc`, `${JSON.stringify(valueSchema(resource), null, 2)}\n`)
  }
  return files
}

if (require.main === module) {
  for (const [name, text] of renderSchemaFiles()) writeFileSync(join(schemaDir, name), text)
  console.log(`wrote ${renderSchemaFiles().size} schema files to ${schemaDir}`)
}
