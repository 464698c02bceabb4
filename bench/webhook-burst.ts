// Issue #30: a burst of webhooks (a bulk edit) against `run` following them, read one record at a
// time (WEBHOOK_BURST_MARGIN=0, as before the issue) and with the burst rule (the default), one
// side after the other in one run. Each side: `personio-kafka run --resources employees`
// (compiled, as deployed) against its own simulator (500 employees, Personio's real limits, real
// clock) and its own TOPIC_PREFIX, following an ENABLED subscription.
//
// The burst: 3,000 last-name edits, six per employee, made in the simulator (which records their
// `person.updated` events) and delivered by this bench to the receiver, 32 at a time, as fast as it
// acknowledges them (the simulator sends one at a time; Personio's pace for a bulk edit is not
// documented). Right after the last one is acknowledged, a single last-name change, delivered by
// the simulator. A read_committed consumer notes when each employee's final name arrives.
//
//   requests for the burst      the simulator's requests (no tokens) from the first edit until
//                               the burst is applied
//   burst applied               the first edit → every delivery applied (the inbox consumer
//                               group committed past them all) and every final name on the topic
//   single change → Kafka       the change → its record on the topic
//
// PK_BENCH_BURST_ONLY=rule skips the "by id" side (two minutes) while working on the rule.
import '../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { spawn, type ChildProcess } from 'node:child_process'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { createSchemaRegistry } from '../src/contract/registry'
import { createSerde } from '../src/contract/serde'
import { ensureInfra } from '../src/infra'
import { resources } from '../src/resources'
import { defaultCredential, startSimulator, type RunningSimulator } from '../src/simulator'
import { BENCH_WEBHOOK_TOKEN, benchSubscription } from './bench-webhooks'
import { compiledCli } from './compiled-cli'
import type { BenchFigure, BenchResult } from './run'
import { inboxGroupFor, inboxTopicFor } from '../src/webhooks/inbox'

const EMPLOYEES = Number(process.env.PK_BENCH_BURST_EMPLOYEES ?? 500)
const DELIVERIES = Number(process.env.PK_BENCH_BURST_DELIVERIES ?? 3000)
const IN_FLIGHT = 32
const TOKEN = BENCH_WEBHOOK_TOKEN
const APPLIED_TIMEOUT_MS = 300_000

type Infra = { brokers: string[]; registryUrl: string }

interface Side {
  label: string
  sim: RunningSimulator
  prefix: string
  url: string
  child: ChildProcess
  following: boolean
  /** the first listing of employees (the snapshot) is done */
  synced: boolean
  tail: string[]
  exited?: string
}

interface Outcome {
  label: string
  requests: number
  byEndpoint: Map<string, number>
  deliverySeconds: number
  appliedSeconds: number
  singleSeconds: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

async function waitFor(what: string, check: () => boolean, timeoutMs: number, side: Side): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (side.exited !== undefined)
      throw new Error(`${side.label}: run exited (${side.exited}):\n${side.tail.join('\n')}`)
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${side.tail.slice(-15).join('\n')}`)
    await sleep(100)
  }
}

async function startSide(label: string, infra: Infra, margin: number | undefined): Promise<Side> {
  const sim = await startSimulator({
    employees: EMPLOYEES,
    reports: 0,
    rateLimits: true,
    realClock: true,
    webhooks: { allowHttp: true },
  })
  const prefix = `benchburst${label.replace(/\W/g, '')}${Date.now().toString(36)}`
  const { url, env: receiver } = await benchSubscription(sim, resources.employees.webhookEvents ?? [])
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: defaultCredential.clientId,
    PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    TOPIC_PREFIX: prefix,
    TOPIC_REPLICATION_FACTOR: '1',
    METRICS_PORT: '0',
    PROGRESS: 'off',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'debug',
    ...receiver,
  }
  if (margin !== undefined) env.WEBHOOK_BURST_MARGIN = String(margin)
  const child = spawn(process.execPath, [compiledCli(), 'run', '--resources', 'employees'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const side: Side = { label, sim, prefix, url, child, following: false, synced: false, tail: [] }
  let partial = ''
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (line.includes("follow Personio's events")) side.following = true
      if (line.includes('"msg":"cycle done"')) {
        side.synced = true
        continue
      }
      if (line.includes('"level":20')) continue
      side.tail.push(line.slice(0, 400))
      if (side.tail.length > 40) side.tail.shift()
    }
  })
  child.once('exit', (code, signal) => (side.exited = signal ?? String(code)))
  return side
}

async function stopSide(side: Side): Promise<void> {
  if (side.exited === undefined) {
    const exit = new Promise((r) => side.child.once('exit', r))
    side.child.kill('SIGTERM')
    const timer = setTimeout(() => side.child.kill('SIGKILL'), 15_000)
    await exit
    clearTimeout(timer)
  }
  await side.sim.close()
}

/** Every employee's last name as it arrives on the topic (read_committed), with when. */
async function watchNames(side: Side, infra: Infra, seen: Map<number, { name: string; at: number }>) {
  const kafka = new Kafka({
    brokers: infra.brokers,
    clientId: 'bench-webhook-burst',
    logLevel: logLevel.NOTHING,
  })
  const consumer = kafka.consumer({
    groupId: `${side.prefix}-reader`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  })
  const serde = createSerde({
    registry: createSchemaRegistry({ url: infra.registryUrl }),
    keyFormat: 'avro',
    prefix: side.prefix,
  })
  let joined = false
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true))
  await consumer.connect()
  await consumer.subscribe({ topics: [`${side.prefix}.employees`], fromBeginning: false })
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = Date.now()
      if (message.key === null || message.value === null) return
      const id = Number((await serde.decodeKey(resources.employees, message.key)).id)
      const { record } = await serde.decodeValue(message.value)
      seen.set(id, { name: String(record.last_name), at })
    },
  })
  await waitFor(`${side.label}: the consumer to join`, () => joined, 60_000, side)
  return consumer
}

/** POSTs each envelope to the receiver, `IN_FLIGHT` at a time; every one must be acknowledged. */
async function deliver(url: string, bodies: readonly string[]): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: TOKEN, 'content-type': 'application/json' },
        body,
      })
      await res.arrayBuffer()
      if (res.status !== 202 && res.status !== 200) throw new Error(`the receiver answered ${res.status}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
}

/** Whether the run's inbox consumer group has committed past everything in the inbox. */
async function inboxCaughtUp(admin: Admin, side: Side): Promise<boolean> {
  const topic = inboxTopicFor(side.prefix)
  const [committed] = await admin.fetchOffsets({
    groupId: inboxGroupFor('personio-kafka', side.prefix, 'employees'),
    topics: [topic],
  })
  const ends = await admin.fetchTopicOffsets(topic)
  return ends.every(
    (p) =>
      (committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1') === p.high ||
      p.high === p.low,
  )
}

/** When the inbox is first caught up, checked every 100 ms from now. */
async function whenCaughtUp(infra: Infra, side: Side): Promise<number> {
  const admin = new Kafka({ brokers: infra.brokers, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    const deadline = Date.now() + APPLIED_TIMEOUT_MS
    for (;;) {
      const at = Date.now()
      if (await inboxCaughtUp(admin, side)) return at
      if (at > deadline) throw new Error(`${side.label}: the inbox was never caught up`)
      await sleep(100)
    }
  } finally {
    await admin.disconnect()
  }
}

const isAuth = (path: string) => /\/auth(\/|$)/.test(path)
const endpointOf = (e: { method: string; path: string; query: string }) =>
  `${e.method} ${e.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}${e.query === '' ? '' : '?…'}`

async function measure(label: string, infra: Infra, margin: number | undefined): Promise<Outcome> {
  const side = await startSide(label, infra, margin)
  try {
    await waitFor(
      `${label}: the first sync, following the webhooks`,
      () => side.following && side.synced,
      180_000,
      side,
    )
    const seen = new Map<number, { name: string; at: number }>()
    const consumer = await watchNames(side, infra, seen)
    try {
      await sleep(3_000) // the first gap fill done, the consumer at the end
      const { sim } = side
      const people = sim.company.list('employees').map((e) => e.id)
      const finalName = new Map<number, string>()
      const recordedBefore = sim.webhooks.recorded.length
      sim.webhooks.controls.set({ drop: { next: DELIVERIES } })
      const mark = sim.log.length
      const began = Date.now()
      for (let i = 0; i < DELIVERIES; i++) {
        const id = people[i % people.length] as number
        const name = `Burst ${Math.floor(i / people.length)} ${id}`
        sim.company.update('employees', id, { lastName: name })
        finalName.set(id, name)
      }
      const bodies = sim.webhooks.recorded.slice(recordedBefore).map((e) => JSON.stringify(e.envelope))
      sim.webhooks.controls.set({})
      await deliver(side.url, bodies)
      const delivered = Date.now()
      const caughtUp = whenCaughtUp(infra, side)
      caughtUp.catch(() => undefined) // awaited below, unless the run failed first
      // the single change, right behind the burst, delivered by the simulator as Personio would
      const single = people[people.length - 1] as number
      const singleAt = Date.now()
      sim.company.update('employees', single, { lastName: 'Single change' })
      finalName.set(single, 'Single change')
      await waitFor(
        `${label}: the single change on the topic`,
        () => seen.get(single)?.name === 'Single change',
        APPLIED_TIMEOUT_MS,
        side,
      )
      await waitFor(
        `${label}: every final name on the topic`,
        () => [...finalName].every(([id, name]) => seen.get(id)?.name === name),
        APPLIED_TIMEOUT_MS,
        side,
      )
      const applied = await caughtUp
      const during = sim.log.slice(mark).filter((e) => e.at <= applied && !isAuth(e.path))
      const byEndpoint = new Map<string, number>()
      for (const e of during) byEndpoint.set(endpointOf(e), (byEndpoint.get(endpointOf(e)) ?? 0) + 1)
      return {
        label,
        requests: during.length,
        byEndpoint,
        deliverySeconds: (delivered - began) / 1000,
        appliedSeconds: (applied - began) / 1000,
        singleSeconds: ((seen.get(single)?.at ?? NaN) - singleAt) / 1000,
      }
    } finally {
      await consumer.disconnect().catch(() => undefined)
    }
  } finally {
    await stopSide(side)
  }
}

const round = (n: number) => Number(n.toFixed(2))

export async function webhookBurst(): Promise<BenchResult> {
  const infra = await ensureInfra()
  compiledCli() // built once, before any clock starts
  const outcomes: Outcome[] = []
  if (process.env.PK_BENCH_BURST_ONLY !== 'rule') outcomes.push(await measure('by id', infra, 0))
  outcomes.push(await measure('burst rule', infra, undefined))
  const out = ['', `${DELIVERIES} person.updated deliveries for ${EMPLOYEES} employees, then one change`]
  for (const o of outcomes) {
    out.push(
      `  ${o.label}: ${o.requests} requests for the burst (${[...o.byEndpoint].map(([e, n]) => `${e} ${n}`).join(', ')}); ` +
        `delivered in ${o.deliverySeconds.toFixed(1)} s, applied after ${o.appliedSeconds.toFixed(1)} s; ` +
        `the single change → Kafka ${o.singleSeconds.toFixed(2)} s`,
    )
  }
  process.stderr.write(`${out.join('\n')}\n\n`)
  const figures: BenchFigure[] = outcomes.flatMap((o) => [
    { name: `${o.label}: requests for the burst`, value: o.requests, unit: 'requests' },
    { name: `${o.label}: deliveries acknowledged`, value: round(o.deliverySeconds), unit: 's' },
    { name: `${o.label}: burst applied`, value: round(o.appliedSeconds), unit: 's' },
    { name: `${o.label}: single change → Kafka`, value: round(o.singleSeconds), unit: 's' },
  ])
  return {
    bench: 'webhook-burst',
    figures,
    notes: `${DELIVERIES} deliveries (${IN_FLIGHT} in flight) for ${EMPLOYEES} employees, then one change; by id = WEBHOOK_BURST_MARGIN=0`,
  }
}
