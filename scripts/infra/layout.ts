// Where the local infrastructure lives and which versions it runs. Everything sits under the
// git-ignored `.infra/` folder of the checkout, so `rm -rf .infra` is a full reset.
import { join, resolve } from 'node:path'

export const versions = {
  kafka: '4.1.1',
  log4j: '2.25.3',
  apicurio: '3.3.3',
  mavenDependencyPlugin: '3.8.1',
} as const

export const root = resolve(__dirname, '..', '..', '.infra')

export const layout = {
  root,
  state: join(root, 'state.json'),
  testEnv: join(root, 'test-env.json'),
  lock: join(root, 'infra.lock'),
  kafka: {
    pom: join(root, 'kafka', 'pom.xml'),
    libs: join(root, 'kafka', `libs-${versions.kafka}`),
    config: join(root, 'kafka', 'server.properties'),
    log4j: join(root, 'kafka', 'log4j2.properties'),
    data: join(root, 'kafka', 'data'),
    log: join(root, 'logs', 'kafka.log'),
  },
  registry: {
    home: join(root, 'apicurio', versions.apicurio),
    log: join(root, 'logs', 'apicurio.log'),
  },
  logs: join(root, 'logs'),
} as const

/** Preferred loopback ports; a taken one is replaced by a free one and recorded in the state file. */
export const preferredPorts = {
  kafka: 19092,
  controller: 19093,
  registry: 18081,
  registryManagement: 19000,
} as const
