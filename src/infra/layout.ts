// Where the local infrastructure lives and which versions it runs. Everything sits under the
// git-ignored `.infra/` folder of the checkout, so `rm -rf .infra` is a full reset.
// PK_INFRA_ROOT moves the whole folder (the two-checkout test runs two of them side by side);
// PK_INFRA_CACHE moves only the downloads (jars, unpacked registry), so such copies share them.
import { join, resolve } from 'node:path'

export const versions = {
  kafka: '4.1.1',
  log4j: '2.25.3',
  apicurio: '3.3.3',
  mavenDependencyPlugin: '3.8.1',
} as const

const fromEnv = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value.trim() === '' ? undefined : resolve(value)
}

export const root = fromEnv('PK_INFRA_ROOT') ?? resolve(__dirname, '..', '..', '.infra')
const cache = fromEnv('PK_INFRA_CACHE') ?? root

export const layout = {
  root,
  state: join(root, 'state.json'),
  testEnv: join(root, 'test-env.json'),
  lock: join(root, 'infra.lock'),
  kafka: {
    pom: join(cache, 'kafka', 'pom.xml'),
    libs: join(cache, 'kafka', `libs-${versions.kafka}`),
    config: join(root, 'kafka', 'server.properties'),
    log4j: join(root, 'kafka', 'log4j2.properties'),
    data: join(root, 'kafka', 'data'),
    log: join(root, 'logs', 'kafka.log'),
  },
  registry: {
    home: join(cache, 'apicurio', versions.apicurio),
    log: join(root, 'logs', 'apicurio.log'),
  },
  logs: join(root, 'logs'),
} as const

/** Preferred loopback ports; a taken one is replaced by a free one and recorded in the state file.
 * PK_INFRA_PORTS=kafka,controller,registry,management overrides them (tests make two checkouts
 * prefer the same fresh ports, to force the race two real checkouts run into on 19092). */
export const preferredPorts = parsePorts(process.env.PK_INFRA_PORTS) ?? {
  kafka: 19092,
  controller: 19093,
  registry: 18081,
  registryManagement: 19000,
}

export function parsePorts(
  text: string | undefined,
): { kafka: number; controller: number; registry: number; registryManagement: number } | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const ports = text.split(',').map((p) => Number(p.trim()))
  if (ports.length !== 4 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535))
    throw new Error(`PK_INFRA_PORTS must be four ports kafka,controller,registry,management; got ${text}`)
  const [kafka, controller, registry, registryManagement] = ports as [number, number, number, number]
  return { kafka, controller, registry, registryManagement }
}
