// Secrets from files (`<VAR>_FILE`), never printed; Kafka TLS/SASL settings that only make sense
// together; URLs that must be http(s) with a host. Each problem is one line naming the variable.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, redactConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig({ env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

const dir = mkdtempSync(join(tmpdir(), 'pk-secrets-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('config > secrets and security', () => {
  it('reads every secret and the ids from <VAR>_FILE, without the trailing newline, and never prints them', () => {
    const config = loadConfig({
      env: {
        PERSONIO_CLIENT_ID_FILE: file('id', 'papi-id\n'),
        PERSONIO_CLIENT_SECRET_FILE: file('secret', 'p-secret\n'),
        SCHEMA_REGISTRY_USERNAME: 'sr',
        SCHEMA_REGISTRY_PASSWORD_FILE: file('sr', 'sr-secret'),
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME_FILE: file('user', 'svc\n'),
        KAFKA_SASL_PASSWORD_FILE: file('pw', 'k-secret\n'),
      },
    })
    expect(config.personio).toMatchObject({ clientId: 'papi-id', clientSecret: 'p-secret' })
    expect(config.registry.password).toBe('sr-secret')
    expect(config.kafka).toMatchObject({
      saslMechanism: 'scram-sha-512',
      saslUsername: 'svc',
      saslPassword: 'k-secret',
    })
    const shown = JSON.stringify(redactConfig(config))
    for (const secret of ['p-secret', 'sr-secret', 'k-secret']) expect(shown).not.toContain(secret)
  })

  it('names an unreadable file and refuses a variable set twice', () => {
    expect(
      problemsOf({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD_FILE: '/no/such',
      }),
    ).toEqual([
      'KAFKA_SASL_PASSWORD_FILE: cannot read /no/such (ENOENT); give the path of a readable file holding the value, e.g. /run/secrets/kafka_sasl_password',
    ])
    expect(
      problemsOf({ SCHEMA_REGISTRY_PASSWORD: 'a', SCHEMA_REGISTRY_PASSWORD_FILE: file('x', 'b') }),
    ).toEqual(['SCHEMA_REGISTRY_PASSWORD and SCHEMA_REGISTRY_PASSWORD_FILE are both set: keep one of them'])
  })

  it('checks SASL and TLS settings that belong together, with an example', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-1' })[0]).toBe(
      'KAFKA_SASL_MECHANISM (kafka.saslMechanism) must be one of plain, scram-sha-256, scram-sha-512, got "scram-sha-1"',
    )
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_USERNAME/PASSWORD are set but KAFKA_SASL_MECHANISM is not; e.g. KAFKA_SASL_MECHANISM=scram-sha-512',
    ])
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\n')
    expect(problemsOf({ KAFKA_SSL_CA_FILE: ca })).toEqual([
      'KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true; set KAFKA_SSL=true',
    ])
    expect(problemsOf({ KAFKA_SSL: 'yes' })).toEqual([
      'KAFKA_SSL (kafka.ssl) must be true or false, got "yes"; e.g. KAFKA_SSL=false',
    ])
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: ca })).toEqual([
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both (mutual TLS) or neither',
    ])
    expect(loadConfig({ env: { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca } }).kafka).toMatchObject({
      ssl: true,
      sslCaFile: ca,
      sslRejectUnauthorized: true,
    })
  })

  it.each(['localhost:18999', 'ftp://host', 'http://', 'https:///path'])(
    'refuses %s as a URL in one line with an example',
    (url) => {
      expect(problemsOf({ PERSONIO_BASE_URL: url, SCHEMA_REGISTRY_URL: url })).toEqual([
        `PERSONIO_BASE_URL (personio.baseUrl) must be an http(s) URL with a host, got "${url}"; e.g. PERSONIO_BASE_URL=https://api.personio.de`,
        `SCHEMA_REGISTRY_URL (registry.url) must be an http(s) URL with a host, got "${url}"; e.g. SCHEMA_REGISTRY_URL=http://127.0.0.1:8080/apis/ccompat/v7`,
      ])
    },
  )
})
