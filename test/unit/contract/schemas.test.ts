import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSchemas } from '../../../src/contract/schemas'
import { keySchema, valueSchema } from '../../../src/contract/schema-builder'
import { ContractError } from '../../../src/errors'
import { resources } from '../../../src/resources'

describe('contract > schemas', () => {
  it("loads every resource's key and value schema from schemas/*.avsc, as declared", () => {
    for (const resource of Object.values(resources)) {
      const loaded = loadSchemas(resource.name)
      expect(loaded.key).toEqual(keySchema(resource))
      expect(loaded.value).toEqual(valueSchema(resource))
      expect(loaded.valueType.name).toBe(`personio.${resource.name}.Value`)
      expect(loadSchemas(resource.name)).toBe(loaded) // parsed once
    }
  })

  it('says which file is missing or broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pk-schemas-'))
    expect(() => loadSchemas('nope', dir)).toThrow(ContractError)
    expect(() => loadSchemas('nope', dir)).toThrow(/nope-key\.avsc is missing/)
    writeFileSync(join(dir, 'bad-key.avsc'), '{"type":"record","name":"Key","fields":[]}')
    writeFileSync(
      join(dir, 'bad-value.avsc'),
      '{"type":"record","name":"Value","fields":[{"name":"x","type":"nope"}]}',
    )
    expect(() => loadSchemas('bad', dir)).toThrow(/not valid Avro/)
  })
})
