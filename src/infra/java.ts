// Finds a Java runtime of at least a given major version. Kafka 4 runs on 17; Apicurio 3.3 is
// compiled for 21, which Debian 12 does not package, so we also look beside the default JDK
// (/usr/lib/jvm/*: e.g. a Temurin JDK) and honour JAVA_HOME / APICURIO_JAVA_HOME.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface JavaRuntime {
  bin: string
  major: number
}

export function javaMajor(bin: string): number | undefined {
  const result = spawnSync(bin, ['-version'], { encoding: 'utf8' })
  if (result.error !== undefined || result.status !== 0) return undefined
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`)
  if (match === null) return undefined
  const first = Number(match[1])
  return first === 1 ? Number(match[2]) : first // "1.8" style
}

function candidates(extraHomes: readonly (string | undefined)[]): string[] {
  const homes = [...extraHomes, process.env.JAVA_HOME]
  const jvmRoots = ['/usr/lib/jvm', '/opt/java', '/usr/local/lib/jvm']
  for (const root of jvmRoots) {
    if (!existsSync(root)) continue
    for (const entry of readdirSync(root)) homes.push(join(root, entry))
  }
  const bins = homes
    .flatMap((h) => (h === undefined ? [] : [join(h, 'bin', 'java')]))
    .filter((b) => existsSync(b))
  return ['java', ...bins]
}

/** The newest runtime that satisfies `minMajor`, preferring an explicitly configured home. */
export function findJava(minMajor: number, preferredHome?: string): JavaRuntime | undefined {
  if (preferredHome !== undefined) {
    const bin = join(preferredHome, 'bin', 'java')
    const major = javaMajor(bin)
    if (major !== undefined && major >= minMajor) return { bin, major }
  }
  let best: JavaRuntime | undefined
  for (const bin of candidates([preferredHome])) {
    const major = javaMajor(bin)
    if (major !== undefined && major >= minMajor && (best === undefined || major > best.major))
      best = { bin, major }
  }
  return best
}
