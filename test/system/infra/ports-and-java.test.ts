// The parts of src/infra that need the machine: loopback port choice and the Java probe.
import { createServer } from 'node:net'
import { javaMajor } from '../../../src/infra/java'
import { choosePort, isPortFree } from '../../../src/infra/ports'

describe('infra > ports and java', () => {
  it('replaces a taken preferred port by a free one, never handing out one port twice', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const taken = (blocker.address() as { port: number }).port
    try {
      expect(await isPortFree(taken)).toBe(false)
      const handedOut = new Set<number>()
      const port = await choosePort(taken, handedOut)
      expect(port).not.toBe(taken)
      expect(await isPortFree(port)).toBe(true)
      expect(await choosePort(port, handedOut)).not.toBe(port)
      expect(await choosePort(undefined, handedOut)).toBeGreaterThan(0)
    } finally {
      blocker.close()
    }
  })

  it('reads the Java major version, and nothing from a missing binary', () => {
    expect(javaMajor('/nonexistent/bin/java')).toBeUndefined()
    expect(javaMajor('java')).toBeGreaterThanOrEqual(17)
  })
})
