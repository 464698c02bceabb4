// On Node 24 a process that uses kafkajs 2.2.4 printed "TimeoutNegativeWarning: -1796197758819 is
// a negative number" on stderr for every connection (src/kafka/kafkajs/negative-timeouts.ts). Jest
// runs tests in a sandbox whose `process` is not the one Node's timers warn through, so this is
// seen in a child process, as a person sees it.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { startSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli-child'
import { captureEnv } from '../support/exactly-once'

const quieted = join(__dirname, '..', '..', 'src', 'kafka', 'kafkajs', 'negative-timeouts.ts')

function stderrOf(script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], (error, _out, err) =>
      error === null ? resolve(err) : reject(error),
    ),
  )
}

describe('e2e > runtime warnings', () => {
  it('a negative timer says nothing; every other warning is still printed', async () => {
    const stderr = await stderrOf(
      `require(${JSON.stringify(quieted)}); let ran = false; setTimeout(() => { ran = true }, -1796197758819);` +
        `process.emitWarning('still said', 'ExperimentalWarning'); setTimeout(() => { if (!ran) process.exit(3) }, 20)`,
    )
    expect(stderr).not.toContain('TimeoutNegativeWarning')
    expect(stderr).toContain('ExperimentalWarning: still said')
  })

  it('a sync through Kafka prints no negative-timeout warning', async () => {
    const sim = await startSimulator({ employees: 2, rateLimits: false })
    try {
      const run = await runCli(
        ['sync', '--once', '--resources', 'absence_types'],
        captureEnv(testInfra(), sim, uniqueName('warnings')),
      )
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    } finally {
      await sim.close()
    }
  })
})
