// Two checkouts on one machine running `infra:up` at the same time, both preferring the same ports,
// one of which a foreign service (a fake registry answering 200) already holds: each must end with
// its own Kafka and registry, proven by identity (cluster id, registry token), and `infra:down` in
// one must stop only its own. Each checkout is a temporary PK_INFRA_ROOT sharing the downloads.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../../../src/infra/ports'
import { isAlive } from '../../../src/infra/processes'
import { kafkaClusterId, kafkaIsOurs, registryIsOurs } from '../../../src/infra/readiness'
import type { InfraState } from '../../../src/infra/state'

const run = promisify(execFile)
const repo = resolve(__dirname, '..', '..', '..')
const tsx = join(repo, 'node_modules', '.bin', 'tsx')
const cli = join(repo, 'src', 'infra', 'cli.ts')

interface Checkout {
  root: string
  env: NodeJS.ProcessEnv
}

function checkout(name: string, ports: string): Checkout {
  const root = mkdtempSync(join(tmpdir(), `pk-infra-${name}-`))
  return {
    root,
    // The downloads come from this checkout's .infra (or PK_INFRA_CACHE), fetched once by `infra:up`.
    env: {
      ...process.env,
      PK_INFRA_ROOT: root,
      PK_INFRA_CACHE: process.env.PK_INFRA_CACHE ?? join(repo, '.infra'),
      PK_INFRA_PORTS: ports,
    },
  }
}

const infra = (c: Checkout, command: string) =>
  run(tsx, [cli, command], { env: c.env, cwd: repo, timeout: 150_000 })
const stateOf = (c: Checkout) => JSON.parse(readFileSync(join(c.root, 'state.json'), 'utf8')) as InfraState
const pidsOf = (s: InfraState) => [s.kafka?.pid, s.registry?.pid].filter((p): p is number => p !== undefined)

describe('infra > two checkouts at once', () => {
  let foreign: Server
  let foreignPort: number
  let a: Checkout
  let b: Checkout
  const started: number[] = []

  beforeAll(async () => {
    // A foreign "registry": answers the very call the old readiness accepted.
    foreign = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
    )
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r))
    foreignPort = (foreign.address() as { port: number }).port
    const ports = [await freePort(), await freePort(), foreignPort, await freePort()].join(',')
    a = checkout('a', ports)
    b = checkout('b', ports)
  })

  afterAll(async () => {
    for (const c of [a, b]) await infra(c, 'down').catch(() => undefined)
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    foreign.close()
    for (const c of [a, b]) rmSync(c.root, { recursive: true, force: true })
  })

  it('gives each checkout its own pair, proven by identity; down stops only its own', async () => {
    const [upA, upB] = await Promise.all([infra(a, 'up'), infra(b, 'up')])
    const [sa, sb] = [stateOf(a), stateOf(b)]
    started.push(...pidsOf(sa), ...pidsOf(sb))
    process.stderr.write(`checkout A: ${upA.stderr}checkout B: ${upB.stderr}`)

    // Four distinct processes on eight distinct ports, none on the foreign one.
    expect(new Set(pidsOf(sa).concat(pidsOf(sb))).size).toBe(4)
    const ports = [sa, sb].flatMap((s) => [
      s.kafka?.port,
      s.kafka?.controllerPort,
      s.registry?.port,
      s.registry?.managementPort,
    ])
    expect(new Set(ports).size).toBe(8)
    expect(ports).not.toContain(foreignPort)

    // What each `up` printed is its own service, by identity.
    for (const [c, s, up] of [
      [a, sa, upA],
      [b, sb, upB],
    ] as const) {
      expect(up.stdout).toContain(`KAFKA_BROKERS=127.0.0.1:${s.kafka?.port}`)
      expect(up.stdout).toContain(`SCHEMA_REGISTRY_URL=${s.registry?.url}`)
      expect(await kafkaClusterId([`127.0.0.1:${s.kafka?.port}`])).toBe(s.kafka?.clusterId)
      expect(await registryIsOurs(s.registry?.url ?? '', s.registry?.identity ?? '')).toEqual({ ok: true })
      expect((await infra(c, 'status')).stdout.match(/: ready at/g)).toHaveLength(2)
    }
    expect(sa.kafka?.clusterId).not.toBe(sb.kafka?.clusterId)
    // Someone else's services do not pass for ours.
    expect((await kafkaIsOurs([`127.0.0.1:${sb.kafka?.port}`], sa.kafka?.clusterId ?? '')).ok).toBe(false)
    expect((await registryIsOurs(sb.registry?.url ?? '', sa.registry?.identity ?? '')).ok).toBe(false)
    const fake = `http://127.0.0.1:${foreignPort}/apis/ccompat/v7`
    expect((await registryIsOurs(fake, sa.registry?.identity ?? '')).ok).toBe(false)

    // down in A stops A's two processes and nothing else.
    await infra(a, 'down')
    expect(pidsOf(sa).map(isAlive)).toEqual([false, false])
    expect(pidsOf(sb).map(isAlive)).toEqual([true, true])
    expect((await infra(b, 'status')).stdout.match(/: ready at/g)).toHaveLength(2)
    expect((await infra(a, 'status')).stdout).not.toContain('ready')
    await infra(b, 'down')
    expect(pidsOf(sb).map(isAlive)).toEqual([false, false])
  }, 170_000)
})
