// The product end to end, as a user runs it: the CLI reads the simulator and publishes every
// resource; the topics, read back read_committed and decoded through the registry, hold exactly
// what the simulator holds. A record Personio sends broken goes to the DLQ with its reasons, and
// everything else still lands.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { decodeAll, readTopic } from '../support/topics'

const run = promisify(execFile)
const cli = join(__dirname, '..', '..', 'bin', 'personio-kafka.js')

describe('e2e > personio-kafka snapshot', () => {
  const { brokers, registryUrl } = testInfra()
  let sim: RunningSimulator
  const prefix = uniqueName('e2e')

  beforeAll(async () => {
    sim = await startSimulator({ employees: 25, rateLimits: false, reports: 2 })
    // One employee Personio sends with hours that are not a number: it must be dead-lettered, not lost or fatal.
    const broken = sim.company.list('employees')[3]
    if (broken === undefined) throw new Error('no employee')
    sim.company.update('employees', broken.id, { weeklyWorkingHours: 'viele' })
    const env = {
      ...process.env,
      PERSONIO_BASE_URL: sim.url,
      PERSONIO_CLIENT_ID: 'sim-client',
      PERSONIO_CLIENT_SECRET: 'sim-secret',
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: prefix,
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'error',
    }
    const { stdout } = await run(process.execPath, [cli, 'snapshot'], { env, timeout: 120_000 })
    // 25 read, 24 published as snapshot reads, 1 dead-lettered
    expect(stdout).toMatch(/^employees\s+snapshot\s+25\s+0\s+0\s+24\s+0\s+1$/m)
  }, 150_000)

  afterAll(() => sim.close())

  it('publishes every employee the simulator holds, except the broken one, decoded field by field', async () => {
    const holds = sim.company.list('employees')
    const records = await decodeAll(
      registryUrl,
      await readTopic(brokers, `${prefix}.employees`, holds.length - 1),
    )
    const good = holds.filter((e) => e.weeklyWorkingHours !== 'viele')
    expect(records.map((r) => r.key.id).sort()).toEqual(good.map((e) => e.id).sort())
    for (const e of good) {
      const value = records.find((r) => r.key.id === e.id)?.value
      expect(value).toMatchObject({
        id: e.id,
        first_name: e.firstName,
        last_name: e.lastName,
        email: e.email,
        last_modified_at: Math.floor(e.lastModifiedAt / 1000) * 1000,
        __op: 'r',
        __snapshot: true,
      })
      expect(value?.__source_ts_ms).toBe(value?.last_modified_at)
    }
  })

  it('dead-letters the broken employee with headers that say where and why', async () => {
    const dlq = await readTopic(brokers, `${prefix}._dlq`, 1)
    expect(dlq).toHaveLength(1)
    const letter = dlq[0]
    expect(letter?.headers).toMatchObject({
      'pk.resource': 'employees',
      'pk.stage': 'map',
      'pk.error.code': 'PK_MAPPING',
    })
    expect(letter?.headers['pk.error.paths']).toContain(
      'attributes.weekly_working_hours.value: must be a number',
    )
    expect(JSON.parse(letter?.value?.toString() ?? '{}')).toMatchObject({ type: 'Employee' })
  })

  it('publishes every other resource with the simulator’s counts and keys', async () => {
    const expectations: [string, number, (k: Record<string, unknown>) => unknown, unknown[]][] = [
      ['absences', sim.company.count('timeOffs'), (k) => k.id, sim.company.list('timeOffs').map((o) => o.id)],
      [
        'absence_periods',
        sim.company.count('absencePeriods'),
        (k) => k.id,
        sim.company.list('absencePeriods').map((p) => p.id),
      ],
      [
        'absence_types',
        sim.company.count('timeOffTypes'),
        (k) => k.id,
        sim.company.list('timeOffTypes').map((t) => t.id),
      ],
      [
        'attendances',
        sim.company.count('attendances'),
        (k) => k.id,
        sim.company.list('attendances').map((a) => a.id),
      ],
      ['projects', sim.company.count('projects'), (k) => k.id, sim.company.list('projects').map((p) => p.id)],
      [
        'document_categories',
        sim.company.count('documentCategories'),
        (k) => k.id,
        sim.company.list('documentCategories').map((d) => d.id),
      ],
      [
        'custom_reports_list',
        sim.company.count('reports'),
        (k) => k.id,
        sim.company.list('reports').map((r) => r.id),
      ],
    ]
    for (const [resource, count, keyOf, ids] of expectations) {
      const records = await decodeAll(
        registryUrl,
        await readTopic(brokers, `${prefix}.${resource}`, count, 200),
      )
      expect({ resource, keys: records.map((r) => keyOf(r.key)).sort() }).toEqual({
        resource,
        keys: [...ids].sort(),
      })
    }
    // Balances follow the employees topic: the dead-lettered employee has none until it maps.
    const balances = await decodeAll(
      registryUrl,
      await readTopic(brokers, `${prefix}.employees_absences_balance`, 24 * 4, 200),
    )
    expect(balances.length).toBe(24 * 4)
    const first = sim.company.list('employees')[0]?.id as number
    const expected = sim.company.balances(first)?.find((b) => b.typeId === 113)
    expect(balances.find((b) => b.key.employee_id === first && b.key.id === 113)?.value).toMatchObject({
      balance: expected?.balance,
      available_balance: expected?.available,
    })
  })
})
