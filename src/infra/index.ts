// ensureInfra / stopInfra / describeInfra: the programmatic face of the local infrastructure, used
// by `npm run infra:*` and by the jest global setup. Idempotent: running services are reused.
import { randomUUID } from 'node:crypto'
import { InfraError } from '../errors'
import { ensureKafkaJars, ensureRegistry } from './download'
import { marker, prepareStorage, startKafka } from './kafka'
import { layout, preferredPorts, versions } from './layout'
import { choosePort } from './ports'
import { checkPrerequisites } from './prerequisites'
import { isOurs, logSince, logSize, stop } from './processes'
import { kafkaIsOurs, registryIsOurs, waitForKafka, waitForRegistry } from './readiness'
import { registryUrl, startRegistry } from './registry'
import {
  ensureCertificates,
  listenerAddresses,
  preferredSecurePorts,
  writeListeners,
} from './secure-listeners'
import { readState, withLock, writeState, type InfraState, type ServiceState } from './state'

export interface InfraEndpoints {
  brokers: string[]
  registryUrl: string
  /** false when everything was already running (then the caller must not stop it) */
  startedByUs: boolean
}

const brokersOf = (s: ServiceState) => [`127.0.0.1:${s.port}`]
/** A broker started before the SASL/SSL listeners existed is restarted with them. */
const hasSecureListeners = (s: ServiceState) => s.saslPort !== undefined && s.sslPort !== undefined

/** What a JVM writes when another process holds its port (Kafka's SocketServer, Quarkus/Vert.x). */
const BIND_FAILURE = /failed to bind|address already in use|seems to be in use|BindException/i
/** Starts per service: one per lost port race, plus one with a reformatted Kafka data folder. */
const MAX_STARTS = 4

/** Our process, alive, and the service on its port proves to be it (not just anyone answering). */
export async function kafkaHealthy(s: ServiceState | undefined): Promise<boolean> {
  if (s?.clusterId === undefined || !isOurs(s.pid, marker) || !hasSecureListeners(s)) return false
  return (await kafkaIsOurs(brokersOf(s), s.clusterId).catch(() => ({ ok: false }))).ok
}

export async function registryHealthy(s: ServiceState | undefined): Promise<boolean> {
  if (s?.url === undefined || s.identity === undefined || !isOurs(s.pid, marker)) return false
  return (await registryIsOurs(s.url, s.identity).catch(() => ({ ok: false }))).ok
}

async function bringUpKafka(
  java: string,
  previous: ServiceState | undefined,
  taken: Set<number>,
  record: (s: ServiceState) => void,
): Promise<ServiceState> {
  if (previous !== undefined && isOurs(previous.pid, marker)) {
    if (await kafkaHealthy(previous)) return previous
    await stop(previous.pid, marker) // half-started or wedged: start clean
  }
  const libs = ensureKafkaJars()
  ensureCertificates(java)
  let preferred: [number | undefined, number | undefined, number | undefined, number | undefined] = [
    previous?.port ?? preferredPorts.kafka,
    previous?.controllerPort ?? preferredPorts.controller,
    previous?.saslPort ?? preferredSecurePorts.sasl,
    previous?.sslPort ?? preferredSecurePorts.ssl,
  ]
  let reformat = false
  for (let start = 1; ; start++) {
    const port = await choosePort(preferred[0], taken)
    const controllerPort = await choosePort(preferred[1], taken)
    const saslPort = await choosePort(preferred[2], taken)
    const sslPort = await choosePort(preferred[3], taken)
    const clusterId = prepareStorage(java, libs, port, controllerPort, reformat, { saslPort, sslPort })
    const logFrom = logSize(layout.kafka.log)
    const pid = startKafka(java, libs)
    const state: ServiceState = {
      pid,
      port,
      controllerPort,
      clusterId,
      saslPort,
      sslPort,
      version: versions.kafka,
      log: layout.kafka.log,
    }
    record(state) // recorded before readiness, so a failed start can still be stopped by `down`
    try {
      await waitForKafka(brokersOf(state), clusterId, {
        name: 'Kafka',
        log: layout.kafka.log,
        logFrom,
        timeoutMs: 90_000,
        alive: () => isOurs(pid, marker),
      })
      writeListeners(listenerAddresses(saslPort, sslPort))
      return state
    } catch (error) {
      await stop(pid, marker)
      const lostPortRace = BIND_FAILURE.test(logSince(layout.kafka.log, logFrom))
      if (start >= MAX_STARTS || (!lostPortRace && reformat)) throw error
      if (lostPortRace) {
        // Another process bound the port between our check and the JVM's bind: new ports, no reuse.
        process.stderr.write(
          `Kafka lost ports ${port}/${controllerPort}/${saslPort}/${sslPort} to another process; retrying on new ports\n`,
        )
        preferred = [undefined, undefined, undefined, undefined]
      } else {
        // A data folder from an interrupted or incompatible earlier run is the usual cause: start afresh once.
        process.stderr.write(`${(error as Error).message}\nReformatting Kafka's data folder and retrying\n`)
        reformat = true
      }
    }
  }
}

async function bringUpRegistry(
  java: string,
  previous: ServiceState | undefined,
  taken: Set<number>,
  record: (s: ServiceState) => void,
): Promise<ServiceState> {
  if (previous !== undefined && isOurs(previous.pid, marker)) {
    if (await registryHealthy(previous)) return previous
    await stop(previous.pid, marker)
  }
  const home = ensureRegistry()
  let preferred: [number | undefined, number | undefined] = [
    previous?.port ?? preferredPorts.registry,
    previous?.managementPort ?? preferredPorts.registryManagement,
  ]
  for (let start = 1; ; start++) {
    const port = await choosePort(preferred[0], taken)
    const managementPort = await choosePort(preferred[1], taken)
    const identity = randomUUID()
    const logFrom = logSize(layout.registry.log)
    const pid = startRegistry(java, home, port, managementPort, identity)
    const url = registryUrl(port)
    const state = {
      pid,
      port,
      managementPort,
      url,
      identity,
      version: versions.apicurio,
      log: layout.registry.log,
    }
    record(state)
    try {
      await waitForRegistry(url, identity, {
        name: 'Apicurio Registry',
        log: layout.registry.log,
        logFrom,
        timeoutMs: 120_000,
        alive: () => isOurs(pid, marker),
      })
      return state
    } catch (error) {
      await stop(pid, marker)
      if (start >= MAX_STARTS || !BIND_FAILURE.test(logSince(layout.registry.log, logFrom))) throw error
      process.stderr.write(
        `Apicurio Registry lost ports ${port}/${managementPort} to another process; retrying on new ports\n`,
      )
      preferred = [undefined, undefined]
    }
  }
}

export async function ensureInfra(): Promise<InfraEndpoints> {
  return withLock(async () => {
    const state = readState()
    if ((await kafkaHealthy(state.kafka)) && (await registryHealthy(state.registry))) {
      const kafka = state.kafka as ServiceState
      return {
        brokers: brokersOf(kafka),
        registryUrl: (state.registry as ServiceState).url as string,
        startedByUs: false,
      }
    }
    const runtimes = checkPrerequisites()
    const taken = new Set<number>()
    const next: InfraState = { ...state, startedAt: new Date().toISOString() }
    const record = (key: 'kafka' | 'registry') => (s: ServiceState) => {
      next[key] = s
      writeState(next)
    }
    // The two JVMs start in parallel: together they take about as long as the slower one.
    const [kafka, registry] = await Promise.all([
      bringUpKafka(runtimes.kafkaJava.bin, state.kafka, taken, record('kafka')),
      bringUpRegistry(runtimes.registryJava.bin, state.registry, taken, record('registry')),
    ])
    return { brokers: brokersOf(kafka), registryUrl: registry.url as string, startedByUs: true }
  })
}

export async function stopInfra(): Promise<void> {
  await withLock(async () => {
    const state = readState()
    await Promise.all(
      [state.kafka, state.registry].flatMap((s) => (s === undefined ? [] : [stop(s.pid, marker)])),
    )
    writeState({})
  })
}

export async function describeInfra(): Promise<string> {
  const state = readState()
  // The same checks `up` and the jest global setup use: alive, ours, and proven on its port.
  const line = async (
    name: string,
    s: ServiceState | undefined,
    healthy: (s: ServiceState) => Promise<boolean>,
  ) => {
    if (s === undefined) return `${name}: not started`
    const running = isOurs(s.pid, marker)
    const ready = running && (await healthy(s))
    const where = s.url ?? `127.0.0.1:${s.port}`
    return `${name} ${s.version}: ${ready ? 'ready' : running ? 'running, not answering as ours' : 'stopped'} at ${where} (pid ${s.pid}, log ${s.log})`
  }
  return [
    await line('Kafka', state.kafka, kafkaHealthy),
    await line('Apicurio Registry', state.registry, registryHealthy),
  ].join('\n')
}

export { InfraError }
