// The checks behind `personio-kafka doctor`. Each check answers with lines of a checklist: what was
// looked at, whether it is fine, and what to change when it is not. A check never throws: a failure
// is a finding, explained in the same words the other commands use (report-error.ts).
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ResourcePatternTypes,
  type Admin,
} from 'kafkajs'
import type { Config } from '../config'
import { dlqTopic, topicFor } from '../contract/naming'
import { createSchemaRegistry } from '../contract/registry'
import { createKafka } from '../kafka/kafkajs/client'
import { entityTopicSpec, topicConflict } from '../kafka/topic-policy'
import { kafkaUnreachable } from '../kafka/unreachable'
import type { Logger } from '../ops/logger'
import { createPersonioClient } from '../personio'
import { rateSettings } from '../personio/rate-settings'
import { resourceNames, resources } from '../resources'
import { aclFix, aclNeeds, isAllowed } from './doctor-acls'
import { describeError } from './report-error'
import { judge, subjectsOf } from './schemas'

export type Verdict = 'ok' | 'fix' | 'skip'
export interface Finding {
  area: 'personio' | 'kafka' | 'registry' | 'webhooks'
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
  const admin = createKafka({ ...config.kafka, logger }).admin()
  const out: Finding[] = []
  try {
    // not reaching the brokers is said as run and status say it, naming KAFKA_BROKERS
    const cluster = await admin
      .connect()
      .then(() => admin.describeCluster())
      .catch((error: unknown) => {
        throw kafkaUnreachable(config.kafka.brokers, error)
      })
    out.push(
      f(
        'ok',
        `brokers reachable at ${config.kafka.brokers.join(',')} (${cluster.brokers.length} in the cluster)`,
      ),
    )
    out.push(...(await checkAcls(admin, config)))
    const existing = new Set(await admin.listTopics())
    const specs = resourceNames.map((n) => entityTopicSpec(topicFor(config.topics.prefix, n), config.topics))
    const present = specs.filter((s) => existing.has(s.topic))
    if (present.length < specs.length)
      out.push(
        f('ok', `${specs.length - present.length} topic(s) missing, created compacted on the first run`),
      )
    if (present.length > 0) {
      const { resources: described } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic })),
      })
      for (const spec of present) {
        const entries = described.find((r) => r.resourceName === spec.topic)?.configEntries ?? []
        const conflict = topicConflict(
          spec,
          Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
        )
        out.push(conflict === undefined ? f('ok', `topic ${spec.topic} is compacted`) : f('fix', conflict))
      }
    }
    if (existing.has(dlqTopic(config.topics.prefix)))
      out.push(f('ok', `dead-letter topic ${dlqTopic(config.topics.prefix)} exists`))
  } catch (error) {
    out.push(f('fix', explain(error)))
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
  return out
}

async function checkAcls(admin: Admin, config: Config): Promise<Finding[]> {
  const principal = `User:${config.kafka.saslUsername ?? 'ANONYMOUS'}`
  let resources
  try {
    ;({ resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    }))
  } catch (error) {
    const type = (error as { type?: string }).type
    if (type === 'SECURITY_DISABLED')
      return [{ area: 'kafka', verdict: 'ok', text: 'brokers have no authorizer: no ACLs to check' }]
    return [
      {
        area: 'kafka',
        verdict: 'skip',
        text: `cannot read the ACLs (${(error as Error).message}); a denied operation will name itself on the first run`,
      },
    ]
  }
  return aclNeeds(config.topics.prefix).map((need) =>
    isAllowed(resources, principal, need)
      ? { area: 'kafka', verdict: 'ok', text: `ACLs let ${principal} ${need.what}` }
      : {
          area: 'kafka',
          verdict: 'fix',
          text: `ACLs do not let ${principal} ${need.what}: ${aclFix(principal, need)}`,
        },
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
