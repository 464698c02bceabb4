// ensureInfra / stopInfra / describeInfra: the programmatic face of the local infrastructure, used
// by `npm run infra:*` and by the jest global setup. Idempotent: running services are reused.
import { InfraError } from '../../src/errors'
import { ensureKafkaJars, ensureRegistry } from './download'
import { marker, prepareStorage, startKafka } from './kafka'
import { layout, preferredPorts, versions } from './layout'
import { choosePort } from './ports'
import { checkPrerequisites } from './prerequisites'
import { isOurs, stop } from './processes'
import { kafkaAnswers, registryAnswers, waitForKafka, waitForRegistry } from './readiness'
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

async function healthy(
  kafka: ServiceState | undefined,
  registry: ServiceState | undefined,
): Promise<boolean> {
  if (kafka === undefined || registry?.url === undefined) return false
  if (!isOurs(kafka.pid, marker) || !isOurs(registry.pid, marker) || !hasSecureListeners(kafka)) return false
  try {
    return (await kafkaAnswers(brokersOf(kafka))) && (await registryAnswers(registry.url))
  } catch {
    return false
  }
}

async function bringUpKafka(
  java: string,
  previous: ServiceState | undefined,
  taken: Set<number>,
  record: (s: ServiceState) => void,
): Promise<ServiceState> {
  if (previous !== undefined && isOurs(previous.pid, marker)) {
    if (hasSecureListeners(previous) && (await kafkaAnswers(brokersOf(previous)).catch(() => false)))
      return previous
    await stop(previous.pid, marker) // half-started or wedged: start clean
  }
  const libs = ensureKafkaJars()
  const port = await choosePort(previous?.port ?? preferredPorts.kafka, taken)
  const controllerPort = await choosePort(previous?.controllerPort ?? preferredPorts.controller, taken)
  const saslPort = await choosePort(previous?.saslPort ?? preferredSecurePorts.sasl, taken)
  const sslPort = await choosePort(previous?.sslPort ?? preferredSecurePorts.ssl, taken)
  ensureCertificates(java)
  const attempt = async (reformat: boolean): Promise<ServiceState> => {
    const clusterId = prepareStorage(java, libs, port, controllerPort, reformat, { saslPort, sslPort })
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
    await waitForKafka(brokersOf(state), {
      name: 'Kafka',
      log: layout.kafka.log,
      timeoutMs: 90_000,
      alive: () => isOurs(pid, marker),
    })
    writeListeners(listenerAddresses(saslPort, sslPort))
    return state
  }
  try {
    return await attempt(false)
  } catch (error) {
    // A data folder from an interrupted or incompatible earlier run is the usual cause: start afresh once.
    process.stderr.write(
      `Kafka failed to start (${(error as Error).message.split('\n')[0]}); reformatting its data folder and retrying\n`,
    )
    const stale = readState().kafka
    if (stale !== undefined) await stop(stale.pid, marker)
    return attempt(true)
  }
}

async function bringUpRegistry(
  java: string,
  previous: ServiceState | undefined,
  taken: Set<number>,
  record: (s: ServiceState) => void,
): Promise<ServiceState> {
  if (previous?.url !== undefined && isOurs(previous.pid, marker)) {
    if (await registryAnswers(previous.url).catch(() => false)) return previous
    await stop(previous.pid, marker)
  }
  const home = ensureRegistry()
  const port = await choosePort(previous?.port ?? preferredPorts.registry, taken)
  const managementPort = await choosePort(
    previous?.managementPort ?? preferredPorts.registryManagement,
    taken,
  )
  const pid = startRegistry(java, home, port, managementPort)
  const url = registryUrl(port)
  const state = { pid, port, managementPort, url, version: versions.apicurio, log: layout.registry.log }
  record(state)
  await waitForRegistry(url, {
    name: 'Apicurio Registry',
    log: layout.registry.log,
    timeoutMs: 120_000,
    alive: () => isOurs(pid, marker),
  })
  return state
}

export async function ensureInfra(): Promise<InfraEndpoints> {
  return withLock(async () => {
    const state = readState()
    if (await healthy(state.kafka, state.registry)) {
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
  const line = async (
    name: string,
    s: ServiceState | undefined,
    probe: (s: ServiceState) => Promise<boolean>,
  ) => {
    if (s === undefined) return `${name}: not started`
    const running = isOurs(s.pid, marker)
    const answers = running ? await probe(s).catch(() => false) : false
    const where = s.url ?? `127.0.0.1:${s.port}`
    return `${name} ${s.version}: ${answers ? 'ready' : running ? 'running, not answering' : 'stopped'} at ${where} (pid ${s.pid}, log ${s.log})`
  }
  return [
    await line('Kafka', state.kafka, (s) => kafkaAnswers(brokersOf(s))),
    await line('Apicurio Registry', state.registry, (s) => registryAnswers(s.url ?? '')),
  ].join('\n')
}

export { InfraError }
