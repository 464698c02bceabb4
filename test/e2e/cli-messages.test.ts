// Issue 10, "found when tried as a new user would": every mistake a person can make ends in one
// line that names the setting or argument, says what is wrong and shows a good value, with the
// documented exit code of its class. No stack traces. Each case runs the real CLI.
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { exitCodes } from '../../src/cli/exit-codes'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { hasStack, interruptCli, logLines, messageLines, runCli } from '../support/cli'

const usage = exitCodes.usage.code

/** The one error line, plus commander's usage hint when it is a usage mistake. */
function theErrorLine(stderr: string): string {
  const lines = messageLines(stderr).filter((l) => l !== '(run with --help for usage)')
  expect(lines).toHaveLength(1)
  expect(hasStack(stderr)).toBe(false)
  return lines[0] as string
}

describe('e2e > cli > messages a person reads', () => {
  const { brokers, registryUrl } = testInfra()
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 3, rateLimits: false })
  })
  afterAll(() => sim.close())
  const personio = () => ({
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
  })

  it('a Node.js older than engines allows: one line naming the versions and what to do, exit 2', async () => {
    const node20 = join(__dirname, '..', 'support', 'preload', 'node-20.js')
    const run = await runCli(['--version'], { NODE_OPTIONS: `--require ${node20}` })
    expect(run.code).toBe(usage)
    const line = theErrorLine(run.stderr)
    expect(line).toMatch(
      /^personio-kafka needs Node\.js 22\.22\+ or 24\.11\+ \(24 LTS recommended\); this is v20\.20\.2\./,
    )
    expect(line).toContain('scripts/node-runtime.sh 24.21.0')
    expect(run.stdout).toBe('')
  })

  it('status before any run: every resource "not started", exit 0, nothing created', async () => {
    const prefix = uniqueName('never-run')
    const run = await runCli(['status'], { KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: prefix })
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    const rows = run.stdout.split('\n').filter((l) => /^[a-z_]+ /.test(l) && !l.startsWith('resource '))
    expect(rows.length).toBeGreaterThanOrEqual(10)
    for (const row of rows) expect(row).toMatch(/not started/)
    const again = await runCli(['status', '--json'], {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: prefix,
    })
    expect((JSON.parse(again.stdout) as { phase: string }[]).map((r) => r.phase)).toEqual(
      rows.map(() => 'not started'),
    )
  })

  it('the configuration is logged at debug only: a refused credential at the default level is one line', async () => {
    const run = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      PERSONIO_CLIENT_SECRET: 'wrong',
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: uniqueName('cli'),
    })
    expect(run.code).toBe(exitCodes.personio.code)
    expect(theErrorLine(run.stderr)).toMatch(/refused the credentials/)
    expect(logLines(run.stderr).filter((l) => l.msg === 'configuration')).toEqual([])
    const debug = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      PERSONIO_CLIENT_SECRET: 'wrong',
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: uniqueName('cli'),
      LOG_LEVEL: 'debug',
    })
    expect(logLines(debug.stderr).filter((l) => l.msg === 'configuration')).toHaveLength(1)
  })

  it('an https Personio URL answered by a plain-HTTP server: one line naming Personio, not the broker', async () => {
    const plain = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    try {
      const port = (plain.address() as AddressInfo).port
      const run = await runCli(['snapshot', '--resources', 'absence_types'], {
        ...personio(),
        PERSONIO_BASE_URL: `https://127.0.0.1:${port}`,
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
        TOPIC_PREFIX: uniqueName('cli'),
        TOPIC_REPLICATION_FACTOR: '1',
      })
      expect(run.code).toBe(exitCodes.personio.code)
      const line = theErrorLine(run.stderr)
      expect(line).toMatch(/^error: Personio: TLS handshake with Personio failed .*check PERSONIO_BASE_URL/)
      expect(line).not.toMatch(/broker|KAFKA_SSL/)
    } finally {
      plain.close()
    }
  })

  it('simulate on a port in use: one line naming the port and --port, exit 2', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (busy.address() as AddressInfo).port
      const run = await runCli(['simulate', '--port', String(port)])
      expect(run.code).toBe(usage)
      expect(theErrorLine(run.stderr)).toMatch(
        new RegExp(
          `cannot listen on 127\\.0\\.0\\.1:${port} \\(the port is in use\\); pick another with --port`,
        ),
      )
    } finally {
      busy.close()
    }
  })

  it('PERSONIO_BASE_URL without a scheme: one line naming it, with an example, exit 2', async () => {
    const run = await runCli(['snapshot'], { PERSONIO_BASE_URL: 'localhost:18999' })
    expect(run.code).toBe(usage)
    const line = theErrorLine(run.stderr)
    expect(line).toContain('PERSONIO_BASE_URL')
    expect(line).toContain('must be an http(s) URL')
    expect(line).toContain('"localhost:18999"')
    expect(line).toContain('e.g. PERSONIO_BASE_URL=https://api.personio.de')
  })

  it('snapshot --resources with an unknown name: names the option, the bad name and the known ones', async () => {
    const run = await runCli(['snapshot', '--resources', 'bogus,employees'])
    expect(run.code).toBe(usage)
    const line = theErrorLine(run.stderr)
    expect(line).toMatch(/--resources.*unknown resource bogus; known: employees, absences/)
    expect(line).toContain('E.g. employees,absences')
  })

  it.each([
    [['simulate', '--employees', 'abc'], '--employees', 'e.g. 500'],
    [['snapshot', '--simulator', 'abc'], '--simulator', 'e.g. 50'],
    [['snapshot', '--simulator=-5'], '--simulator', 'e.g. 50'],
    [['simulate', '--port', '70000'], '--port', 'e.g. 8787'],
  ])('%j is refused with one line naming the option and a good value', async (args, option, example) => {
    const run = await runCli(args)
    expect(run.code).toBe(usage)
    const line = theErrorLine(run.stderr)
    expect(line).toContain(option)
    expect(line).toContain('must be a whole number')
    expect(line).toContain(example)
  })

  it('simulate --webhook-url without a scheme: one line with a good value', async () => {
    const run = await runCli(['simulate', '--webhook-url', 'localhost:9000'])
    expect(run.code).toBe(usage)
    expect(theErrorLine(run.stderr)).toBe(
      "error: option '--webhook-url <url>' argument 'localhost:9000' is invalid. must be an http(s) URL with a host, e.g. http://127.0.0.1:9000/webhooks.",
    )
  })

  it('an unknown option is one line and exit 2', async () => {
    const run = await runCli(['snapshot', '--bogus'])
    expect(run.code).toBe(usage)
    expect(theErrorLine(run.stderr)).toBe("error: unknown option '--bogus'")
  })

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string
    }
    const run = await runCli(['--version'])
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })

  it('an unreachable broker: one clear line within seconds, no kafkajs lines at warn or error, exit 4', async () => {
    const unreachable = {
      ...personio(),
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: registryUrl,
    }
    const run = await runCli(['snapshot', '--resources', 'absence_types'], unreachable)
    expect(run.code).toBe(exitCodes.kafka.code)
    const line = theErrorLine(run.stderr)
    expect(line).toMatch(/^error: Kafka: .*ECONNREFUSED 127\.0\.0\.1:1.*KAFKA_BROKERS/)
    expect(logLines(run.stderr).filter((l) => l.component === 'kafkajs' && Number(l.level) >= 40)).toEqual([])
    // "Within seconds" by our retry policy (src/kafka/kafkajs/client.ts), not kafkajs' default of
    // ~13 s: five attempts, each back-off at most 2 s, read from what kafkajs logs at debug (a
    // wall clock would measure the machine too: a loaded one stretches it).
    const debug = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...unreachable,
      LOG_LEVEL: 'debug',
    })
    const retries = logLines(debug.stderr).filter(
      (l) => l.component === 'kafkajs' && typeof l.retryCount === 'number',
    )
    expect(Math.max(...retries.map((l) => Number(l.retryCount)))).toBe(4)
    expect(Math.max(...retries.map((l) => Number(l.retryTime)))).toBeLessThanOrEqual(2_000)
  })

  it.each(['status', 'deletes list', 'deletes approve'])(
    '%s with the brokers unreachable: the same one line as run and sync, exit 4',
    async (command) => {
      const run = await runCli(command.split(' '), { KAFKA_BROKERS: '127.0.0.1:1' })
      expect(run.code).toBe(exitCodes.kafka.code)
      expect(theErrorLine(run.stderr)).toMatch(
        /^error: Kafka: Kafka at 127\.0\.0\.1:1 did not answer \(.*ECONNREFUSED.*\); check KAFKA_BROKERS/,
      )
      expect(run.stdout).toBe('')
    },
  )

  it('run with a bad configuration: the one error line, no log line before it, exit 2', async () => {
    const run = await runCli(['run'], { KAFKA_BROKERS: brokers.join(',') })
    expect(run.code).toBe(usage)
    expect(theErrorLine(run.stderr)).toMatch(
      /^error: configuration: PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET/,
    )
    expect(logLines(run.stderr)).toEqual([])
  })

  it('a successful run logs no kafkajs line at warn or error', async () => {
    const run = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: uniqueName('cli'),
      TOPIC_REPLICATION_FACTOR: '1',
    })
    expect(run.code).toBe(0)
    const loud = logLines(run.stderr).filter((l) => Number(l.level) >= 40)
    expect(loud).toEqual([])
    expect(run.stdout).toMatch(/absence_types\s+snapshot\s+\d+/)
  })

  it('SCHEMA_REGISTRY_URL without /apis/ccompat/v7: says what the URL probably lacks, exit 5', async () => {
    const root = registryUrl.replace(/\/apis\/ccompat\/v7\/?$/, '')
    const run = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: root,
      TOPIC_PREFIX: uniqueName('cli'),
      TOPIC_REPLICATION_FACTOR: '1',
    })
    expect(run.code).toBe(exitCodes.registry.code)
    const line = theErrorLine(run.stderr)
    expect(line).toContain('SCHEMA_REGISTRY_URL probably lacks the API path')
    expect(line).toContain(`e.g. SCHEMA_REGISTRY_URL=${root}/apis/ccompat/v7`)
  })

  it.each([
    [
      'Personio unreachable',
      { PERSONIO_BASE_URL: 'http://127.0.0.1:1' },
      exitCodes.personio.code,
      /^error: Personio: .*ECONNREFUSED.*; check PERSONIO_BASE_URL .*e\.g\. PERSONIO_BASE_URL=https:\/\/api\.personio\.de$/,
    ],
    [
      'Personio refusing the credentials',
      { PERSONIO_CLIENT_SECRET: 'wrong' },
      exitCodes.personio.code,
      /^error: Personio: Personio refused the credentials .*Check PERSONIO_CLIENT_ID \/ PERSONIO_CLIENT_SECRET/,
    ],
    [
      'the registry unreachable',
      { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' },
      exitCodes.registry.code,
      /^error: schema registry: .*unreachable.*check SCHEMA_REGISTRY_URL/,
    ],
  ])('%s: one line naming the setting, its exit code', async (_what, wrong, code, line) => {
    const run = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: uniqueName('cli'),
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'warn',
      ...wrong,
    })
    expect(run.code).toBe(code)
    expect(theErrorLine(run.stderr)).toMatch(line)
  })

  it('Ctrl-C during a long snapshot: one line, exit 130', async () => {
    const slow = await startSimulator({ employees: 1000, rateLimits: true })
    try {
      const run = await interruptCli(
        ['snapshot'],
        {
          PERSONIO_BASE_URL: slow.url,
          PERSONIO_CLIENT_ID: 'sim-client',
          PERSONIO_CLIENT_SECRET: 'sim-secret',
          KAFKA_BROKERS: brokers.join(','),
          SCHEMA_REGISTRY_URL: registryUrl,
          TOPIC_PREFIX: uniqueName('cli'),
          TOPIC_REPLICATION_FACTOR: '1',
          LOG_LEVEL: 'warn',
        },
        // in the middle of the snapshot: a few pages of employees read, the rest to come
        () => slow.log.filter((r) => r.path.startsWith('/v1/company/employees')).length >= 3,
      )
      expect(run.code).toBe(exitCodes.interrupted.code)
      expect(messageLines(run.stderr)).toEqual([
        expect.stringMatching(
          /^interrupted: snapshot stopped; .*read_committed consumers see nothing half-published/,
        ),
      ])
    } finally {
      await slow.close()
    }
  })

  it('a secret read from a *_FILE is used and never printed, even at debug', async () => {
    const run = await runCli(['snapshot', '--resources', 'absence_types'], {
      ...personio(),
      PERSONIO_CLIENT_SECRET: '',
      PERSONIO_CLIENT_SECRET_FILE: join(__dirname, '..', 'fixtures', 'secrets', 'personio_client_secret'),
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: uniqueName('cli'),
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'debug',
    })
    expect(run.code).toBe(0)
    expect(`${run.stdout}${run.stderr}`).not.toContain('sim-secret')
  })
})

describe('e2e > cli > help', () => {
  it('shows the environment as plain text with unquoted defaults, and the exit codes', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).not.toMatch(/\|\s*---|`/)
    expect(run.stdout).toMatch(/^ {2}KAFKA_BROKERS +Bootstrap brokers.*\n +default: 127\.0\.0\.1:9092$/m)
    expect(run.stdout).toMatch(/^ {2}2 +usage or configuration/m)
  })

  it.each([
    'snapshot',
    'simulate',
    'schemas',
    'doctor',
    'status',
    'reset',
    'resnapshot',
    'deletes',
    'demo',
    'webhooks',
  ])('%s --help has examples and unquoted defaults', async (command) => {
    const run = await runCli([command, '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Examples:')
    expect(run.stdout).not.toContain('(default: "')
  })
})
