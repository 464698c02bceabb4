// The pure and local parts of scripts/infra: broker settings, port choice, process ownership.
import { createServer } from 'node:net'
import { serverProperties } from '../../../scripts/infra/kafka'
import { choosePort, isPortFree } from '../../../scripts/infra/ports'
import { isOurs } from '../../../scripts/infra/processes'
import { javaMajor } from '../../../scripts/infra/java'

describe('infra > pure parts', () => {
  it('writes a single-node KRaft broker whose internal topics fit one node', () => {
    const props = serverProperties(19092, 19093)
    for (const line of [
      'process.roles=broker,controller',
      'controller.quorum.voters=1@127.0.0.1:19093',
      'listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners=PLAINTEXT://127.0.0.1:19092',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'group.initial.rebalance.delay.ms=0',
    ]) {
      expect(props.split('\n')).toContain(line)
    }
  })

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
    } finally {
      blocker.close()
    }
  })

  it('never claims a process it did not start', () => {
    expect(isOurs(1, '-Dpersonio.kafka.infra=/nowhere')).toBe(false)
    expect(isOurs(process.pid, 'no-such-marker-in-jest-argv')).toBe(false)
    expect(isOurs(undefined, 'x')).toBe(false)
    expect(isOurs(2 ** 22 + 12345, 'x')).toBe(false)
  })

  it('reads the Java major version, and nothing from a missing binary', () => {
    expect(javaMajor('/nonexistent/bin/java')).toBeUndefined()
    expect(javaMajor('java')).toBeGreaterThanOrEqual(17)
  })
})
