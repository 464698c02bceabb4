// The state file records what we started (pids, ports, versions), so `up` can reuse it, `down`
// stops exactly it, and tests find it. A lock keeps two `up`s (two jest runs) from racing.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { InfraError } from '../errors'
import { layout } from './layout'

export interface ServiceState {
  pid: number
  port: number
  version: string
  log: string
  /** Kafka only */
  controllerPort?: number
  clusterId?: string
  /** Kafka's SASL_PLAINTEXT and SSL listeners (secure-listeners.ts) */
  saslPort?: number
  sslPort?: number
  /** Apicurio only */
  managementPort?: number
  url?: string
  /** Apicurio only: the token its responses carry in the identity header */
  identity?: string
}

export interface InfraState {
  kafka?: ServiceState
  registry?: ServiceState
  startedAt?: string
}

export function readState(): InfraState {
  try {
    return JSON.parse(readFileSync(layout.state, 'utf8')) as InfraState
  } catch {
    return {}
  }
}

export function writeState(state: InfraState): void {
  mkdirSync(dirname(layout.state), { recursive: true })
  writeFileSync(layout.state, `${JSON.stringify(state, null, 2)}\n`)
}

function lockHolder(): number | undefined {
  try {
    const pid = Number(readFileSync(layout.lock, 'utf8'))
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

/** Runs `fn` holding the infra lock; a lock left by a dead process is taken over. */
export async function withLock<T>(fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  try {
    mkdirSync(dirname(layout.lock), { recursive: true })
  } catch (error) {
    // An installed copy (the container's /app) is not writable: say where to put the JVMs instead.
    throw new InfraError(
      `Cannot create ${dirname(layout.lock)} for the local Kafka and registry (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        'set PK_INFRA_ROOT to a writable folder, or point KAFKA_BROKERS and SCHEMA_REGISTRY_URL at running services',
    )
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      closeSync(openSync(layout.lock, 'wx'))
      writeFileSync(layout.lock, String(process.pid))
      break
    } catch {
      if (existsSync(layout.lock) && lockHolder() === undefined) {
        rmSync(layout.lock, { force: true })
        continue
      }
      if (Date.now() > deadline)
        throw new InfraError(`Timed out waiting for ${layout.lock} (held by pid ${lockHolder()})`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(layout.lock, { force: true })
  }
}
