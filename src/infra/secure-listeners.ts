// Two more listeners on the local broker, for testing the producer's Kafka security settings:
// SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256/512, and SSL (TLS) with a certificate signed by a
// throw-away CA made with the JDK's keytool. SCRAM users are written into the metadata when the
// storage is formatted (`--add-scram`); PLAIN users live in the listener's JAAS line. Where to
// reach them is written to .infra/kafka/listeners.json for the tests.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { InfraError } from '../errors'
import { layout } from './layout'

/** Development-only credentials of the local broker. */
export const testUsers = {
  plain: { username: 'pk-plain', password: 'pk-plain-secret' },
  'scram-sha-256': { username: 'pk-scram256', password: 'pk-scram256-secret' },
  'scram-sha-512': { username: 'pk-scram512', password: 'pk-scram512-secret' },
} as const

export interface SecureListeners {
  /** SASL_PLAINTEXT host:port (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) */
  sasl: string
  /** SSL host:port */
  ssl: string
  /** PEM of the CA that signed the broker certificate */
  caFile: string
  users: typeof testUsers
}

/** Preferred loopback ports; taken ones are replaced like the others (ports.ts). */
export const preferredSecurePorts = { sasl: 19094, ssl: 19095 } as const

const tlsDir = join(layout.root, 'kafka', 'tls')
const files = {
  caStore: join(tlsDir, 'ca.p12'),
  caPem: join(tlsDir, 'ca.pem'),
  brokerStore: join(tlsDir, 'broker.p12'),
  csr: join(tlsDir, 'broker.csr'),
  brokerCrt: join(tlsDir, 'broker.crt'),
}
const storePassword = 'pk-dev-store'
export const listenersFile = join(layout.root, 'kafka', 'listeners.json')
/** Inside the data folder, so reformatting (which deletes the folder) forgets it. */
export const scramMarker = join(layout.kafka.data, 'personio-kafka-scram-users')

function keytool(javaBin: string, args: string[]): void {
  const bin = javaBin === 'java' ? 'keytool' : join(dirname(javaBin), 'keytool')
  const result = spawnSync(bin, [...args, '-storepass', storePassword], { encoding: 'utf8' })
  if (result.status !== 0)
    throw new InfraError(
      `keytool ${args[0]} failed: ${result.stderr || result.stdout || result.error?.message}`,
    )
}

/** A CA and a broker certificate for 127.0.0.1/localhost, made once. */
export function ensureCertificates(javaBin: string): void {
  if (existsSync(files.brokerStore) && existsSync(files.caPem)) return
  rmSync(tlsDir, { recursive: true, force: true })
  mkdirSync(tlsDir, { recursive: true })
  const key = ['-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-storetype', 'PKCS12']
  keytool(javaBin, [
    '-genkeypair',
    '-alias',
    'ca',
    '-dname',
    'CN=personio-kafka dev CA',
    '-ext',
    'bc:c',
    ...key,
    '-keystore',
    files.caStore,
  ])
  keytool(javaBin, ['-exportcert', '-alias', 'ca', '-rfc', '-keystore', files.caStore, '-file', files.caPem])
  keytool(javaBin, [
    '-genkeypair',
    '-alias',
    'broker',
    '-dname',
    'CN=localhost',
    ...key,
    '-keystore',
    files.brokerStore,
  ])
  keytool(javaBin, ['-certreq', '-alias', 'broker', '-keystore', files.brokerStore, '-file', files.csr])
  keytool(javaBin, [
    '-gencert',
    '-alias',
    'ca',
    '-keystore',
    files.caStore,
    '-infile',
    files.csr,
    '-outfile',
    files.brokerCrt,
    '-rfc',
    '-validity',
    '3650',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
  ])
  keytool(javaBin, [
    '-importcert',
    '-alias',
    'ca',
    '-file',
    files.caPem,
    '-keystore',
    files.brokerStore,
    '-noprompt',
  ])
  keytool(javaBin, [
    '-importcert',
    '-alias',
    'broker',
    '-file',
    files.brokerCrt,
    '-keystore',
    files.brokerStore,
  ])
}

export function listenerAddresses(saslPort: number, sslPort: number): SecureListeners {
  return { sasl: `127.0.0.1:${saslPort}`, ssl: `127.0.0.1:${sslPort}`, caFile: files.caPem, users: testUsers }
}

/** The server.properties lines of the two listeners (listeners= itself is written by kafka.ts). */
export function securityProperties(): string {
  const plainUsers = `user_${testUsers.plain.username}="${testUsers.plain.password}"`
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
  return `# SASL_PLAINTEXT and SSL listeners for testing client security settings (secure-listeners.ts)
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${scram}
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${scram}
ssl.keystore.type=PKCS12
ssl.keystore.location=${files.brokerStore}
ssl.keystore.password=${storePassword}
ssl.key.password=${storePassword}
ssl.client.auth=none
`
}

/** StorageTool format arguments that create the SCRAM users. */
export function scramFormatArgs(): string[] {
  return (['scram-sha-256', 'scram-sha-512'] as const).flatMap((m) => [
    '--add-scram',
    `${m.toUpperCase()}=[name=${testUsers[m].username},password=${testUsers[m].password}]`,
  ])
}

export function writeListeners(listeners: SecureListeners): void {
  writeFileSync(listenersFile, `${JSON.stringify(listeners, null, 2)}\n`)
}

export function readListeners(): SecureListeners | undefined {
  try {
    return JSON.parse(readFileSync(listenersFile, 'utf8')) as SecureListeners
  } catch {
    return undefined
  }
}
