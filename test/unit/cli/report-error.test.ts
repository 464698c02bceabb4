// What a person reads for each class of failure, and the exit code it ends with.
import { describeError } from '../../../src/cli/report-error'
import { exitCodes } from '../../../src/cli/exit-codes'
import { AuthError, ConfigError, ContractError, KafkaError, PersonioHttpError } from '../../../src/errors'

describe('cli > report-error', () => {
  it.each([
    [
      new ConfigError(['A: bad', 'B: worse']),
      exitCodes.usage.code,
      ['error: configuration: A: bad', 'error: configuration: B: worse'],
    ],
    [
      new AuthError('Personio refused the credentials'),
      exitCodes.personio.code,
      ['error: Personio: Personio refused the credentials'],
    ],
    [
      new PersonioHttpError('Personio said 500', { status: 500, method: 'GET', endpoint: '/v1/x' }),
      exitCodes.personio.code,
      ['error: Personio: Personio said 500'],
    ],
    [new KafkaError('broker gone'), exitCodes.kafka.code, ['error: Kafka: broker gone']],
    [new ContractError('incompatible'), exitCodes.registry.code, ['error: schema registry: incompatible']],
  ])('%s → one line per problem, no stack, its exit code', (error, code, lines) => {
    expect(describeError(error, false)).toEqual({ lines, exitCode: code })
  })

  it('a TLS failure talking to Personio names Personio and PERSONIO_BASE_URL, not the broker', () => {
    const plainHttp = Object.assign(new Error('write EPROTO ... wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    })
    const report = describeError(
      new PersonioHttpError(
        'Personio POST /v1/auth did not answer: write EPROTO',
        { status: 0, method: 'POST', endpoint: '/v1/auth' },
        { cause: plainHttp },
      ),
      false,
    )
    expect(report.exitCode).toBe(exitCodes.personio.code)
    expect(report.lines).toHaveLength(1)
    expect(report.lines[0]).toMatch(
      /^error: Personio: TLS handshake with Personio failed at POST \/v1\/auth .*check PERSONIO_BASE_URL/,
    )
    expect(report.lines[0]).not.toMatch(/broker|KAFKA_SSL/)
  })

  it('a TLS failure talking to the broker still names KAFKA_SSL_CA_FILE', () => {
    const untrusted = Object.assign(new Error('self-signed certificate'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    })
    const report = describeError(new KafkaError('Cannot connect', { cause: untrusted }), false)
    expect(report.lines[0]).toMatch(/^error: Kafka: TLS handshake with the broker failed .*KAFKA_SSL_CA_FILE/)
  })

  it('adds stacks at debug', () => {
    const report = describeError(new KafkaError('x', { cause: new Error('inner') }), true)
    expect(report.lines[0]).toBe('error: Kafka: x')
    expect(report.lines.slice(1).join('\n')).toMatch(/KafkaError: x\n\s+at [\s\S]*Error: inner\n\s+at /)
  })

  it('a real bug is exit 1 with its stack', () => {
    const report = describeError(new TypeError("Cannot read properties of undefined (reading 'x')"), false)
    expect(report.exitCode).toBe(exitCodes.internal.code)
    expect(report.lines[0]).toBe(
      "error: internal error (please report it): Cannot read properties of undefined (reading 'x')",
    )
    expect(report.lines[1]).toMatch(/^TypeError: .*\n\s+at /)
  })
})
