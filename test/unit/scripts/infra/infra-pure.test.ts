// The pure parts of scripts/infra: broker settings, port overrides, process ownership by marker,
// the log lines quoted on failure. Sockets and JVMs are in test/system/infra/.
import { mkdtempSync, appendFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serverProperties } from '../../../../scripts/infra/kafka'
import { parsePorts } from '../../../../scripts/infra/layout'
import { isOurs, logSize, tail } from '../../../../scripts/infra/processes'

describe('scripts > infra > pure parts', () => {
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

  it('reads PK_INFRA_PORTS as four ports, and refuses anything else', () => {
    expect(parsePorts(undefined)).toBeUndefined()
    expect(parsePorts('1,2,3,4')).toEqual({ kafka: 1, controller: 2, registry: 3, registryManagement: 4 })
    expect(() => parsePorts('1,2,3')).toThrow(/four ports/)
    expect(() => parsePorts('1,2,3,70000')).toThrow(/four ports/)
  })

  it('never claims a process it did not start, nor one whose marker only starts like ours', () => {
    expect(isOurs(1, '-Dpersonio.kafka.infra=/nowhere')).toBe(false)
    expect(isOurs(process.pid, 'no-such-marker-in-jest-argv')).toBe(false)
    expect(isOurs(undefined, 'x')).toBe(false)
    expect(isOurs(2 ** 22 + 12345, 'x')).toBe(false)
    // Our own argv holds the full path of the jest binary; a prefix of it is not a match.
    const arg = process.argv[1] as string
    expect(isOurs(process.pid, arg)).toBe(true)
    expect(isOurs(process.pid, arg.slice(0, -1))).toBe(false)
  })

  it('quotes only the log lines this start wrote, and says so when there are none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pk-tail-'))
    const log = join(dir, 'kafka.log')
    try {
      expect(tail(log)).toMatch(/has no lines from this start/)
      appendFileSync(log, 'old run: started\nold run: stopped\n')
      const from = logSize(log)
      expect(tail(log, from)).toMatch(/has no lines from this start/)
      appendFileSync(log, 'Socket server failed to bind to 127.0.0.1:19093\n')
      expect(tail(log, from)).toBe('Socket server failed to bind to 127.0.0.1:19093')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
