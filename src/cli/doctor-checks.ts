// The checks behind `personio-kafka doctor`. Each check answers with lines of a checklist: what was
// looked at, whether it is fine, and what to change when it is not. A check never throws: a failure
// is a finding, explained in the same words the other commands use (report-error.ts).
import type { Config } from '../config'
import { dlqTopic, topicFor } from '../contract/naming'
import { createSchemaRegistry } from '../contract/registry'
import { kafkaTools, type ClusterInspection } from '../kafka'
import { entityTopicSpec, topicConflict } from '../kafka/topic-policy'
import type { Logger } from '../ops/logger'
import { createPersonioClient } from '../personio'
import { rateSettings } from '../personio/rate-settings'
import { resourceNames, resources } from '../resources'
import { describeError } from './report-error'
import { judge, subjectsOf } from './schemas'

export type Verdict = 'ok' | 'fix' | 'skip'
export interface Finding {
  area: 'companies' | 'personio' | 'kafka' | 'registry' | 'webhooks'
  verdict: Verdict
  text: string
}

/** The person-readable explanation of a failure, without our "error: <class>:" prefix. */
const explain = (error: unknown): string =>
  (describeError(error, false).lines[0] ?? String(error)).replace(/^error: [^:]+: /, '')

export async function checkPersonio(config: Config, logger: Logger): Promise<Finding[]> {
  const f = (verdict: Verdict, text: string): Finding => ({ area: 'personio', verdict, text })
  if (config.personio.clientId === undefined)
    return [
      f(
        'fix',
        'PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET are not set: run, sync and snapshot refuse to start without them ' +
          '(set both, or their *_FILE variants; `personio-kafka demo` needs none)',
      ),
    ]
  const client = createPersonioClient({
    baseUrl: config.personio.baseUrl,
    credentials: {
      clientId: config.personio.clientId ?? '',
      clientSecret: config.personio.clientSecret ?? '',
    },
    appId: config.personio.appId,
    partnerId: config.personio.partnerId,
    timeoutMs: config.personio.timeoutMs,
    ...rateSettings(config.personio),
    retry: { maxAttempts: 1 },
    logger,
  })
  const out: Finding[] = []
  try {
    const attributes = await client.employees.attributes()
    out.push(f('ok', `credentials accepted; ${attributes.length} employee attributes readable`))
    if (attributes.some((a) => a.key === 'last_modified_at'))
      out.push(f('ok', 'attribute whitelist includes last_modified_at (incremental employee reads)'))
    else
      out.push(
        f(
          'fix',
          'attribute whitelist lacks last_modified_at: employee changes cannot be read incrementally. In Personio: ' +
            'Settings → Integrations → API credentials → this credential → Readable employee attributes → add "Last modified"',
        ),
      )
  } catch (error) {
    return [f('fix', explain(error))]
  }
  for (const name of resourceNames) {
    const source = resources[name].source
    if (source.path.includes('{')) continue // read per parent record; covered by its parent's access
    const target = `${source.api === 'v1' ? '/v1' : ''}${source.path}?limit=1`
    try {
      await client.http.getJson(target)
      out.push(f('ok', `may read ${name} (${target.replace(/\?.*/, '')})`))
    } catch (error) {
      out.push(
        f('fix', `cannot read ${name}: ${explain(error)}; grant the credential access to it in Personio`),
      )
    }
  }
  return out
}

export async function checkKafka(config: Config, logger: Logger): Promise<Finding[]> {
  const f = (verdict: Verdict, text: string): Finding => ({ area: 'kafka', verdict, text })
  const admin = kafkaTools(config.kafka, logger).inspect()
  const out: Finding[] = []
  try {
    // not reaching the brokers is said as run and status say it, naming KAFKA_BROKERS
    const cluster = await admin.cluster()
    out.push(
      f('ok', `brokers reachable at ${config.kafka.brokers.join(',')} (${cluster.brokers} in the cluster)`),
    )
    out.push(...(await checkAcls(admin, config)))
    const existing = new Set(await admin.topics())
    const specs = resourceNames.map((n) => entityTopicSpec(topicFor(config.topics.prefix, n), config.topics))
    const present = specs.filter((s) => existing.has(s.topic))
    if (present.length < specs.length)
      out.push(
        f('ok', `${specs.length - present.length} topic(s) missing, created compacted on the first run`),
      )
    if (present.length > 0) {
      const described = await admin.topicConfigs(present.map((s) => s.topic))
      for (const spec of present) {
        const conflict = topicConflict(spec, described[spec.topic] ?? {})
        out.push(conflict === undefined ? f('ok', `topic ${spec.topic} is compacted`) : f('fix', conflict))
      }
    }
    if (existing.has(dlqTopic(config.topics.prefix)))
      out.push(f('ok', `dead-letter topic ${dlqTopic(config.topics.prefix)} exists`))
  } catch (error) {
    out.push(f('fix', explain(error)))
  } finally {
    await admin.close()
  }
  return out
}

async function checkAcls(admin: ClusterInspection, config: Config): Promise<Finding[]> {
  const principal = `User:${config.kafka.saslUsername ?? 'ANONYMOUS'}`
  const acls = await admin.acls(principal, config.topics.prefix)
  if (acls.kind === 'no-authorizer')
    return [{ area: 'kafka', verdict: 'ok', text: 'brokers have no authorizer: no ACLs to check' }]
  if (acls.kind === 'unreadable')
    return [
      {
        area: 'kafka',
        verdict: 'skip',
        text: `cannot read the ACLs (${acls.why}); a denied operation will name itself on the first run`,
      },
    ]
  return acls.verdicts.map((v) =>
    v.allowed
      ? { area: 'kafka', verdict: 'ok', text: `ACLs let ${principal} ${v.what}` }
      : { area: 'kafka', verdict: 'fix', text: `ACLs do not let ${principal} ${v.what}: ${v.fix}` },
  )
}

export async function checkRegistry(config: Config): Promise<Finding[]> {
  const f = (verdict: Verdict, text: string): Finding => ({ area: 'registry', verdict, text })
  const registry = createSchemaRegistry({
    url: config.registry.url,
    username: config.registry.username,
    password: config.registry.password,
    timeoutMs: 5_000,
  })
  const out: Finding[] = []
  try {
    const subjects = await registry.subjects()
    out.push(f('ok', `registry reachable at ${config.registry.url} (${subjects.length} subjects)`))
    for (const s of subjectsOf(config, undefined)) {
      if (!subjects.includes(s.subject)) continue
      const level = await registry.compatibility(s.subject)
      const verdict = judge(s, await registry.check(s.subject, s.schema))
      out.push(f(verdict.ok ? 'ok' : 'fix', `${s.subject} (${level}): ${verdict.line}`))
    }
    if (!out.some((x) => x.text.includes('-value (')))
      out.push(f('ok', `no subjects under ${config.topics.prefix}.* yet: registered on the first run`))
  } catch (error) {
    out.push(f('fix', explain(error)))
  }
  return out
}
