// scripts > infra > processes: ownership by marker, and the log lines quoted on failure.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOurs, logSize, tail } from '../../../src/infra/processes'

describe('infra > processes', () => {
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
