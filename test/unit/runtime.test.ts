// The one-line refusal of an old Node.js agrees with package.json's `engines`, which npm reads.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { supportedNode, unsupportedNode } from '../../src/runtime'

const engines = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    engines: { node: string }
  }
).engines.node

describe('runtime > supported Node.js', () => {
  it('is the engines range of package.json, line by line', () => {
    expect(engines).toBe(supportedNode.map(([major, minor]) => `^${major}.${minor}.0`).join(' || '))
  })

  it.each(['22.22.0', 'v22.23.3', '24.11.0', '24.21.0', '26.1.0'])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined()
  })

  it.each(['20.20.2', '22.21.1', '23.11.0', '24.10.0', '18.0.0'])(
    'refuses %s in one line that says what to do',
    (version) => {
      const refusal = unsupportedNode(version) ?? ''
      expect(refusal).toContain(`this is v${version}`)
      expect(refusal).toMatch(/needs Node\.js 22\.22\+ or 24\.11\+/)
      expect(refusal).toContain('Install Node.js 24 LTS')
      expect(refusal).not.toContain('\n')
    },
  )
})
