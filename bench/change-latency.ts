// From a change in Personio to its event in Kafka: `personio-kafka run --resources employees` (a
// child process) polls every 30 s (PK_BENCH_LATENCY_INTERVAL_MS) under Personio's real limits;
// employees are edited at random moments over PK_BENCH_LATENCY_SECONDS (default 150); a
// read_committed consumer notes when each edit's event arrives. p50/p95/max of the delays over
// PK_BENCH_LATENCY_SAMPLES (default 15) edits. With polling alone the floor is the wait for the
// next poll: uniform over the interval, so p95 ≈ 0.95 × interval plus one cycle.
import '../src/kafka/kafkajs/aborted-filter'
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry } from '../src/contract/registry'
import { createSerde } from '../src/contract/serde'
import { resources } from '../src/resources'
import { startSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchResult } from './run'
import { spawnRunEmployees } from './run-child'

const INTERVAL = Number(process.env.PK_BENCH_LATENCY_INTERVAL_MS ?? 30_000)
const SECONDS = Number(process.env.PK_BENCH_LATENCY_SECONDS ?? 150)
const SAMPLES = Number(process.env.PK_BENCH_LATENCY_SAMPLES ?? 15)

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

export async function changeLatency(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const sim = await startSimulator({ employees: 500, rateLimits: true, realClock: true, reports: 0 })
  const prefix = `benchlat${Date.now().toString(36)}`
  const topic = `${prefix}.employees`
  const child = spawnRunEmployees(sim, infra, { TOPIC_PREFIX: prefix, POLL_INTERVAL_MS: String(INTERVAL) })
  let log = ''
  const firstCycle = new Promise<void>((resolve) =>
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString()
      if (log.includes('"msg":"cycle done"')) resolve()
    }),
  )
  const kafka = new Kafka({ brokers: infra.brokers, clientId: 'bench-latency', logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({
    groupId: `${prefix}-reader`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  })
  const serde = createSerde({
    registry: createSchemaRegistry({ url: infra.registryUrl }),
    keyFormat: 'avro',
    prefix,
  })
  const editedAt = new Map<number, number>()
  const delays: number[] = []
  try {
    await firstCycle
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: false })
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key === null || message.headers?.__op?.toString() !== 'u') return
        const id = Number((await serde.decodeKey(resources.employees, message.key)).id)
        const at = editedAt.get(id)
        if (at === undefined) return
        editedAt.delete(id)
        delays.push(Date.now() - at)
      },
    })
    await new Promise((r) => setTimeout(r, 3_000)) // the consumer joined and sits at the end
    const ids = sim.company.list('employees').map((e) => e.id)
    const moments = Array.from({ length: SAMPLES }, () => Math.random() * SECONDS * 1000).sort(
      (a, b) => a - b,
    )
    const start = Date.now()
    for (const [i, moment] of moments.entries()) {
      await new Promise((r) => setTimeout(r, Math.max(0, start + moment - Date.now())))
      const id = ids[i] as number
      editedAt.set(id, Date.now())
      sim.company.update('employees', id, { position: `Edited ${i}` })
    }
    const until = Date.now() + INTERVAL * 2 + 10_000
    while (editedAt.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200))
    const sorted = [...delays].sort((a, b) => a - b)
    return {
      bench: 'change-latency',
      figures: [
        {
          name: `p50 change → Kafka, ${INTERVAL / 1000} s interval`,
          value: Number((percentile(sorted, 50) / 1000).toFixed(1)),
          unit: 's',
        },
        {
          name: `p95 change → Kafka, ${INTERVAL / 1000} s interval`,
          value: Number((percentile(sorted, 95) / 1000).toFixed(1)),
          unit: 's',
        },
        { name: 'max', value: Number(((sorted[sorted.length - 1] ?? NaN) / 1000).toFixed(1)), unit: 's' },
        { name: 'edits seen / made', value: delays.length, unit: `of ${SAMPLES}` },
      ],
      notes: `500 employees, Personio's real limits on, edits at random moments over ${SECONDS} s`,
    }
  } finally {
    await consumer.disconnect().catch(() => undefined)
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    await sim.close()
  }
}

if (require.main === module) void changeLatency().then((r) => console.log(JSON.stringify(r, null, 2)))
