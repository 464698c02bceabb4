// Apicurio Registry 3.x (Quarkus fast-jar) on loopback, in-memory storage, serving the
// Confluent-compatible API at /apis/ccompat/v7. Global compatibility starts as BACKWARD, which
// is Confluent's default (Apicurio's own default is NONE), so tests see what users see.
import { join } from 'node:path'
import { layout } from './layout'
import { marker } from './kafka'
import { startDetached } from './processes'
import { identityHeader } from './readiness'

export const ccompatPath = '/apis/ccompat/v7'

export function registryUrl(port: number): string {
  return `http://127.0.0.1:${port}${ccompatPath}`
}

/** `identity`: a token only this start knows; the registry sends it back in a response header
 * (Quarkus `quarkus.http.header`), which is how readiness tells our registry from anyone else's. */
export function startRegistry(
  javaBin: string,
  home: string,
  port: number,
  managementPort: number,
  identity: string,
): number {
  return startDetached(
    javaBin,
    [
      '-Xmx512m',
      '-XX:+UseG1GC',
      // a local registry serves a few lookups per schema: start fast (C1 only) rather than peak
      '-XX:TieredStopAtLevel=1',
      marker,
      `-Dquarkus.http.header."${identityHeader}".value=${identity}`,
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${managementPort}`,
      '-Dapicurio.rules.global.compatibility=BACKWARD',
      '-Dquarkus.log.level=WARN',
      '-jar',
      join(home, 'quarkus-run.jar'),
    ],
    layout.registry.log,
    home,
  )
}
