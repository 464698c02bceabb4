// A single-node Apache Kafka 4.x in KRaft mode (combined broker + controller) on loopback.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InfraError } from '../errors'
import { layout, versions } from './layout'
import { startDetached } from './processes'
import { scramFormatArgs, scramMarker, securityProperties } from './secure-listeners'

/** Marks our JVMs' command lines, so we never signal a process we did not start. */
export const marker = `-Dpersonio.kafka.infra=${layout.root}`

/** Ports of the SASL_PLAINTEXT and SSL listeners (secure-listeners.ts), when the broker has them. */
export interface SecurePorts {
  saslPort: number
  sslPort: number
}

export function serverProperties(port: number, controllerPort: number, secure?: SecurePorts): string {
  const extra =
    secure === undefined
      ? { listeners: '', protocols: '' }
      : {
          listeners: `,SASL_PLAINTEXT://127.0.0.1:${secure.saslPort},SSL://127.0.0.1:${secure.sslPort}`,
          protocols: ',SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL',
        }
  return `# written by src/infra; a single-node development broker
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port}${extra.listeners},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}${extra.listeners}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT${extra.protocols},CONTROLLER:PLAINTEXT
${secure === undefined ? '' : securityProperties()}log.dirs=${layout.kafka.data}
num.partitions=1
# one node: internal topics cannot have more replicas than brokers
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# tests join groups constantly; the default 3 s delay would dominate their run time
group.initial.rebalance.delay.ms=0
# the product creates its topics explicitly with the right policy; a typo must not create one
auto.create.topics.enable=false
`
}

const log4j = `status = error
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stderr.ref = STDERR
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
`

function java(libs: string, main: string, args: string[], heap = '256m') {
  return [
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    `-Dlog4j2.configurationFile=${layout.kafka.log4j}`,
    marker,
    '-cp',
    join(libs, '*'),
    main,
    ...args,
  ]
}

function storageTool(javaBin: string, libs: string, args: string[]): string {
  const result = spawnSync(javaBin, java(libs, 'kafka.tools.StorageTool', args), { encoding: 'utf8' })
  if (result.status !== 0)
    throw new InfraError(`kafka StorageTool ${args[0]} failed: ${result.stderr || result.stdout}`)
  return result.stdout.trim()
}

/** The cluster id in the data folder, or undefined when the folder is missing or unreadable. */
function formattedClusterId(): string | undefined {
  try {
    return /^cluster\.id=(.+)$/m.exec(readFileSync(join(layout.kafka.data, 'meta.properties'), 'utf8'))?.[1]
  } catch {
    return undefined
  }
}

/** Formats the data folder when it is missing, half-written or from another node/cluster layout. */
export function prepareStorage(
  javaBin: string,
  libs: string,
  port: number,
  controllerPort: number,
  reformat: boolean,
  secure?: SecurePorts,
): string {
  mkdirSync(layout.kafka.data, { recursive: true })
  writeFileSync(layout.kafka.config, serverProperties(port, controllerPort, secure))
  writeFileSync(layout.kafka.log4j, log4j)
  const existing = formattedClusterId()
  // SCRAM users only enter the metadata at format time: a folder formatted without them is redone.
  const usersPresent = secure === undefined || existsSync(scramMarker)
  if (existing !== undefined && !reformat && usersPresent) return existing
  rmSync(layout.kafka.data, { recursive: true, force: true })
  const clusterId = storageTool(javaBin, libs, ['random-uuid'])
  const scram = secure === undefined ? [] : scramFormatArgs()
  storageTool(javaBin, libs, ['format', '-t', clusterId, '-c', layout.kafka.config, ...scram])
  if (secure !== undefined) writeFileSync(scramMarker, 'SCRAM users added at format time\n')
  return clusterId
}

export function startKafka(javaBin: string, libs: string): number {
  if (!existsSync(layout.kafka.config))
    throw new InfraError('server.properties missing; prepareStorage first')
  return startDetached(
    'java',
    java(libs, 'kafka.Kafka', [layout.kafka.config], '512m'),
    layout.kafka.log,
    layout.root,
  )
}

export const kafkaVersion = versions.kafka
