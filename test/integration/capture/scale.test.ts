// Issue #17, scale: with 5,000 employees the custom_reports stage looped on "Kafka transaction
// aborted … message larger than the max message size the server will accept". Cause: a stage
// transaction holds every row of the reports it read (15,000 rows here) and their state records,
// and kafkajs wrote all of one send's records for a partition as one record batch — about 2 MB per
// report partition and 2.2 MB on the state topic's one partition, against the broker's default
// max.message.bytes of 1 MB. The sink now sends a transaction in pieces below the limit; a single
// record that cannot fit at all goes to the dead-letter topic with its key. Broker defaults here.
import { Kafka, logLevel } from 'kafkajs'
import { stateTopicFor } from '../../../src/capture/context'
import { restoreState } from '../../../src/kafka/kafkajs/state-store'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { expectTableToEqual, readAll, readTable, simulatorTable } from '../../support/compacted'
import { expectAllCycled, expectTopicsEqualSimulator, syncOnce } from '../../support/engine-run'
import { createTopicsSettled } from '../../support/topics'

const { brokers, registryUrl } = testInfra()
const RESOURCES = { CAPTURE_RESOURCES: 'employees,custom_reports_list,custom_reports' }

const stateOf = (prefix: string) =>
  restoreState(
    new Kafka({ brokers, clientId: 'test-scale', logLevel: logLevel.NOTHING }),
    stateTopicFor(prefix),
    `test-scale.${prefix}`,
  )

describe('capture > scale (issue #17)', () => {
  describe('5,000 employees', () => {
    let sim: RunningSimulator
    beforeAll(async () => {
      sim = await startSimulator({ employees: 5_000, reports: 2, rateLimits: false })
    })
    afterAll(() => sim.close())

    it('every report row of every employee is published and decoded, and the state reads back', async () => {
      const prefix = uniqueName('scale')
      expectAllCycled(await syncOnce(sim, prefix, RESOURCES))
      const [rows, expected] = await Promise.all([
        readTable(brokers, registryUrl, prefix, 'custom_reports'),
        simulatorTable(sim, 'custom_reports'),
      ])
      expect(rows.table.size).toBeGreaterThanOrEqual(10_000)
      expectTableToEqual('custom_reports', rows.table, expected)
      const employees = sim.company.list('employees').map((e) => e.id)
      for (const report of sim.company.list('reports')) {
        const seen = new Set(
          [...rows.table.values()].filter((r) => r.report_id === report.id).map((r) => r.employee_id),
        )
        expect(employees.filter((id) => !seen.has(id))).toEqual([])
      }
      const state = await stateOf(prefix)
      expect(state.knownOf('custom_reports').size).toBe(rows.table.size)
      expect(state.cursor('custom_reports').snapshotDone).toBe(true)
      // a second sync finds nothing new: the fingerprints read back cover every row
      const before = (await readAll(brokers, `${prefix}.custom_reports`)).length
      expectAllCycled(await syncOnce(sim, prefix, RESOURCES))
      expect((await readAll(brokers, `${prefix}.custom_reports`)).length).toBe(before)
    })
  })

  describe('a record larger than the broker accepts', () => {
    let sim: RunningSimulator
    beforeAll(async () => {
      sim = await startSimulator({ employees: 40, reports: 2, rateLimits: false })
    })
    afterAll(() => sim.close())

    it('goes to the dead-letter topic with its key; every other record is published and the cursor moves on', async () => {
      const prefix = uniqueName('oversize')
      const [giant] = sim.company.list('employees')
      const id = giant?.id as number
      // 1.2 MB of last name: its report rows (last_name is a report column) each encode to more
      // than max.message.bytes (1,048,588 by default); the employee itself fails its mapping
      sim.company.update('employees', id, { lastName: 'X'.repeat(1_200_000) })
      expectAllCycled(await syncOnce(sim, prefix, RESOURCES))

      const dlq = await readAll(brokers, `${prefix}._dlq`)
      const keys = dlq.map((r) => r.key?.toString() ?? '')
      expect(keys).toContain(`employees:[${id}]`)
      const rowLetters = keys.filter((k) => k.startsWith('custom_reports:'))
      expect(rowLetters.length).toBeGreaterThan(0)
      for (const k of rowLetters)
        expect(k).toMatch(new RegExp(`^custom_reports:\\["[^"]+",${id},"[^"]*"\\]$`))
      expect(keys.filter((k) => !k.endsWith(`[${id}]`) && !k.includes(`,${id},`))).toEqual([])
      for (const letter of dlq) {
        // the letters themselves (the raw item, the row) had to be cut to fit the dead-letter topic
        expect(Number(letter.headers['pk.value.truncated'])).toBeGreaterThan(1_200_000)
        // the employee's mapping refuses a string field over 64 KiB; a report row's cells have no
        // such bound, and the row is refused for its size
        if (letter.key?.toString().startsWith('employees:')) continue
        expect(letter.headers).toMatchObject({ 'pk.error.code': 'PK_KAFKA', 'pk.stage': 'encode' })
        expect(letter.headers['pk.error.message']).toMatch(/max\.message\.bytes 1048588/)
      }

      // everything else is there, decoded, and the giant's records are not
      for (const resource of ['employees', 'custom_reports'] as const) {
        const [actual, expected] = await Promise.all([
          readTable(brokers, registryUrl, prefix, resource),
          simulatorTable(sim, resource),
        ])
        for (const key of [...expected.keys()])
          if (key === `[${id}]` || key.includes(`,${id},`)) expected.delete(key)
        expect(expected.size).toBeGreaterThan(30)
        expectTableToEqual(resource, actual.table, expected)
      }
      const state = await stateOf(prefix)
      expect(state.cursor('employees').snapshotDone).toBe(true)
      expect(state.cursor('custom_reports').snapshotDone).toBe(true)
      expect(state.knownOf('employees').has(`[${id}]`)).toBe(false)

      // once it fits again, the next sync publishes it
      sim.company.clock.advance(60_000)
      sim.company.update('employees', id, { lastName: 'Short' })
      sim.company.update('reports', sim.company.list('reports')[0]?.id as string, {
        dataRefreshedAt: sim.company.clock.now(),
      })
      expectAllCycled(await syncOnce(sim, prefix, RESOURCES))
      await expectTopicsEqualSimulator(sim, prefix, ['employees', 'custom_reports'])
    })

    it("follows a topic's own, smaller max.message.bytes", async () => {
      const prefix = uniqueName('oversize-topic')
      const kafka = new Kafka({ brokers, clientId: 'test-scale', logLevel: logLevel.NOTHING })
      const admin = kafka.admin()
      await admin.connect()
      try {
        await createTopicsSettled(admin, [
          {
            topic: `${prefix}.custom_reports`,
            numPartitions: 3,
            replicationFactor: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'max.message.bytes', value: '50000' },
            ],
          },
        ])
      } finally {
        await admin.disconnect()
      }
      const id = sim.company.list('employees')[2]?.id as number
      // 60 KB of last name: the employee fits its topic (and its mapping's 64 KiB), its report rows
      // do not fit 50,000 bytes; the other rows go out in sends below that topic's limit
      sim.company.update('employees', id, { lastName: 'Y'.repeat(60_000) })
      expectAllCycled(await syncOnce(sim, prefix, RESOURCES))
      const keys = (await readAll(brokers, `${prefix}._dlq`)).map((r) => r.key?.toString() ?? '')
      expect(keys.length).toBeGreaterThan(0)
      for (const k of keys) expect(k).toMatch(new RegExp(`^custom_reports:\\["[^"]+",${id},"[^"]*"\\]$`))
      const employees = await readTable(brokers, registryUrl, prefix, 'employees')
      expect(employees.table.get(`[${id}]`)?.last_name).toHaveLength(60_000)
      const rows = await readTable(brokers, registryUrl, prefix, 'custom_reports')
      const expected = await simulatorTable(sim, 'custom_reports')
      for (const key of [...expected.keys()]) if (key.includes(`,${id},`)) expected.delete(key)
      expectTableToEqual('custom_reports', rows.table, expected)
    })

    it('a row that fits but whose last image (kept for DELETE_MODE=rewrite) would not is published without it', async () => {
      const prefix = uniqueName('oversize-image')
      const env = { ...RESOURCES, DELETE_MODE: 'rewrite' }
      const id = sim.company.list('employees')[1]?.id as number
      // 450,000 quotes: 900 KB in the row's cells (JSON text, each one escaped once) fits the topic;
      // the state's last image escapes them again, 1.8 MB, and would not fit the state topic
      sim.company.update('employees', id, { lastName: '"'.repeat(450_000) })
      expectAllCycled(await syncOnce(sim, prefix, env))
      const rows = await readTable(brokers, registryUrl, prefix, 'custom_reports')
      const giants = [...rows.table.keys()].filter((k) => k.includes(`,${id},`))
      expect(giants.length).toBeGreaterThan(0)
      const state = await stateOf(prefix)
      for (const key of giants) {
        expect(state.knownOf('custom_reports').get(key)?.f).toBeDefined()
        expect(state.knownOf('custom_reports').get(key)?.i).toBeUndefined()
      }
      // its delete falls back to a tombstone, as for a key whose image was never kept
      sim.company.clock.advance(60_000)
      sim.company.remove('employees', id)
      expectAllCycled(await syncOnce(sim, prefix, { ...env, RECONCILE_INTERVAL_MS: '0' }))
      const after = await readTable(brokers, registryUrl, prefix, 'custom_reports')
      for (const key of giants) expect(after.lastOp.get(key)).toBe('d')
      await expectTopicsEqualSimulator(sim, prefix, ['custom_reports'])
    })
  })
})
