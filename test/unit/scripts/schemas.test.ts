// schemas/*.avsc are the published contract; they must be exactly what the declarations generate.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { avroTypeFor } from '../../../src/contract/avro'
import { renderSchemaFiles, schemaDir } from '../../../scripts/schemas'

describe('contract > schema files', () => {
  const expected = renderSchemaFiles()

  it('match the resource declarations (run `npm run schemas` after changing a resource)', () => {
    expect(
      readdirSync(schemaDir)
        .filter((f) => f.endsWith('.avsc'))
        .sort(),
    ).toEqual([...expected.keys()].sort())
    for (const [name, text] of expected) expect(readFileSync(join(schemaDir, name), 'utf8')).toBe(text)
  })

  it('follow the conventions: parseable, documented, optional non-key fields, logical types inside the type', () => {
    for (const [name, text] of expected) {
      const schema = JSON.parse(text) as {
        fields: { name: string; type: unknown; doc?: string; default?: unknown }[]
      }
      avroTypeFor(schema)
      for (const field of schema.fields) {
        expect(field.doc).toBeTruthy()
        expect(JSON.stringify(field.type)).not.toMatch(/micros/)
        if (name.endsWith('-value.avsc') && Array.isArray(field.type)) expect(field.default).toBeNull()
      }
    }
  })
})
