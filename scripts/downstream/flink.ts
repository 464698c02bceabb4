// Flink SQL for the downstream test: the jars from Maven Central (one tiny pom, copied by
// maven-dependency-plugin like src/infra/download.ts does for Kafka), a one-class program
// compiled with the JDK's javac, and a running job in a local MiniCluster that executes a file
// of Flink SQL statements. The job keeps running until it is stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { InfraError } from '../../src/errors'
import { findJava } from '../../src/infra/java'
import { tail } from '../../src/infra/processes'
import { downstreamLayout as layout, downstreamVersions as v } from './layout'
import { stderrLog4j } from './log4j'

const dep = (g: string, a: string, version: string) =>
  `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${version}</version></dependency>`

export function flinkPom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.personio-kafka</groupId><artifactId>flink-downstream</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
${dep('org.apache.flink', 'flink-table-api-java', v.flink)}
${dep('org.apache.flink', 'flink-table-planner-loader', v.flink)}
${dep('org.apache.flink', 'flink-table-runtime', v.flink)}
${dep('org.apache.flink', 'flink-clients', v.flink)}
${dep('org.apache.flink', 'flink-sql-connector-kafka', v.flinkKafka)}
${dep('org.apache.flink', 'flink-sql-avro-confluent-registry', v.flinkAvroConfluent)}
${dep('org.apache.flink', 'flink-connector-jdbc-core', v.flinkJdbc)}
${dep('org.apache.flink', 'flink-connector-jdbc-postgres', v.flinkJdbc)}
${dep('org.postgresql', 'postgresql', v.postgresJdbc)}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', v.log4j)}
${dep('org.apache.logging.log4j', 'log4j-core', v.log4j)}
</dependencies></project>
`
}

/** A folder of jars; written to a temp folder first so a killed download never looks complete. */
export function ensureFlinkJars(): string {
  const { libs, pom } = layout.flink
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('flink-table-api-java-'))) return libs
  mkdirSync(dirname(pom), { recursive: true })
  writeFileSync(pom, flinkPom())
  const partial = `${libs}.partial`
  rmSync(partial, { recursive: true, force: true })
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
    ],
    { cwd: dirname(pom), encoding: 'utf8' },
  )
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')
    throw new InfraError(`Maven failed to fetch the Flink jars:\n${output}\nIs Maven Central reachable?`)
  }
  renameSync(partial, libs)
  return libs
}

const classpath = (libs: string, extra: string[] = []) =>
  [...extra, ...readdirSync(libs).map((f) => join(libs, f))].join(delimiter)

function javaHome(): { java: string; javac: string } {
  const runtime = findJava(17)
  if (runtime === undefined) throw new InfraError('Flink 2.0 needs Java 17 or newer; none found')
  const javac = join(dirname(runtime.bin), 'javac')
  return { java: runtime.bin, javac: existsSync(javac) ? javac : 'javac' }
}

/** Compiles the SQL runner once per source change (javac from the JDK, the Flink jars as classpath). */
export function ensureFlinkProgram(): { java: string; classpath: string } {
  const libs = ensureFlinkJars()
  const { java, javac } = javaHome()
  const out = layout.flink.classes
  const compiled = join(out, 'DownstreamSql.class')
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(layout.flink.source).mtimeMs) {
    mkdirSync(out, { recursive: true })
    const result = spawnSync(javac, ['-d', out, '-cp', classpath(libs), layout.flink.source], {
      encoding: 'utf8',
    })
    if (result.status !== 0) throw new InfraError(`javac failed:\n${result.stderr}${result.stdout}`)
  }
  writeFileSync(layout.flink.log4j, stderrLog4j())
  return { java, classpath: classpath(libs, [out]) }
}

export interface RunningFlinkJob {
  process: ChildProcess
  log: string
  /** resolves when the statement set was submitted and the job runs */
  running: Promise<void>
  stop(): Promise<void>
}

/** Runs every statement of `sqlFile` (DDL first, then the INSERTs as one job) in a local MiniCluster. */
export function startFlinkJob(sqlFile: string, name: string): RunningFlinkJob {
  const program = ensureFlinkProgram()
  mkdirSync(layout.logs, { recursive: true })
  const log = join(layout.logs, `flink-${name}.log`)
  const out = openSync(log, 'w')
  const child = spawn(
    program.java,
    [
      '-Xmx768m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1', // a test job over a few hundred rows: start fast rather than peak
      // jars from Maven Central: verifying their bytecode again at every start cost a fifth of
      // the CPU the job spends until it runs (5 s instead of 6 here)
      '-XX:+UnlockDiagnosticVMOptions',
      '-XX:-BytecodeVerificationRemote',
      '-Duser.timezone=UTC',
      `-Dlog4j2.configurationFile=${layout.flink.log4j}`,
      // Flink 2.0 on Java 17+: the module opens its docs ask for (kryo, reflection on JDK classes)
      '--add-opens=java.base/java.util=ALL-UNNAMED',
      '--add-opens=java.base/java.lang=ALL-UNNAMED',
      '-cp',
      program.classpath,
      'DownstreamSql',
      sqlFile,
    ],
    { stdio: ['ignore', out, out] },
  )
  closeSync(out)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const orphanGuard = () => child.kill('SIGKILL') // never outlive the test process
  process.once('exit', orphanGuard)
  const running = new Promise<void>((resolve, reject) => {
    const started = Date.now()
    const poll = setInterval(() => {
      const text = tail(log, 200)
      if (text.includes('FLINK_JOB_RUNNING')) {
        clearInterval(poll)
        resolve()
      } else if (child.exitCode !== null || Date.now() - started > 120_000) {
        clearInterval(poll)
        reject(
          new InfraError(
            `Flink job ${name} did not start (exit ${child.exitCode}). ${log}:\n${tail(log, 40)}`,
          ),
        )
      }
    }, 250)
  })
  return {
    process: child,
    log,
    running,
    async stop() {
      process.removeListener('exit', orphanGuard)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
    },
  }
}
