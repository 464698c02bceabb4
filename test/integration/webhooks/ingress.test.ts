// A worker's webhook ingress against the real broker (issue #28): one receiver for two companies,
// each on `<base path>/<id>` with its own token. Each company's deliveries land in its own inbox
// topic `<prefix>._webhooks`, keyed by entity, as Personio sent them, and nothing in the other's;
// read back from the topics. A company added to the directory has its path at once, a removed one
// answers 401 as another company's token does (a 404 would tell who is served). A port in use is refused in one line.
import { Kafka, logLevel } from 'kafkajs'
import { createServer, type Server } from 'node:net'
import { request } from 'undici'
import type { Company } from '../../../src/companies/company'
import { loadConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'
import { createDurableWriter } from '../../../src/kafka/kafkajs/durable-writer'
import { silentLogger } from '../../../src/ops/logger'
import { inboxTopicFor } from '../../../src/webhooks/inbox'
import type { Receiver } from '../../../src/webhooks/receiver'
import { startWebhookIngress } from '../../../src/workers/webhook-ingress'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll } from '../../support/compacted'
import { createTopicsSettled } from '../../support/topics'

const { brokers } = testInfra()

const company = (id: string, prefix: string, webhookToken: string): Company => ({
  spec: { id, prefix, personio: { clientId: `${id}-client`, clientSecretFile: `${id}.secret` } },
  file: `/companies/${id}.json`,
  clientSecret: 'secret',
  webhookToken,
  fingerprint: id,
})

const envelope = (event: string, id: string) => ({
  company_id: '1',
  event_name: event,
  occurred_at: '2026-12-05T10:00:00Z',
  payload: { id },
})

const webhooks = (port: number) =>
  loadConfig({
    env: {
      WEBHOOK_PUBLIC_URL: 'https://hooks.example.test/personio',
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
    },
  }).webhooks

describe('webhooks > a worker ingress for many companies', () => {
  const kafka = new Kafka({ brokers, clientId: 'test-ingress', logLevel: logLevel.NOTHING })
  const writer = createDurableWriter(kafka)
  const acme = company('acme', uniqueName('acme'), 'Bearer acme-token-0123456789abcdef')
  const globex = company('globex', uniqueName('globex'), 'Bearer globex-token-0123456789abc')
  // replaced, never changed in place, as a rescan of COMPANIES_DIR replaces it
  let directory: ReadonlyMap<string, Company> = new Map([
    ['acme', acme],
    ['globex', globex],
  ])
  let ingress: Receiver

  beforeAll(async () => {
    const admin = kafka.admin()
    await admin.connect()
    try {
      await createTopicsSettled(admin, [
        { topic: inboxTopicFor(acme.spec.prefix), numPartitions: 3 },
        { topic: inboxTopicFor(globex.spec.prefix), numPartitions: 3 },
      ])
    } finally {
      await admin.disconnect()
    }
    ingress = await startWebhookIngress({
      webhooks: webhooks(0),
      logger: silentLogger,
      writer,
      companies: () => directory,
    })
  })
  afterAll(async () => {
    await ingress.close()
    await writer.close()
  })

  const post = async (id: string, token: string, body: unknown) => {
    const res = await request(`${ingress.url}/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify(body),
    })
    await res.body.dump()
    return res.statusCode
  }
  const inbox = async (c: Company) =>
    (await readAll(brokers, inboxTopicFor(c.spec.prefix))).map((r) => ({
      key: r.key?.toString(),
      partition: r.partition,
      value: JSON.parse(r.value?.toString() ?? 'null') as unknown,
    }))

  it("writes each company's deliveries into its own inbox topic, keyed by entity", async () => {
    expect(ingress.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/personio$/)
    const acmeSent = [
      envelope('person.updated', '1'),
      envelope('absence-period.created', '8f2c1d4e-7b3a-4c9e-9f10-2a6b5c4d3e21'),
      envelope('person.deleted', '1'),
    ]
    const globexSent = [envelope('person.created', '1'), envelope('attendance-period.updated', '77')]
    for (const e of acmeSent) expect(await post('acme', acme.webhookToken as string, e)).toBe(202)
    for (const e of globexSent) expect(await post('globex', globex.webhookToken as string, e)).toBe(202)

    const acmeRead = await inbox(acme)
    const globexRead = await inbox(globex)
    // the same person of two companies is two entities, each in its own company's topic
    expect(acmeRead.map((r) => r.key).sort()).toEqual([
      'absence-period:8f2c1d4e-7b3a-4c9e-9f10-2a6b5c4d3e21',
      'person:1',
      'person:1',
    ])
    expect(acmeRead.map((r) => r.value)).toEqual(expect.arrayContaining(acmeSent))
    expect(acmeRead).toHaveLength(acmeSent.length)
    expect(globexRead.map((r) => r.key).sort()).toEqual(['attendance-period:77', 'person:1'])
    expect(globexRead.map((r) => r.value)).toEqual(expect.arrayContaining(globexSent))
    expect(globexRead).toHaveLength(globexSent.length)
    // one entity's events share a partition, in the order they were accepted
    const person = acmeRead.filter((r) => r.key === 'person:1')
    expect(new Set(person.map((r) => r.partition)).size).toBe(1)
    expect(person.map((r) => (r.value as { event_name: string }).event_name)).toEqual([
      'person.updated',
      'person.deleted',
    ])
  })

  it("refuses another company's token and an unknown company alike (401), writing nothing", async () => {
    const before = (await inbox(acme)).length
    expect(await post('acme', globex.webhookToken as string, envelope('person.updated', '2'))).toBe(401)
    expect(await post('initech', acme.webhookToken as string, envelope('person.updated', '3'))).toBe(401)
    expect(await inbox(acme)).toHaveLength(before)
  })

  it('follows the directory: a company added is taken at once, a removed one answers 401', async () => {
    const umbrella = company('umbrella', uniqueName('umbrella'), 'Bearer umbrella-token-0123456789ab')
    const admin = kafka.admin()
    await admin.connect()
    try {
      await createTopicsSettled(admin, [{ topic: inboxTopicFor(umbrella.spec.prefix), numPartitions: 1 }])
    } finally {
      await admin.disconnect()
    }
    const token = umbrella.webhookToken as string
    expect(await post('umbrella', token, envelope('person.updated', '9'))).toBe(401)
    directory = new Map([...directory, ['umbrella', umbrella]])
    expect(await post('umbrella', token, envelope('person.updated', '9'))).toBe(202)
    directory = new Map([...directory].filter(([id]) => id !== 'umbrella'))
    expect(await post('umbrella', token, envelope('person.updated', '10'))).toBe(401)
    expect((await inbox(umbrella)).map((r) => r.key)).toEqual(['person:9'])
  })

  it('refuses a port in use in one line that names the settings', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      const error = await startWebhookIngress({
        webhooks: webhooks(port),
        logger: silentLogger,
        writer,
        companies: () => directory,
      }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([
        `WEBHOOK_PORT / WEBHOOK_HOST (webhooks): the receiver cannot listen on 127.0.0.1:${port} (EADDRINUSE); choose another port`,
      ])
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
