// The ingress's routes, without a socket: a company's path with its token and its own inbox topic
// `<prefix>._webhooks`, keyed by entity; looked up in the directory as it is at each request, so
// a company added has its path at once and a removed one has none; a company without a webhook
// token is answered as a wrong token is.
import type { DurableWriter } from '../../../src/capture/ports'
import type { Company } from '../../../src/companies/company'
import type { OutgoingRecord } from '../../../src/kafka/port'
import type { WebhookEvent } from '../../../src/webhooks/envelope'
import { loadConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'
import { silentLogger } from '../../../src/ops/logger'
import { companyRoutes, startWebhookIngress } from '../../../src/workers/webhook-ingress'

const company = (id: string, prefix: string, webhookToken?: string): Company => ({
  spec: { id, prefix, personio: { clientId: `${id}-client`, clientSecretFile: `${id}.secret` } },
  file: `/companies/${id}.json`,
  clientSecret: 'secret',
  ...(webhookToken === undefined ? {} : { webhookToken }),
  fingerprint: id,
})

const event: WebhookEvent = { name: 'person.updated', id: '4711', occurredAt: 0, companyId: '1' }

function world() {
  const written: OutgoingRecord[] = []
  const writer: DurableWriter = {
    write: async (records) => void written.push(...records),
    close: async () => undefined,
  }
  let directory: ReadonlyMap<string, Company> = new Map([
    ['acme', company('acme', 'hr-acme', 'Bearer acme-token')],
    ['globex', company('globex', 'hr-globex', 'Bearer globex-token')],
  ])
  /** as a rescan of COMPANIES_DIR does: a new directory in place of the old one */
  const rescan = (change: (next: Map<string, Company>) => void) => {
    const next = new Map(directory)
    change(next)
    directory = next
  }
  return {
    written,
    rescan,
    companies: () => directory,
    route: companyRoutes('/personio', () => directory, writer),
  }
}

describe('workers > webhook-ingress', () => {
  it("routes a company's path with its own token into its own inbox topic, keyed by entity", async () => {
    const { written, route } = world()
    const acme = route('/personio/acme')
    const globex = route('/personio/globex')
    expect(acme).toMatchObject({ company: 'acme', token: 'Bearer acme-token' })
    expect(globex).toMatchObject({ company: 'globex', token: 'Bearer globex-token' })
    await acme?.inbox.write(event, Buffer.from('{"a":1}'))
    await globex?.inbox.write(event, Buffer.from('{"g":1}'))
    expect(written.map((r) => [r.topic, r.key.toString(), r.value?.toString()])).toEqual([
      ['hr-acme._webhooks', 'person:4711', '{"a":1}'],
      ['hr-globex._webhooks', 'person:4711', '{"g":1}'],
    ])
    expect(written[0]?.headers).toEqual({ 'pk.event': 'person.updated', 'pk.source': 'delivery' })
  })

  it('has no route outside the base, and a route no token matches for a company not served', () => {
    const { rescan, route } = world()
    rescan((d) => d.set('initech', company('initech', 'hr-initech')))
    expect(route('/elsewhere/acme')).toBeUndefined()
    expect(route('/personio')).toBeUndefined()
    expect(route('/personio/')).toBeUndefined()
    expect(route('/personioacme')).toBeUndefined()
    expect(route('/personio/acme/more')).toBeUndefined()
    // unknown, or known without a token: answered as a wrong token is (401), never 404, so the
    // answers do not tell which companies the deployment serves
    const unknown = route('/personio/umbrella')
    const tokenless = route('/personio/initech')
    expect(unknown).toMatchObject({ token: expect.any(String) })
    expect(unknown?.company).toBeUndefined()
    expect(tokenless).toBe(unknown)
    expect(['Bearer acme-token', 'Bearer globex-token', '']).not.toContain(unknown?.token)
  })

  it('follows the directory at each request: a company added has its path at once, a removed one none', () => {
    const { rescan, route } = world()
    expect(route('/personio/umbrella')?.company).toBeUndefined()
    rescan((d) => d.set('umbrella', company('umbrella', 'hr-umbrella', 'Bearer umbrella-token')))
    expect(route('/personio/umbrella')).toMatchObject({ company: 'umbrella' })
    rescan((d) => d.delete('acme'))
    expect(route('/personio/acme')?.company).toBeUndefined()
    // a token changed in the company's file counts from the next request on
    rescan((d) => d.set('globex', company('globex', 'hr-globex', 'Bearer rotated-token')))
    expect(route('/personio/globex')).toMatchObject({ token: 'Bearer rotated-token' })
  })

  it('refuses to start without WEBHOOK_PUBLIC_URL, in one line that says what to set', async () => {
    const { companies } = world()
    const error = await startWebhookIngress({
      webhooks: loadConfig({ env: {} }).webhooks,
      logger: silentLogger,
      writer: { write: async () => undefined, close: async () => undefined },
      companies,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^WEBHOOK_PUBLIC_URL is not set: .*e\.g\. WEBHOOK_PUBLIC_URL=https:/),
    ])
  })
})
