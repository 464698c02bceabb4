// An engine of a worker (webhookIngress 'shared', issue #28) with the worker's ingress in front of
// it, on the in-memory Kafka and registry against the simulator delivering as Personio does (the
// sockets are the simulator's and the ingress's). The engine opens no listener of its own — the
// ingress holds WEBHOOK_PORT, which an engine with its own receiver could not take — and still
// does all the rest: it finds the subscription of its company's URL `<WEBHOOK_PUBLIC_URL>/<id>`,
// follows it, and a change delivered to the ingress reaches the company's topic.
import type { Engine } from '../../../src/capture/engine/engine'
import type { Company } from '../../../src/companies/company'
import { loadConfig } from '../../../src/config'
import { DEFAULT_BATCH_BUDGET_BYTES } from '../../../src/kafka/record-size'
import { silentLogger } from '../../../src/ops/logger'
import { resources } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { inboxTopicFor } from '../../../src/webhooks/inbox'
import type { Receiver } from '../../../src/webhooks/receiver'
import { startWebhookIngress } from '../../../src/workers/webhook-ingress'
import { simulatorTable, tablesEqual } from '../../support/compacted'
import { memoryWorld, type MemoryWorld } from '../../support/memory-engine'
import { waitFor } from '../../support/net-wait'
import { subscribe } from '../../support/subscribe'

const TOKEN = 'Bearer shared-ingress-token-0123456789'
const PREFIX = 'shared-acme'

describe('webhooks > an engine behind the shared ingress', () => {
  let sim: RunningSimulator
  let world: MemoryWorld
  let ingress: Receiver
  let writer: ReturnType<MemoryWorld['kafka']['durableWriter']>
  let port: number

  beforeAll(async () => {
    sim = await startSimulator({
      employees: 6,
      absencesPerEmployee: 0,
      attendancesPerEmployee: 0,
      rateLimits: false,
      reports: 0,
      realClock: true,
      webhooks: { allowHttp: true },
    })
    world = memoryWorld(sim, PREFIX)
    writer = world.kafka.durableWriter({ batchBudget: () => DEFAULT_BATCH_BUDGET_BYTES })
    const acme: Company = {
      spec: { id: 'acme', prefix: PREFIX, personio: { clientId: 'acme', clientSecretFile: 'acme.secret' } },
      file: '/companies/acme.json',
      clientSecret: 'secret',
      webhookToken: TOKEN,
      fingerprint: 'acme',
    }
    const hooks = loadConfig({
      env: { WEBHOOK_PUBLIC_URL: 'http://127.0.0.1/personio', WEBHOOK_PORT: '0', WEBHOOK_HOST: '127.0.0.1' },
    }).webhooks
    ingress = await startWebhookIngress({
      webhooks: hooks,
      logger: silentLogger,
      writer,
      companies: () => new Map([['acme', acme]]),
    })
    port = Number(new URL(ingress.url).port)
    await subscribe(sim, `${ingress.url}/acme`, TOKEN, resources.employees.webhookEvents ?? [])
  })
  afterAll(async () => {
    await ingress.close()
    await writer.close()
    await sim.close()
  })

  /** the company's engine as a worker opens it: its URL is the ingress's, on the ingress's port */
  const open = (webhookIngress: 'own' | 'shared'): Promise<Engine> =>
    world.open(
      {
        CAPTURE_RESOURCES: 'employees',
        WEBHOOK_TOKEN: TOKEN,
        WEBHOOK_PUBLIC_URL: `${ingress.url}/acme`,
        WEBHOOK_PORT: String(port),
        WEBHOOK_HOST: '127.0.0.1',
      },
      { webhookIngress },
    )

  it('opens no listener, follows the subscription and takes its deliveries from the ingress', async () => {
    const engine = await open('shared')
    let failed: unknown
    const done = engine.run(() => undefined).catch((error: unknown) => void (failed = error))
    /** a run that stopped fails the test at once, not after the wait */
    const running = () => {
      if (failed !== undefined) throw failed
    }
    try {
      await waitFor(
        'webhooks taking over',
        async () => {
          running()
          return (await world.cursor('employees')).webhookAt !== undefined
        },
        30_000,
      )
      const [someone] = sim.company.list('employees')
      sim.company.update('employees', someone!.id, { lastName: 'Delivered' })
      const expected = await simulatorTable(sim, 'employees')
      await waitFor(
        'the delivery to reach the topic',
        async () => {
          running()
          return tablesEqual('employees', (await world.readTable('employees')).table, expected)
        },
        30_000,
      )
      // it came through the ingress, into the company's inbox, as a delivery of that person
      const inbox = world.kafka.topic(inboxTopicFor(PREFIX))
      expect(inbox.map((r) => [r.key?.toString(), r.headers['pk.source']])).toContainEqual([
        `person:${someone!.id}`,
        'delivery',
      ])
    } finally {
      await engine.stop()
      await done
      await engine.close()
    }
  })

  it('an engine with its own receiver could not have run there: the port is the ingress’s', async () => {
    const engine = await open('own')
    try {
      await expect(engine.run(() => undefined)).rejects.toThrow(
        /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/,
      )
    } finally {
      await engine.close()
    }
  })
})
