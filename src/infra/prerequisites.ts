// The tools the local infrastructure needs, checked up front with an error that says what to install.
import { spawnSync } from 'node:child_process'
import { InfraError } from '../errors'
import { findJava, type JavaRuntime } from './java'

export interface Runtimes {
  /** runs Kafka (17+) */
  kafkaJava: JavaRuntime
  /** runs Apicurio Registry 3.3 (21+) */
  registryJava: JavaRuntime
}

export function checkPrerequisites(): Runtimes {
  const problems: string[] = []
  const kafkaJava = findJava(17)
  const registryJava = findJava(21, process.env.APICURIO_JAVA_HOME)
  if (kafkaJava === undefined) problems.push('no Java 17 or newer found (PATH, JAVA_HOME, /usr/lib/jvm)')
  else if (registryJava === undefined) {
    problems.push(
      'Apicurio Registry 3.3 needs Java 21 or newer and none was found (PATH, JAVA_HOME, APICURIO_JAVA_HOME, /usr/lib/jvm); ' +
        'install one (e.g. Temurin 21) and set APICURIO_JAVA_HOME to it',
    )
  }
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' })
  if (mvn.error !== undefined || mvn.status !== 0) problems.push('`mvn` (Maven 3) is not on PATH')
  if (problems.length > 0 || kafkaJava === undefined || registryJava === undefined) {
    throw new InfraError(
      `Cannot start the local Kafka and schema registry: ${problems.join('; ')}. ` +
        'Debian/Ubuntu: `apt-get install openjdk-17-jre-headless maven`. Alternatives: Docker ' +
        '(`docker compose up`), or point the tests at running services with KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
    )
  }
  return { kafkaJava, registryJava }
}
