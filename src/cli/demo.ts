// `personio-kafka demo`: the whole flow on one machine, no Personio account. The bundled simulator
// plays Personio, the local Kafka and schema registry start when none is configured, the producer
// runs, scripted changes and deletes happen in the simulated company, and the decoded events are
// shown arriving — a live table on a terminal, one line per change elsewhere. The simulator
// delivers Personio's webhooks to a receiver on this machine, so the resources they announce
// (employees, absences, attendances) arrive through deliveries; `--no-webhooks` polls everything.
import type { Command } from 'commander'
import { openEngine } from '../capture/engine/engine'
import { loadConfig } from './load-config'
import { createSchemaRegistry } from '../contract/registry'
import { createSerde } from '../contract/serde'
import { topicFor } from '../contract/naming'
import { valueSchema } from '../contract/schema-builder'
import { buildFrame, Screen } from '../demo/frame'
import { LiveTable, shownAs, summarise } from '../demo/live-table'
import { demoSteps } from '../demo/script'
import { InfraError } from '../errors'
import { watchTopics } from '../kafka'
import { createLogger } from '../ops/logger'
import { resourceNames, resources } from '../resources'
import { defaultCredential, startSimulator } from '../simulator'
import { integer } from './arguments'
import { runCompaniesDemo } from './demo-companies'
import { deliveryLine, demoWebhookEnv, subscribeDemoReceiver } from './demo-webhooks'

async function localInfra(env: NodeJS.ProcessEnv): Promise<void> {
  if (env.KAFKA_BROKERS !== undefined && env.SCHEMA_REGISTRY_URL !== undefined) return
  process.stderr.write('starting (or reusing) the local Kafka and schema registry …\n')
  let infra: typeof import('../infra')
  try {
    // require, not import(): under Node 22+ a dynamic import() from CommonJS goes through the ESM
    // loader, which neither resolves a folder nor (without tsx's ESM hooks) a .ts file
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    infra = require('../infra') as typeof import('../infra')
  } catch {
    throw new InfraError(
      'the local Kafka and registry scripts are not part of this installation; set KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or run the demo from a checkout',
    )
  }
  const up = await infra.ensureInfra()
  env.KAFKA_BROKERS = up.brokers.join(',')
  env.SCHEMA_REGISTRY_URL = up.registryUrl
  env.TOPIC_REPLICATION_FACTOR ??= '1'
}

interface DemoOptions {
  employees: number
  /** many companies on two workers of a group (issue #28) */
  companies?: number
  duration?: number
  kafkaFromEnv?: boolean
  /** false with --no-webhooks */
  webhooks: boolean
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole flow on this machine, no Personio account: simulator, local Kafka and registry, producer, live table of events',
    )
    .option('--employees <n>', 'employees of the simulated company', integer(1, 10_000, 50), 50)
    .option(
      '--duration <seconds>',
      'stop after this long (default: Ctrl-C on a terminal, 60 s elsewhere)',
      integer(10, 86_400, 60),
    )
    .option(
      '--kafka-from-env',
      'use the Kafka and registry of KAFKA_BROKERS and SCHEMA_REGISTRY_URL (and their security settings) instead of the local ones; the demo still writes under a topic prefix of its own',
    )
    .option(
      '--companies <n>',
      'many simulated companies served by two workers of one group; half way one worker stops and its companies move (issue #28)',
      integer(2, 20, 3),
    )
    .option(
      '--no-webhooks',
      "poll every resource instead of following the simulator's webhooks (by default employees, absences and attendances arrive through deliveries to a local receiver)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personio-kafka demo\n  $ npm run demo\n  $ personio-kafka demo --employees 200 --duration 120\n  $ personio-kafka demo --no-webhooks       # polling only\n  $ personio-kafka demo --companies 3       # many companies, two workers, a failover',
    )
    .action(async (o: DemoOptions) => {
      // The demo never touches a deployment: settings exported for `run` are not its own. It uses
      // the local Kafka and registry unless told otherwise, and always a fresh topic prefix and its
      // own client id, so its topics, state and transactional ids (personio-kafka.<prefix>.*) are
      // never a running producer's. A fresh prefix also because the simulated company is new each
      // time: a state topic left by an earlier demo would (rightly) turn its differences into deletes.
      const env: NodeJS.ProcessEnv = { ...process.env }
      if (o.kafkaFromEnv !== true)
        for (const name of Object.keys(env)) if (/^(KAFKA_|SCHEMA_REGISTRY_)/.test(name)) delete env[name]
      const fromEnv = env.KAFKA_BROKERS !== undefined && env.SCHEMA_REGISTRY_URL !== undefined
      await localInfra(env)
      env.TOPIC_PREFIX = `demo-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`
      env.KAFKA_CLIENT_ID = 'personio-kafka-demo'
      env.POLL_INTERVAL_MS ??= '3000'
      env.RECONCILE_INTERVAL_MS ??= '0' // deletes show within one cycle
      env.LOG_LEVEL ??= 'warn'
      env.PROGRESS = 'off'
      // a person watches: warnings as readable lines, shown by the demo itself (never torn into its table)
      env.LOG_FORMAT = 'pretty'
      env.METRICS_PORT ??= '0'
      await demoWebhookEnv(env, o.webhooks && o.companies === undefined)
      const config = loadConfig({ env })
      if (o.companies !== undefined) {
        const logger = createLogger(config.log)
        return runCompaniesDemo(config, logger, {
          companies: o.companies,
          employees: o.employees,
          durationMs: (o.duration ?? 60) * 1000,
          stamp: config.topics.prefix,
        })
      }
      process.stderr.write(
        `demo: Kafka ${config.kafka.brokers.join(',')} and registry ${config.registry.url} (${fromEnv ? 'from KAFKA_BROKERS and SCHEMA_REGISTRY_URL, --kafka-from-env' : 'local'}), topic prefix ${config.topics.prefix}, client id ${config.kafka.clientId}\n`,
      )
      const tty = process.stdout.isTTY === true
      // While the frame is on screen, warnings are shown in it; before and after, as plain lines.
      const logs: string[] = []
      let framed = false
      const logger = createLogger(config.log, {
        isTTY: true, // with LOG_FORMAT=pretty: one readable line per warning, wherever it goes
        write: (line: string) => {
          if (!framed) return void process.stdout.write(line.endsWith('\n') ? line : `${line}\n`)
          logs.push(line.trim())
          if (logs.length > 20) logs.shift()
        },
      })
      const duration = (o.duration ?? (tty ? 0 : 60)) * 1000
      const sim = await startSimulator({
        employees: o.employees,
        realClock: true,
        rateLimits: false,
        // Personio delivers only to https; the demo's receiver is plain http on this machine
        webhooks: { allowHttp: true },
      })
      const engine = await openEngine({
        config,
        logger,
        personio: { baseUrl: sim.url, ...defaultCredential },
      })
      const hooks = await subscribeDemoReceiver(config, engine, sim)
      let started = false
      const delivery = (done = false) =>
        deliveryLine(hooks, config.capture.pollIntervalMs, { started, done, noWebhooks: !o.webhooks })
      const serde = createSerde({
        registry: createSchemaRegistry({ url: config.registry.url }),
        keyFormat: config.topics.keyFormat,
        prefix: config.topics.prefix,
      })
      const byTopic = new Map(resourceNames.map((n) => [topicFor(config.topics.prefix, n), resources[n]]))
      const dates = new Map(resourceNames.map((n) => [n, shownAs(valueSchema(resources[n]))]))
      const table = new LiveTable(tty ? 50 : 0)
      const reader = await watchTopics({
        brokers: config.kafka.brokers,
        clientId: 'personio-kafka-demo',
        topics: [...byTopic.keys()],
        onRecord: async (topic, recordKey, recordValue) => {
          const resource = byTopic.get(topic)
          if (resource === undefined || recordKey === null) return
          const key = JSON.stringify(Object.values(await serde.decodeKey(resource, recordKey)))
          const value = recordValue === null ? null : await serde.decodeValue(recordValue)
          const op = value?.meta.op ?? 'd'
          const summary = summarise(value?.record ?? null, dates.get(resource.name))
          table.add({ at: Date.now(), topic: resource.name, op, key, summary })
          if (!tty && op !== 'r') console.log(`${op}  ${topic}  ${key}  ${summary}`)
        },
      })
      let note = `producer running against the simulator (${sim.url}); Kafka ${config.kafka.brokers.join(',')}`
      const screen = new Screen((text) => process.stdout.write(text))
      const draw = () => {
        if (!tty) return
        const size = { rows: process.stdout.rows ?? 24, columns: process.stdout.columns ?? 80 }
        const parts = {
          title: `personio-kafka demo — topics ${config.topics.prefix}.* — Ctrl-C to stop`,
          status: [delivery(), note],
          counts: table.countLines(),
          events: table.eventLines(),
          logs,
        }
        screen.show(buildFrame(parts, size))
      }
      framed = tty
      // Looked at four times a second (events, warnings, the delivery count and the terminal's
      // size all change the frame), drawn only when it differs from what is on screen: a snapshot
      // of thousands of events is a few redraws a second, an idle demo none.
      const redraw = setInterval(draw, 250)
      const steps = demoSteps()
      let stopping = false
      const finished = new Promise<void>((resolve) => {
        const stop = () => {
          if (stopping) return
          stopping = true
          resolve()
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        if (duration > 0) setTimeout(stop, duration).unref()
      })
      // the first cycle comes once run has decided which resources follow the webhooks
      const running = engine.run(() => (started = true))
      // Pauses a Ctrl-C ends at once: the demo stops in well under a second.
      const pause = (ms: number) => Promise.race([new Promise((r) => setTimeout(r, ms).unref()), finished])
      // Let the first snapshot land, then change the company every few seconds.
      const script = (async () => {
        await pause(8_000)
        if (!tty && !stopping) console.log(`-- ${delivery()}`)
        for (const step of steps) {
          if (stopping) return
          step.run(sim.company)
          note = `in the simulator: ${step.say}`
          if (!tty) console.log(`-- ${note}`)
          draw()
          await pause(5_000)
        }
        note = 'all scripted changes made; the topics now equal the simulated company. Ctrl-C to stop.'
      })()
      await finished
      clearInterval(redraw)
      draw()
      if (framed) process.stdout.write('\n') // the frame is final: what is said from here goes below it
      framed = false
      await engine.stop()
      await running.catch(() => undefined)
      await script.catch(() => undefined)
      await reader.stop()
      await engine.close()
      await sim.close()
      if (!tty) process.stdout.write(`\nevents per resource and op:\n${table.countLines().join('\n')}\n`)
      console.log(delivery(true))
      console.log(
        `\nTopics ${config.topics.prefix}.* on Kafka ${config.kafka.brokers.join(',')}, schemas at ${config.registry.url}. ` +
          'Stop the local Kafka and registry with: npm run infra:down',
      )
    })
}
