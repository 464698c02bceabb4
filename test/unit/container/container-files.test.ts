// No Docker engine here, so the container files are checked by reading them: the image is
// multi-stage, small and non-root; the compose file runs Kafka, a registry, the simulator and the
// producer, and the producer's settings point at the services that are really there.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { configFields } from '../../../src/config'
import { defaultCredential } from '../../../src/simulator'

const root = join(__dirname, '..', '..', '..')
const read = (file: string) => readFileSync(join(root, file), 'utf8')

interface Instruction {
  op: string
  args: string
}
function dockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/)
      return { op: op.toUpperCase(), args: rest.join(' ') }
    })
}

interface Service {
  image?: string
  build?: string
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  ports?: string[]
  secrets?: string[]
}

describe('container > Dockerfile', () => {
  const steps = dockerfile(read('Dockerfile'))
  const froms = steps.filter((s) => s.op === 'FROM')
  const final = steps.slice(steps.lastIndexOf(froms[froms.length - 1] as Instruction))

  it('builds in one stage and runs in another', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2)
    expect(final.some((s) => s.op === 'COPY' && s.args.startsWith('--from=build /app/dist'))).toBe(true)
    expect(final.some((s) => s.op === 'COPY' && s.args === 'schemas ./schemas')).toBe(true)
  })

  it('pins every stage to one slim Node 24 release, the one CI tests on (a rebuild never moves Node)', () => {
    const images = froms.map((f) => f.args.split(' ')[0] ?? '')
    for (const image of images) expect(image).toMatch(/^node:24\.\d+\.\d+-slim(@sha256:[0-9a-f]{64})?$/)
    const ci = /^lts=(\S+)$/m.exec(read('.ci/run'))?.[1]
    expect(images.map((image) => image.replace(/@.*$/, ''))).toEqual(images.map(() => `node:${ci}-slim`))
  })

  it('runs as a non-root user, and nothing after USER switches back', () => {
    const users = final.filter((s) => s.op === 'USER')
    expect(users.map((u) => u.args)).toEqual(['node'])
    const entry = final.find((s) => s.op === 'ENTRYPOINT')
    expect(final.indexOf(users[0] as Instruction)).toBeLessThan(final.indexOf(entry as Instruction))
    expect(JSON.parse(entry?.args ?? '[]')).toEqual(['node', 'bin/personio-kafka.js'])
  })

  it('exposes the ops port and is healthy only when ready (/readyz at METRICS_PORT)', () => {
    const opsPort = String(configFields.find((f) => f.env === 'METRICS_PORT')?.default)
    expect(final.filter((s) => s.op === 'EXPOSE').map((s) => s.args)).toEqual([opsPort])
    const health = final.find((s) => s.op === 'HEALTHCHECK')?.args ?? ''
    expect(health).toContain(`(process.env.METRICS_PORT || ${opsPort}) + '/readyz'`)
    expect(health).toMatch(/ CMD \["node", "-e", /)
  })

  it('bakes no secret into the image and keeps local state out of the build context', () => {
    expect(steps.filter((s) => s.op === 'ENV' || s.op === 'ARG').map((s) => s.args)).toEqual([
      'NODE_ENV=production',
      // V8's young generation, sized for what is live (README, "Memory"): no secret
      'NODE_OPTIONS=--max-semi-space-size=8',
    ])
    const ignored = read('.dockerignore').split('\n')
    for (const path of ['node_modules', '.infra', '.git', 'dist', '.env']) expect(ignored).toContain(path)
  })
})

describe('container > docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> }
  const services = compose.services
  const producer = services['personio-kafka'] as Service
  const env = producer.environment ?? {}

  it('runs Kafka, a registry, the simulator and the producer, built from this Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['kafka', 'personio-kafka', 'schema-registry', 'simulator'])
    expect(producer.build).toBe('.')
    expect(producer.command).toEqual(['run'])
    expect(services.simulator?.build).toBe('.')
    expect(services.simulator?.command?.[0]).toBe('simulate')
  })

  it('starts the producer only once every dependency is healthy, and each has a healthcheck', () => {
    expect(producer.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      'schema-registry': { condition: 'service_healthy' },
      simulator: { condition: 'service_healthy' },
    })
    for (const name of ['kafka', 'schema-registry', 'simulator'])
      expect(services[name]?.healthcheck?.test.length).toBeGreaterThan(0)
  })

  it('checks the producer by its /readyz, on the ops port it publishes', () => {
    expect(producer.healthcheck?.test.join(' ')).toContain("'http://127.0.0.1:9464/readyz'")
    expect(producer.ports).toEqual([expect.stringMatching(/^\d+:9464$/)])
  })

  it("publishes host ports that clash with no local Kafka, registry or this repository's infra:up", () => {
    const taken = new Set(['9092', '9093', '8080', '8081', '8787', '9464', '19092', '18081'])
    const hostPorts = Object.values(services).flatMap((svc) => (svc.ports ?? []).map((p) => p.split(':')[0]))
    expect(hostPorts.length).toBeGreaterThanOrEqual(4)
    expect(hostPorts.filter((p) => taken.has(p as string))).toEqual([])
    // the broker tells clients on the host the port the host really has
    const external = services.kafka?.ports?.find((p) => p.endsWith(':9092'))?.split(':')[0]
    expect(services.kafka?.environment?.KAFKA_ADVERTISED_LISTENERS).toContain(
      `EXTERNAL://localhost:${external}`,
    )
  })

  it('hands the producer its secret as a file (*_FILE), never in the environment', () => {
    const top = (parse(read('docker-compose.yml')) as { secrets: Record<string, { file: string }> }).secrets
    const file = env.PERSONIO_CLIENT_SECRET_FILE ?? ''
    const name = file.replace('/run/secrets/', '')
    expect(file).toBe(`/run/secrets/${name}`)
    expect(producer.secrets).toContain(name)
    expect(read(top[name]?.file ?? '').trim()).toBe(defaultCredential.clientSecret)
    expect(env.PERSONIO_CLIENT_SECRET).toBeUndefined()
  })

  it("points the producer at the broker's internal listener", () => {
    const advertised = services.kafka?.environment?.KAFKA_ADVERTISED_LISTENERS ?? ''
    const inter = services.kafka?.environment?.KAFKA_INTER_BROKER_LISTENER_NAME
    expect(advertised).toContain(`${inter}://${env.KAFKA_BROKERS}`)
  })

  it("points the producer at the registry's Confluent-compatible API inside the network", () => {
    const url = new URL(env.SCHEMA_REGISTRY_URL ?? '')
    expect(url.hostname).toBe('schema-registry')
    expect(services['schema-registry']?.healthcheck?.test.join(' ')).toContain(
      `localhost:${url.port}${url.pathname}`,
    )
    expect(url.pathname).toBe('/apis/ccompat/v7')
  })

  it("points the producer at the simulator's port, with the simulator's credentials", () => {
    const command = services.simulator?.command ?? []
    const port = command[command.indexOf('--port') + 1]
    expect(command[command.indexOf('--host') + 1]).toBe('0.0.0.0')
    expect(env.PERSONIO_BASE_URL).toBe(`http://simulator:${port}`)
    expect(env.PERSONIO_CLIENT_ID).toBe(defaultCredential.clientId)
  })

  it('sets only variables the service knows (a typo would be silently ignored)', () => {
    const known = new Set(configFields.flatMap((f) => [f.env, `${f.env}_FILE`]))
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([])
  })
})
