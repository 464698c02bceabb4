// Where webhook capture meets a Personio that changed under it, against the real broker, registry
// and the simulator delivering as Personio does: a credential refused on a by-id read stops the
// resource with that error and commits nothing past the delivery (read again once it heals); a
// subscription disabled while `run` is up puts its resources back on polling until it is ENABLED.
import { Kafka, logLevel } from 'kafkajs'
import { openEngine, type Engine } from '../../../src/capture/engine/engine'
import { subscribe as onChannel } from '../../../src/ops/channels'
import { silentLogger } from '../../../src/ops/logger'
import { resources, type ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { inboxTopicFor } from '../../../src/webhooks/inbox'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll, readTable } from '../../support/compacted'
import { configFor, cursorOf, statusFor } from '../../support/engine-run'
import { freePort, waitFor } from '../../support/net-wait'
import { subscribe } from '../../support/subscribe'

const { brokers, registryUrl } = testInfra()
const TOKEN = 'Bearer seams-token-0123456789abcdef'
const only: ResourceName[] = ['employees', 'attendances']

interface Running {
  sim: RunningSimulator
  prefix: string
  subscription: string
  /** KAFKA_CLIENT_ID: the inbox consumer groups are named after it */
  clientId: string
  engine: Engine
  stop(): Promise<void>
}

async function started(extra: Record<string, string>): Promise<Running> {
  const sim = await startSimulator({
    employees: 6,
    absencesPerEmployee: 0,
    attendancesPerEmployee: 1,
    rateLimits: false,
    reports: 0,
    realClock: true,
    webhooks: { allowHttp: true },
  })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/personio`
  const subscription = await subscribe(
    sim,
    url,
    TOKEN,
    only.flatMap((n) => resources[n].webhookEvents ?? []),
  )
  const prefix = uniqueName('seams')
  const config = configFor(sim, prefix, {
    CAPTURE_RESOURCES: only.join(','),
    WEBHOOK_TOKEN: TOKEN,
    WEBHOOK_PUBLIC_URL: url,
    WEBHOOK_PORT: String(port),
    WEBHOOK_HOST: '127.0.0.1',
    ...extra,
  })
  const engine = await openEngine({ config, logger: silentLogger })
  const done = engine.run(() => undefined)
  await waitFor(
    'webhooks taking over after the first sync',
    async () => {
      for (const n of only) if ((await cursorOf(prefix, n)).webhookAt === undefined) return false
      return true
    },
    60_000,
  )
  return {
    sim,
    prefix,
    subscription,
    clientId: config.kafka.clientId,
    engine,
    stop: async () => {
      await engine.stop()
      await done
      await engine.close()
      await sim.close()
    },
  }
}

describe('capture > webhooks at the seams', () => {
  let run: Running | undefined
  afterEach(async () => {
    await run?.stop()
    run = undefined
  })

  it('stops a resource whose by-id read is refused (403): status says why, the delivery is not committed past', async () => {
    run = await started({})
    const { sim, prefix } = run
    const stopped: string[] = []
    const off = onChannel('personio-kafka:capture:health', (e) => {
      if (!e.running) stopped.push(`${e.resource}: ${e.error?.message ?? ''}`)
    })
    try {
      // the credential lost the attendance scope: every by-id read answers 403
      sim.faults.inject({ path: '/v2/attendance-periods/', status: 403 })
      const [attendance] = sim.company.list('attendances')
      sim.company.update('attendances', attendance!.id, { comment: 'after the scope was lost' })
      await waitFor('attendances stopped', () => stopped.some((s) => s.startsWith('attendances: ')))
      expect(stopped.join('\n')).toMatch(/attendances: .*403/)
      await waitFor('the error in the state topic', async () => {
        const [status] = await statusFor(prefix, ['attendances'])
        return /403/.test(status?.lastError ?? '')
      })
      // the delivery is in the inbox, and the attendances group has not committed past it
      const inbox = inboxTopicFor(prefix)
      const delivery = (await readAll(brokers, inbox)).find(
        (r) => r.key?.toString() === `attendance-period:${attendance!.id}`,
      )
      expect(delivery).toBeDefined()
      const admin = new Kafka({ brokers, clientId: 'test-seams', logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      try {
        const [committed] = await admin.fetchOffsets({
          groupId: `${run.clientId}.${prefix}.attendances.webhooks`,
          topics: [inbox],
        })
        const at = committed?.partitions.find((p) => p.partition === delivery!.partition)?.offset ?? '-1'
        expect(BigInt(at)).toBeLessThanOrEqual(BigInt(delivery!.offset))
      } finally {
        await admin.disconnect()
      }
      // nothing of the change was published
      const table = await readTable(brokers, registryUrl, prefix, 'attendances')
      expect(table.table.get(JSON.stringify([attendance!.id]))?.comment).not.toBe('after the scope was lost')
    } finally {
      off()
    }
  }, 120_000)

  it('polls the resources of a subscription disabled while running, and follows webhooks again once it is ENABLED', async () => {
    run = await started({ WEBHOOK_GAP_FILL_INTERVAL_MS: '10000', POLL_INTERVAL_MS: '2000' })
    const { sim, prefix, engine, subscription } = run
    const followed = () => engine.ctx.webhooks.following('employees')
    expect(followed()).toBe(true)
    const turn = (status: 'ENABLED' | 'DISABLED') => {
      const current = sim.webhooks.subscriptions.get(subscription)!
      sim.webhooks.update(subscription, { ...current, status })
    }
    turn('DISABLED')
    await waitFor('employees polled again', () => !followed(), 30_000)
    // no delivery comes now: the change arrives by polling
    const mark = sim.log.length
    const [someone] = sim.company.list('employees')
    sim.company.update('employees', someone!.id, { lastName: 'Polled while disabled' })
    await waitFor(
      'the change on the topic',
      async () =>
        (await readTable(brokers, registryUrl, prefix, 'employees')).table.get(`[${someone!.id}]`)
          ?.last_name === 'Polled while disabled',
      30_000,
    )
    expect(sim.log.slice(mark).some((l) => l.path === '/v1/company/employees')).toBe(true)
    turn('ENABLED')
    await waitFor('employees on webhooks again', followed, 30_000)
  }, 120_000)
})
