// `personio-kafka schemas print | register | check` against the real registry.
import { createSchemaRegistry } from '../../src/contract/registry'
import { exitCodes } from '../../src/cli/exit-codes'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli'

describe('e2e > personio-kafka schemas', () => {
  const { registryUrl } = testInfra()
  const env = () => ({ SCHEMA_REGISTRY_URL: registryUrl, TOPIC_PREFIX: uniqueName('schemas') })

  it('print: one JSON object keyed by subject', async () => {
    const e = env()
    const run = await runCli(['schemas', 'print', '--resources', 'absence_types'], e)
    expect(run.code).toBe(0)
    const printed = JSON.parse(run.stdout) as Record<string, { type: string; name: string }>
    expect(Object.keys(printed)).toEqual([
      `${e.TOPIC_PREFIX}.absence_types-key`,
      `${e.TOPIC_PREFIX}.absence_types-value`,
    ])
    expect(printed[`${e.TOPIC_PREFIX}.absence_types-value`]).toMatchObject({ type: 'record' })
  })

  it('register, then check says every subject is identical', async () => {
    const e = env()
    const register = await runCli(['schemas', 'register', '--resources', 'absence_types,projects'], e)
    expect(register.code).toBe(0)
    expect(register.stdout).toMatch(new RegExp(`${e.TOPIC_PREFIX}\\.projects-value +id \\d+`))
    const check = await runCli(['schemas', 'check', '--resources', 'absence_types,projects'], e)
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(
      new RegExp(`^ok +${e.TOPIC_PREFIX}\\.projects-value +registered, identical`, 'm'),
    )
    expect(check.stdout.trimEnd().split('\n').pop()).toBe('all subjects ok')
  })

  it('check: an incompatible value and a changed key are FIX lines, exit 7', async () => {
    const e = env()
    const registry = createSchemaRegistry({ url: registryUrl })
    const topic = `${e.TOPIC_PREFIX}.absence_types`
    const record = (name: string, type: string) => ({
      type: 'record',
      name,
      namespace: 'personio.absence_types',
      fields: [{ name: 'id', type }],
    })
    await registry.register(`${topic}-key`, record('Key', 'string'))
    await registry.register(`${topic}-value`, record('Value', 'string'))
    const run = await runCli(['schemas', 'check', '--resources', 'absence_types'], e)
    expect(run.code).toBe(exitCodes.check.code)
    expect(run.stdout).toMatch(
      new RegExp(`^FIX +${topic}-key +key schema differs from version 1: keys are frozen`, 'm'),
    )
    expect(run.stdout).toMatch(
      new RegExp(`^FIX +${topic}-value +NOT BACKWARD-compatible with version 1`, 'm'),
    )
  })
})
