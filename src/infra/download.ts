// Fetches the broker's jars and the registry's archive from Maven Central through Maven itself
// (so ~/.m2 caches them and proxies/mirrors configured for Maven apply), once per version.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { InfraError } from '../errors'
import { layout, versions } from './layout'

function mvn(args: string[], cwd: string): void {
  const result = spawnSync('mvn', ['-B', '-q', ...args], { cwd, encoding: 'utf8' })
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')
    throw new InfraError(`Maven failed (mvn ${args.join(' ')}):\n${output}\nIs Maven Central reachable?`)
  }
}

function kafkaPom(): string {
  const dep = (g: string, a: string, v: string) =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.personio-kafka</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
${dep('org.apache.kafka', 'kafka_2.13', versions.kafka)}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', versions.log4j)}
${dep('org.apache.logging.log4j', 'log4j-core', versions.log4j)}
</dependencies></project>
`
}

/** A folder of jars for the broker. Written to a temp folder first so a killed download never looks complete. */
export function ensureKafkaJars(): string {
  const { libs, pom } = layout.kafka
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return libs
  mkdirSync(dirname(pom), { recursive: true })
  writeFileSync(pom, kafkaPom())
  const partial = `${libs}.partial`
  rmSync(partial, { recursive: true, force: true })
  mvn(
    [
      `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
    ],
    dirname(pom),
  )
  renameSync(partial, libs)
  return libs
}

/** The unpacked Apicurio Registry (a Quarkus fast-jar folder holding quarkus-run.jar). */
export function ensureRegistry(): string {
  const home = layout.registry.home
  if (existsSync(join(home, 'quarkus-run.jar'))) return home
  const artifact = `io.apicurio:apicurio-registry-app:${versions.apicurio}:tar.gz:all`
  mkdirSync(dirname(home), { recursive: true })
  mvn(
    [
      `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}:get`,
      `-Dartifact=${artifact}`,
      '-Dtransitive=false',
    ],
    dirname(home),
  )
  const repo = process.env.MAVEN_REPO_LOCAL ?? join(homedir(), '.m2', 'repository')
  const tarball = join(
    repo,
    'io/apicurio/apicurio-registry-app',
    versions.apicurio,
    `apicurio-registry-app-${versions.apicurio}-all.tar.gz`,
  )
  if (!existsSync(tarball)) throw new InfraError(`Maven reported success but ${tarball} is missing`)
  const partial = `${home}.partial`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(partial, { recursive: true })
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', partial], { encoding: 'utf8' })
  if (untar.status !== 0) throw new InfraError(`Cannot unpack ${tarball}: ${untar.stderr}`)
  if (!existsSync(join(partial, 'quarkus-run.jar'))) {
    throw new InfraError(
      `${tarball} has no quarkus-run.jar; is apicurio ${versions.apicurio} a Quarkus fast-jar?`,
    )
  }
  renameSync(partial, home)
  return home
}
