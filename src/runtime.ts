// Refuses a Node.js older than package.json's `engines` with one line, before anything else loads:
// undici 8 needs Node 22.19 (and the test tooling, testcontainers 12, 22.22); on Node 20 the CLI
// would fail with a stack trace deep inside a require. Imported first by src/cli.ts (and so by
// bin/personio-kafka.js). A newer major than listed is let through: npm's `engines` warns of it.

/** The oldest release of each supported line; a later major than the newest here is accepted. */
export const supportedNode = [
  [22, 22],
  [24, 11],
] as const

/** Why this Node cannot run personio-kafka, or undefined when it can. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const line = supportedNode.find(([m]) => m === major)
  const newest = Math.max(...supportedNode.map(([m]) => m))
  if (line !== undefined ? minor >= line[1] : major > newest) return undefined
  const wanted = supportedNode.map(([m, n]) => `${m}.${n}+`).join(' or ')
  return `personio-kafka needs Node.js ${wanted} (24 LTS recommended); this is v${version.replace(/^v/, '')}. Install Node.js 24 LTS, or in this checkout: export PATH="$(scripts/node-runtime.sh 24.21.0):$PATH"`
}

const refused = unsupportedNode(process.versions.node)
if (refused !== undefined) {
  process.stderr.write(`${refused}\n`)
  process.exit(2)
}
