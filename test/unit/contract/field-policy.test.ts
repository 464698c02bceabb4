// Field control for HR data: what a consumer of the topic sees (schema and record) when fields are
// dropped or hashed, and the configuration errors a user gets for a policy that cannot work.
import { createHmac } from 'node:crypto'
import { avroTypeFor } from '../../../src/contract/avro'
import { buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import { compileFieldPolicy, fieldPolicyFromConfig } from '../../../src/contract/field-policy'
import { valueSchema, type AvroRecordSchema } from '../../../src/contract/schema-builder'
import { ConfigError } from '../../../src/errors'
import type { V1EmployeeAttributeDefinition } from '../../../src/personio/types'
import { resources, type RecordValue } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'

const KEY = 'a-test-key-of-32-characters-long'
const hmac = (text: string) => createHmac('sha256', KEY).update(text).digest('hex')
const iban: V1EmployeeAttributeDefinition = {
  key: 'dynamic_21827',
  label: 'IBAN',
  type: 'standard',
  universal_id: 'iban',
}
const title: V1EmployeeAttributeDefinition = {
  key: 'dynamic_24407',
  label: 'Title',
  type: 'standard',
  universal_id: null,
}
const raw = fixtureItems('employees')[0]

function employeesWithAttributes() {
  const built = buildEmployeeValueSchema([iban, title])
  const record = resources.employees.toRecord(raw, { extraFields: built.customFields })
  // the fixture has no email; one is needed to see it hashed
  const withEmail: RecordValue = { ...record, email: 'ada@example.com' }
  return { schema: built.schema, record: withEmail }
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('no ConfigError')
}

const field = (s: AvroRecordSchema, name: string) => s.fields.find((f) => f.name === name)

describe('contract > field-policy', () => {
  it('drops fields from schema and record, and hashes others as keyed HMAC-SHA256 hex strings', () => {
    const { schema, record } = employeesWithAttributes()
    const policy = compileFieldPolicy(
      { employees: { drop: ['fix_salary', 'hourly_salary'], hash: ['email', 'dynamic_21827', 'hire_date'] } },
      KEY,
    )
    const applied = policy.apply(resources.employees, schema)
    expect(field(applied.schema, 'fix_salary')).toBeUndefined()
    expect(field(applied.schema, 'hourly_salary')).toBeUndefined()
    expect(field(applied.schema, 'fix_salary_currency')).toBeDefined()
    expect(applied.schema.doc).toContain('Withheld by field policy: fix_salary, hourly_salary.')
    expect(field(applied.schema, 'email')).toMatchObject({
      type: ['null', 'string'],
      default: null,
      doc: 'HMAC-SHA256 (keyed, lower-case hex) of: Work email.',
      'personio.hashed': 'hmac-sha256-hex',
    })
    // a custom attribute named by its Personio key resolves to its field, and keeps its property
    expect(field(applied.schema, 'iban')).toMatchObject({
      type: ['null', 'string'],
      'personio.attribute': 'dynamic_21827',
    })
    expect(field(applied.schema, 'hire_date')?.type).toEqual(['null', 'string'])

    const out = applied.record(record)
    expect(record.fix_salary).toBe('4200.00')
    expect(typeof record.hire_date).toBe('number')
    expect(Object.keys(out)).not.toContain('fix_salary')
    expect(Object.keys(out)).not.toContain('hourly_salary')
    expect(out.email).toBe(hmac(String(record.email)))
    expect(out.iban).toBe(hmac('DE00 1234'))
    expect(out.hire_date).toBe(hmac(String(record.hire_date))) // dates: days since 1970-01-01, in decimal
    expect(out.id).toBe(record.id)
    expect(out.first_name).toBe(record.first_name)
    // what is published must still encode under the published schema
    expect(
      avroTypeFor(applied.schema).isValid({
        ...out,
        __op: 'r',
        __source_ts_ms: null,
        __snapshot: true,
        __deleted: null,
      }),
    ).toBe(true)
  })

  it('keeps null as null when hashing, so "no value" stays visible', () => {
    const { schema, record } = employeesWithAttributes()
    const applied = compileFieldPolicy({ employees: { hash: ['preferred_name'] } }, KEY).apply(
      resources.employees,
      schema,
    )
    expect(applied.record({ ...record, preferred_name: null }).preferred_name).toBeNull()
  })

  it('removes withheld fields from a dead letter’s raw Personio item too', () => {
    const { schema } = employeesWithAttributes()
    const applied = compileFieldPolicy({ employees: { drop: ['fix_salary'], hash: ['iban'] } }, KEY).apply(
      resources.employees,
      schema,
    )
    const text = JSON.stringify(applied.raw(raw))
    expect(text).not.toContain('fix_salary')
    expect(text).not.toContain('dynamic_21827')
    expect(text).not.toContain('DE00 1234')
    expect(text).toContain('dynamic_24407')
  })

  it('leaves resources without rules untouched', () => {
    const schema = valueSchema(resources.absences)
    const applied = compileFieldPolicy({ employees: { drop: ['fix_salary'] } }, undefined).apply(
      resources.absences,
      schema,
    )
    expect(applied.schema).toBe(schema)
    const r = { id: 1 }
    expect(applied.record(r)).toBe(r)
  })

  it('reports every mistake at once, naming the resource and field', () => {
    expect(
      problemsOf(() =>
        compileFieldPolicy(
          {
            employes: { drop: ['x'] },
            employees: { drop: ['id', 'last_modified_at', '__op'], hash: ['email'] },
            absences: { drop: ['salary', 'comment'], hash: ['comment'] },
          },
          undefined,
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^FIELD_POLICY \(fields\.policy\): unknown resource employes \(resources: employees, /,
      ),
      'FIELD_POLICY (fields.policy): employees.id: part of the key of employees; keys can be neither dropped nor hashed (compaction, partitioning and deletes depend on them)',
      "FIELD_POLICY (fields.policy): employees.last_modified_at: employees's change timestamp; the cursor needs it, so it cannot be dropped or hashed",
      'FIELD_POLICY (fields.policy): employees.__op: metadata fields cannot be dropped or hashed',
      expect.stringMatching(
        /^FIELD_POLICY \(fields\.policy\): absences\.salary: absences has no such field \(fields: id, /,
      ),
      'FIELD_POLICY (fields.policy): absences.comment: both dropped and hashed; choose one',
      'FIELD_HASH_KEY or FIELD_HASH_KEY_FILE: a key of at least 16 characters is required, as employees, absences hash fields',
    ])
  })

  it('checks employee custom attribute names once the schema with the attributes is built', () => {
    const { schema } = employeesWithAttributes()
    const policy = compileFieldPolicy({ employees: { drop: ['bank_account'] } }, undefined)
    expect(problemsOf(() => policy.apply(resources.employees, schema))).toEqual([
      'FIELD_POLICY (fields.policy): employees.bank_account: employees has no such field (custom attributes this credential reads: iban = dynamic_21827, title = dynamic_24407)',
    ])
  })

  it('takes the HMAC key of the loaded configuration (FIELD_HASH_KEY or FIELD_HASH_KEY_FILE)', () => {
    const policy = fieldPolicyFromConfig({ policy: { employees: { hash: ['email'] } }, hashKey: KEY })
    const { schema, record } = employeesWithAttributes()
    expect(policy.apply(resources.employees, schema).record(record).email).toBe(hmac(String(record.email)))
  })
})

// A field policy must not blind capture: dropping a field a stage watches (an employee's
// termination_date moves balances) would hide its changes from the stage, so it is refused at
// start-up in one line, with the way out (hash it: a keyed hash changes whenever the value does);
// a field records are found by (an absence's employee_id) can be neither dropped nor hashed.
/** The problems a policy is refused with; none when it is accepted. */
function refusalsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('contract > field policy and what stages watch', () => {
  it('refuses to drop a field a stage watches, and says to hash it instead', () => {
    expect(
      refusalsOf(() =>
        compileFieldPolicy({ employees: { drop: ['termination_date', 'weekly_working_hours'] } }, KEY),
      ),
    ).toEqual([
      'FIELD_POLICY (fields.policy): employees.termination_date: employees_absences_balance is read again when it changes; dropped, those changes would go unnoticed. Hash it instead (a keyed hash changes whenever the value does)',
      'FIELD_POLICY (fields.policy): employees.weekly_working_hours: employees_absences_balance is read again when it changes; dropped, those changes would go unnoticed. Hash it instead (a keyed hash changes whenever the value does)',
    ])
    // an absence's fields a balance counts are watched too
    expect(refusalsOf(() => compileFieldPolicy({ absences: { drop: ['days_count'] } }, KEY))).toHaveLength(1)
  })

  it('lets a watched field be hashed, and fields nothing watches be dropped', () => {
    expect(
      refusalsOf(() =>
        compileFieldPolicy(
          {
            employees: { hash: ['termination_date'], drop: ['fix_salary'] },
            absences: { drop: ['comment'] },
          },
          KEY,
        ),
      ),
    ).toEqual([])
  })

  it('refuses to drop or hash the field records are found by', () => {
    const problems = refusalsOf(() =>
      compileFieldPolicy(
        { absences: { hash: ['employee_id'] }, attendances: { drop: ['employee_id'] } },
        KEY,
      ),
    )
    expect(problems).toHaveLength(2)
    expect(problems).toEqual([
      'FIELD_POLICY (fields.policy): absences.employee_id: a deleted employees record takes the absences records it names along; it can be neither dropped nor hashed',
      'FIELD_POLICY (fields.policy): attendances.employee_id: a deleted employees record takes the attendances records it names along; it can be neither dropped nor hashed',
    ])
  })
})
