// Which webhook events the selected resources need (each resource declares its own), and the
// subscription `webhooks register` wants: every missing setting said at once, in one line each.
import { loadConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'
import { desiredWebhook, webhookEventsFor, webhookResources } from '../../../src/cli/webhook-setup'

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
})
