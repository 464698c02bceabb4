// Which webhook events the selected resources need (each resource declares its own), and the
// subscription `webhooks register` wants: every missing setting said at once, in one line each.
import { exitCodes } from '../../../src/cli/exit-codes'
import type { Company, CompanyDirectory } from '../../../src/companies/company'
import { loadConfig, type Config } from '../../../src/config'
import { ConfigError, PersonioHttpError } from '../../../src/errors'
import type { DesiredWebhook, WebhookSubscription } from '../../../src/personio/webhooks'
import {
  desiredWebhook,
  registerCompanies,
  webhookEventsFor,
  webhookResources,
} from '../../../src/cli/webhook-setup'

const token = 'tok-0123456789abcdefghijklmnop'
const env = {
  WEBHOOK_PUBLIC_URL: 'https://hooks.example.com/personio',
  WEBHOOK_TOKEN: token,
  TOPIC_PREFIX: 'hr',
}

function problems(run: () => unknown): readonly string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('cli > webhook-setup', () => {
  it('maps resources to their events: employees to persons and employments, absences and attendances to their periods', () => {
    expect(webhookEventsFor(['employees'])).toEqual([
      'person.created',
      'person.updated',
      'person.deleted',
      'employment.created',
      'employment.updated',
      'employment.deleted',
      'employment.started',
      'employment.terminated',
    ])
    const absence = [
      'absence-period.created',
      'absence-period.updated.timerange',
      'absence-period.updated.status',
      'absence-period.deleted',
    ]
    expect(webhookEventsFor(['absences'])).toEqual(absence)
    expect(webhookEventsFor(['absences', 'absence_periods'])).toEqual(absence)
    expect(webhookEventsFor(['attendances', 'projects', 'absence_types'])).toEqual([
      'attendance-period.created',
      'attendance-period.updated',
      'attendance-period.deleted',
    ])
    expect(webhookResources).toEqual(['employees', 'absences', 'absence_periods', 'attendances'])
  })

  it('wants an ENABLED token subscription for WEBHOOK_PUBLIC_URL, described by the topic prefix', () => {
    const config = loadConfig({ env })
    expect(desiredWebhook(config, ['employees', 'attendances'])).toEqual({
      url: 'https://hooks.example.com/personio',
      description: 'personio-kafka hr',
      status: 'ENABLED',
      auth_type: 'TOKEN',
      token,
      enabled_events: [...webhookEventsFor(['employees']), ...webhookEventsFor(['attendances'])],
    })
  })

  it('says every missing piece at once', () => {
    const config = loadConfig({ env: {} })
    expect(problems(() => desiredWebhook(config, ['projects']))).toEqual([
      expect.stringMatching(/^WEBHOOK_PUBLIC_URL is not set: .* e\.g\. WEBHOOK_PUBLIC_URL=https:\/\//),
      expect.stringMatching(/^WEBHOOK_TOKEN is not set: .*WEBHOOK_TOKEN_FILE.*24 characters/),
      expect.stringMatching(/^none of the selected resources \(projects\) has webhook events/),
    ])
  })

  it('refuses a short token and a URL that is none, without printing the token', () => {
    const found = problems(() =>
      loadConfig({ env: { WEBHOOK_TOKEN: 'short-secret', WEBHOOK_PUBLIC_URL: 'hooks' } }),
    )
    expect(found).toEqual([
      expect.stringMatching(/^WEBHOOK_PUBLIC_URL \(webhooks\.publicUrl\) must be an http\(s\) URL/),
      expect.stringMatching(/^WEBHOOK_TOKEN \(webhooks\.token\) must NOT have fewer than 24 characters/),
    ])
    expect(found.join('\n')).not.toContain('short-secret')
  })

  describe('register for every company', () => {
    const base = loadConfig({
      env: { WEBHOOK_PUBLIC_URL: 'https://hooks.example.com/personio', CAPTURE_RESOURCES: 'employees' },
    })
    const company = (id: string, webhookToken?: string): Company => ({
      spec: {
        id,
        prefix: `hr-${id}`,
        personio: { clientId: `${id}-client`, clientSecretFile: `${id}.secret` },
      },
      file: `/companies/${id}.json`,
      clientSecret: `${id}-secret`,
      ...(webhookToken === undefined ? {} : { webhookToken }),
      fingerprint: id,
    })
    const tokenOf = (id: string) => `Bearer ${id}-token-0123456789abcdef`

    /** One Personio account per client id: its subscriptions, and whether it refuses the credentials. */
    function personio(accounts: Record<string, { subscriptions: WebhookSubscription[]; refuses?: boolean }>) {
      const created: { account: string; desired: DesiredWebhook }[] = []
      const clientFor = (config: Config) => {
        const account = config.personio.clientId as string
        const a = accounts[account] ?? (accounts[account] = { subscriptions: [] })
        const refused = async () => {
          throw new PersonioHttpError('Personio answered 401 Unauthorized to POST /v2/auth/token', {
            status: 401,
            method: 'POST',
            endpoint: '/v2/auth/token',
          })
        }
        if (a.refuses === true) return { list: refused, create: refused, update: refused, remove: refused }
        return {
          list: async () => a.subscriptions,
          create: async (desired: DesiredWebhook) => {
            created.push({ account, desired })
            const w = { ...desired, id: `wh-${account}`, enabled_events: [...desired.enabled_events] }
            a.subscriptions.push(w)
            return w
          },
          update: async () => a.subscriptions[0] as WebhookSubscription,
          remove: async () => undefined,
        }
      }
      return { created, clientFor }
    }

    it('registers each company at its own URL with its own account and token, one line each, the rest done when one fails', async () => {
      const upToDate = desiredWebhook(
        {
          ...base,
          topics: { ...base.topics, prefix: 'hr-globex' },
          webhooks: {
            ...base.webhooks,
            publicUrl: 'https://hooks.example.com/personio/globex',
            token: tokenOf('globex'),
          },
        },
        ['employees'],
      )
      const world = personio({
        'aaa-client': { subscriptions: [], refuses: true },
        'globex-client': {
          subscriptions: [{ ...upToDate, id: 'wh-old', enabled_events: [...upToDate.enabled_events] }],
        },
      })
      const directory: CompanyDirectory = {
        companies: new Map([
          ['globex', company('globex', tokenOf('globex'))],
          ['aaa', company('aaa', tokenOf('aaa'))],
          ['acme', company('acme', tokenOf('acme'))],
          ['initech', company('initech')],
        ]),
        refused: [
          { file: '/companies/bad.json', id: 'bad', why: '/companies/bad.json: not JSON (Unexpected token)' },
        ],
      }
      const result = await registerCompanies(base, directory, undefined, world.clientFor)
      expect(result.lines).toEqual([
        expect.stringMatching(/^aaa: failed: Personio answered 401 Unauthorized/),
        'acme: registered: created webhook wh-acme-client for https://hooks.example.com/personio/acme, 8 event(s)',
        'bad: failed: /companies/bad.json: not JSON (Unexpected token)',
        'globex: already registered: webhook wh-old for https://hooks.example.com/personio/globex, ENABLED, 8 event(s)',
        expect.stringMatching(/^initech: failed: \/companies\/initech\.json names no webhookTokenFile/),
      ])
      expect(result.exitCode).toBe(exitCodes.personio.code)
      expect(world.created).toEqual([
        {
          account: 'acme-client',
          desired: expect.objectContaining({
            url: 'https://hooks.example.com/personio/acme',
            token: tokenOf('acme'),
            description: 'personio-kafka hr-acme',
          }),
        },
      ])
    })

    it('exits 0 when every company is registered', async () => {
      const world = personio({})
      const directory: CompanyDirectory = {
        companies: new Map([['acme', company('acme', tokenOf('acme'))]]),
        refused: [],
      }
      expect(await registerCompanies(base, directory, undefined, world.clientFor)).toEqual({
        lines: [
          'acme: registered: created webhook wh-acme-client for https://hooks.example.com/personio/acme, 8 event(s)',
        ],
        exitCode: 0,
      })
    })
  })
})
