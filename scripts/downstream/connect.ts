// A real Kafka Connect worker (distributed mode, one node) for the downstream tests: its jars from
// Maven Central through tiny poms and maven-dependency-plugin's copy-dependencies, as
// src/infra/download.ts fetches the broker's, cached under .infra/downstream/connect/. The
// worker's own classpath is connect-runtime (the broker's Kafka version) with a log4j binding;
// each connector and converter is a plugin folder under plugin.path, so their dependencies
// (Hibernate, Avro, Jackson versions) stay isolated from the worker's and from each other.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { basename, delimiter, dirname, join } from 'node:path'
import { InfraError } from '../../src/errors'
import { findJava, javaMajor } from '../../src/infra/java'
import { root, versions } from '../../src/infra/layout'
import { freePort } from '../../src/infra/ports'
import { tail } from '../../src/infra/processes'
import { connectVersions as cv, workerProperties, type ConnectorConfig } from './connect-config'
import { stderrLog4j } from './log4j'
import { ensureVenv } from './python'
import { ensureServiceManifest } from './service-manifest'

const home = join(root, 'downstream', 'connect')

export const connectLayout = {
  home,
  worker: join(home, `worker-${versions.kafka}`),
  plugins: join(home, 'plugins'),
  jdbcPlugin: join(home, 'plugins', `debezium-jdbc-${cv.debeziumJdbc}`),
  converterPlugin: join(home, 'plugins', `apicurio-converter-${cv.apicurioConverter}`),
  runs: join(home, 'runs'),
  icebergPlugins: join(home, 'plugins-iceberg'),
  poms: join(home, 'poms'),
} as const

interface Dependency {
  g: string
  a: string
  v: string
  exclusions?: readonly string[]
}

const dep = ({ g, a, v, exclusions = [] }: Dependency) =>
  `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version>${
    exclusions.length === 0
      ? ''
      : `<exclusions>${exclusions
          .map((e) => {
            const [eg, ea] = e.split(':')
            return `<exclusion><groupId>${eg}</groupId><artifactId>${ea}</artifactId></exclusion>`
          })
          .join('')}</exclusions>`
  }</dependency>`

export function connectPom(name: string, deps: readonly Dependency[]): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.personio-kafka</groupId><artifactId>${name}</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
${deps.map(dep).join('\n')}
</dependencies></project>
`
}

interface JarSet {
  folder: string
  /** a jar whose presence says the folder is complete */
  marker: string
  deps: readonly Dependency[]
  /** plugins leave Kafka's own API to the worker (Connect loads it parent-first anyway) */
  plugin: boolean
}

const log4j = (a: string): Dependency => ({ g: 'org.apache.logging.log4j', a, v: versions.log4j })

export const jarSets: readonly JarSet[] = [
  {
    folder: connectLayout.worker,
    marker: 'connect-runtime-',
    plugin: false,
    deps: [
      { g: 'org.apache.kafka', a: 'connect-runtime', v: versions.kafka },
      log4j('log4j-slf4j-impl'),
      log4j('log4j-core'),
    ],
  },
  {
    folder: connectLayout.jdbcPlugin,
    marker: 'debezium-connector-jdbc-',
    plugin: true,
    deps: [
      {
        g: 'io.debezium',
        a: 'debezium-connector-jdbc',
        v: cv.debeziumJdbc,
        // hibernate-agroal 7.2.6 is not served (added below at 7.2.0); the drivers of other
        // databases are 40 MB we never load.
        exclusions: [
          'org.hibernate:hibernate-agroal',
          'org.hibernate.orm:hibernate-agroal',
          'com.mysql:mysql-connector-j',
          'org.mariadb.jdbc:mariadb-java-client',
          'com.microsoft.sqlserver:mssql-jdbc',
          'com.oracle.database.jdbc:ojdbc11',
        ],
      },
      // Hibernate looks up Jackson modules with ServiceLoader, which also finds the ones on the
      // worker's classpath (jdk8, blackbird, jakarta-xmlbind) and fails with "not a subtype" when
      // their class comes from the worker's Jackson: the plugin carries its own copies.
      ...[
        'datatype:jackson-datatype-jdk8',
        'module:jackson-module-blackbird',
        'module:jackson-module-jakarta-xmlbind-annotations',
      ].map((m): Dependency => ({
        g: `com.fasterxml.jackson.${m.split(':')[0]}`,
        a: m.split(':')[1] as string,
        v: cv.jackson,
      })),
      {
        g: 'org.hibernate.orm',
        a: 'hibernate-agroal',
        v: cv.hibernateAgroal,
        exclusions: ['org.hibernate.orm:hibernate-core'],
      },
    ],
  },
  {
    folder: connectLayout.converterPlugin,
    marker: 'apicurio-registry-utils-converter-',
    plugin: true,
    deps: [{ g: 'io.apicurio', a: 'apicurio-registry-utils-converter', v: cv.apicurioConverter }],
  },
]

/**
 * Apache Iceberg's Kafka Connect sink with what its local catalog needs: Parquet writers, Hadoop's
 * local file system (HadoopFileIO) and SQLite for the JdbcCatalog. Only the Iceberg test fetches it
 * (93 MB), into its own plugin.path entry.
 */
export const icebergJarSet: JarSet = {
  folder: join(connectLayout.icebergPlugins, `iceberg-${cv.iceberg}`),
  marker: 'iceberg-kafka-connect-',
  plugin: true,
  deps: [
    { g: 'org.apache.iceberg', a: 'iceberg-kafka-connect', v: cv.iceberg },
    { g: 'org.apache.iceberg', a: 'iceberg-parquet', v: cv.iceberg },
    { g: 'org.apache.hadoop', a: 'hadoop-common', v: cv.hadoop },
    { g: 'org.xerial', a: 'sqlite-jdbc', v: cv.sqliteJdbc },
  ],
}

const complete = (set: JarSet) =>
  existsSync(set.folder) && readdirSync(set.folder).some((f) => f.startsWith(set.marker))

/** Runs Maven without blocking the event loop, so the three jar sets download side by side. */
function mvn(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', ['-B', '-q', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve()
      else {
        const last = output.trim().split('\n').slice(-15).join('\n')
        reject(new InfraError(`Maven failed (mvn ${args.join(' ')}):\n${last}\nIs Maven Central reachable?`))
      }
    })
  })
}

async function ensureJarSet(set: JarSet): Promise<void> {
  if (complete(set)) return
  // Per process: the Kafka Connect test files run in parallel jest workers and may both download
  // on a fresh clone; the first complete folder wins, the other is dropped.
  // Both outside plugin.path (which the worker scans), renamed into place when complete: a killed
  // download never looks done.
  const pomDir = join(connectLayout.poms, `${basename(set.folder)}-${process.pid}`)
  const partial = join(connectLayout.poms, `${basename(set.folder)}-${process.pid}.jars`)
  mkdirSync(pomDir, { recursive: true })
  mkdirSync(dirname(set.folder), { recursive: true })
  writeFileSync(join(pomDir, 'pom.xml'), connectPom('connect-jars', set.deps))
  rmSync(partial, { recursive: true, force: true })
  try {
    await mvn(
      [
        `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}:copy-dependencies`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${partial}`,
        ...(set.plugin ? ['-DexcludeGroupIds=org.apache.kafka'] : []),
      ],
      pomDir,
    )
    if (!complete(set)) renameSync(partial, set.folder)
  } catch (error) {
    if (!complete(set)) throw error // else another process got there first
  } finally {
    rmSync(partial, { recursive: true, force: true })
    rmSync(pomDir, { recursive: true, force: true })
  }
}

/** Every jar the worker and its plugins need, downloaded once (in parallel) and then reused. */
export async function ensureConnectJars(): Promise<void> {
  await Promise.all(jarSets.map(ensureJarSet))
  // the worker finds plugins by their manifests only (plugin.discovery=service_load)
  ensureServiceManifest(connectLayout.converterPlugin, {
    'org.apache.kafka.connect.storage.Converter': ['io.apicurio.registry.utils.converter.AvroConverter'],
  })
}

export async function ensureIcebergJars(): Promise<string> {
  await ensureJarSet(icebergJarSet)
  return connectLayout.icebergPlugins
}

/**
 * A Java from 17 up to 22: Hadoop 3.4 (under Iceberg's HadoopFileIO) calls Subject.getSubject,
 * which Java 23+ refuses ("getSubject is not supported", seen here on Java 25). The JDK's default
 * (`java`) is tried first, then /usr/lib/jvm/*.
 */
export function javaHomeBefore23(): string | undefined {
  const homes = ['/usr/lib/jvm', '/opt/java']
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d).map((e) => join(d, e)))
  const fromPath = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' })
  const defaultHome = /java\.home = (.*)/.exec(`${fromPath.stderr}`)?.[1]?.trim()
  for (const candidate of [defaultHome, process.env.JAVA_HOME, ...homes]) {
    if (candidate === undefined) continue
    const major = javaMajor(join(candidate, 'bin', 'java'))
    if (major !== undefined && major >= 17 && major < 23) return candidate
  }
  return undefined
}

export interface RunningConnect {
  url: string
  log: string
  process: ChildProcess
  /** creates or replaces a connector */
  putConnector(name: string, config: ConnectorConfig): Promise<void>
  deleteConnector(name: string): Promise<void>
  /** the connector's and its tasks' states; a failed task's trace in `failures` */
  status(name: string): Promise<{ states: string[]; failures: string[] }>
  stop(): Promise<void>
}

async function rest(url: string, method = 'GET', body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, text: await response.text() }
}

interface ConnectorStatus {
  connector?: { state?: string; trace?: string }
  tasks?: { id: number; state?: string; trace?: string }[]
}

/** Starts a distributed worker on a free loopback port; resolves when its REST API lists the plugins. */
export async function startConnect(
  name: string,
  brokers: string,
  options: { javaHome?: string; extraPluginPaths?: readonly string[] } = {},
): Promise<RunningConnect> {
  await ensureConnectJars()
  const java = findJava(17, options.javaHome)
  if (java === undefined) throw new InfraError('Kafka Connect 4.x needs Java 17 or newer; none found')
  const run = join(connectLayout.runs, name)
  rmSync(run, { recursive: true, force: true })
  mkdirSync(run, { recursive: true })
  const port = await freePort()
  const properties = join(run, 'worker.properties')
  writeFileSync(
    properties,
    workerProperties({
      brokers,
      groupId: `${name}-connect`,
      restPort: port,
      pluginPath: [connectLayout.plugins, ...(options.extraPluginPaths ?? [])].join(','),
    }),
  )
  const log4jFile = join(run, 'log4j2.properties')
  writeFileSync(
    log4jFile,
    // the lines that say a worker started, a connector and its tasks run
    stderrLog4j(['logger.connect.name = org.apache.kafka.connect.runtime', 'logger.connect.level = INFO']),
  )
  const log = join(run, 'connect.log')
  const out = openSync(log, 'w')
  const classpath = readdirSync(connectLayout.worker)
    .map((f) => join(connectLayout.worker, f))
    .join(delimiter)
  const child = spawn(
    java.bin,
    [
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1', // a test worker: start fast rather than peak
      // jars from Maven Central in a test worker: verifying their bytecode again at every start
      // (the worker's own classes and the sinks', Hibernate's and Iceberg's) cost a fifth of the
      // CPU of the worker's start (3.4 s instead of 2.8 s here)
      '-XX:+UnlockDiagnosticVMOptions',
      '-XX:-BytecodeVerificationRemote',
      '-Duser.timezone=UTC',
      `-Dlog4j2.configurationFile=${log4jFile}`,
      '-cp',
      classpath,
      'org.apache.kafka.connect.cli.ConnectDistributed',
      properties,
    ],
    { stdio: ['ignore', out, out] },
  )
  closeSync(out)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const orphanGuard = () => child.kill('SIGKILL') // never outlive the test process
  process.once('exit', orphanGuard)
  const url = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null)
      throw new InfraError(`Kafka Connect exited (${child.exitCode}). ${log}:\n${tail(log, 0, 40)}`)
    try {
      const plugins = await rest(`${url}/connector-plugins`)
      if (plugins.status === 200 && plugins.text.includes('JdbcSinkConnector')) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new InfraError(`Kafka Connect did not come up on ${url}. ${log}:\n${tail(log, 0, 40)}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }

  return {
    url,
    log,
    process: child,
    async putConnector(connector, config) {
      // The herder answers 409 while a rebalance is in progress (right after start): retry.
      for (let attempt = 0; ; attempt++) {
        const r = await rest(`${url}/connectors/${connector}/config`, 'PUT', config)
        if (r.status === 200 || r.status === 201) return
        if (r.status !== 409 || attempt > 40)
          throw new InfraError(`PUT connector ${connector}: HTTP ${r.status} ${r.text}`)
        await new Promise((res) => setTimeout(res, 500))
      }
    },
    async deleteConnector(connector) {
      const r = await rest(`${url}/connectors/${connector}`, 'DELETE')
      if (r.status !== 204 && r.status !== 404)
        throw new InfraError(`DELETE connector ${connector}: HTTP ${r.status} ${r.text}`)
    },
    async status(connector) {
      const r = await rest(`${url}/connectors/${connector}/status`)
      if (r.status !== 200) return { states: [`HTTP ${r.status}`], failures: [] }
      const s = JSON.parse(r.text) as ConnectorStatus
      const states = [
        `connector ${s.connector?.state}`,
        ...(s.tasks ?? []).map((t) => `task ${t.id} ${t.state}`),
      ]
      const failures = [s.connector, ...(s.tasks ?? [])]
        .filter((t) => t?.state === 'FAILED')
        // the exception and its causes, without the frames: what a reader needs to see why
        .map((t) => {
          const lines = (t?.trace ?? '').split('\n')
          return [lines[0], ...lines.filter((l) => l.startsWith('Caused by'))].join('\n')
        })
      return { states, failures }
    },
    async stop() {
      process.removeListener('exit', orphanGuard)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
      }
    },
  }
}

/** pyiceberg in its own venv under .infra/downstream/iceberg-python, pinned by iceberg-requirements.txt. */
export function ensureIcebergPython(): string {
  return ensureVenv(join(root, 'downstream', 'iceberg-python'), join(__dirname, 'iceberg-requirements.txt'), [
    'pyiceberg',
    'pyarrow',
    'sqlalchemy',
  ])
}
