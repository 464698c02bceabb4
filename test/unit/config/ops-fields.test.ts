// The ops and fields sections of the configuration, as a user sets them through the environment.
import { loadConfig, redactConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig({ env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('config > ops and fields', () => {
  it('defaults: metrics on 0.0.0.0:9464, progress picked by terminal, no field policy', () => {
    const config = loadConfig({ env: {} })
    expect(config.ops).toEqual({
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      progress: 'auto',
      progressIntervalMs: 5000,
    })
    expect(config.fields).toEqual({ policy: {} })
  })

  it('reads FIELD_POLICY as JSON and never shows FIELD_HASH_KEY', () => {
    const config = loadConfig({
      env: {
        FIELD_POLICY: '{"employees":{"drop":["fix_salary"],"hash":["email"]}}',
        FIELD_HASH_KEY: 'sixteen-chars-key!',
        METRICS_PORT: '0',
        PROGRESS: 'log',
      },
    })
    expect(config.fields.policy).toEqual({ employees: { drop: ['fix_salary'], hash: ['email'] } })
    expect(config.ops).toMatchObject({ metricsPort: 0, progress: 'log' })
    expect(JSON.stringify(redactConfig(config))).not.toContain('sixteen-chars-key!')
  })

  it('names the variable of every bad setting', () => {
    expect(
      problems({
        FIELD_POLICY: '{"employees":{"drop":"fix_salary"}}',
        FIELD_HASH_KEY: 'short',
        METRICS_PORT: '70000',
        PROGRESS: 'fancy',
      }),
    ).toEqual([
      'METRICS_PORT (ops.metricsPort) must be <= 65535, got 70000; e.g. METRICS_PORT=9464',
      'PROGRESS (ops.progress) must be one of auto, tty, log, off, got "fancy"; e.g. PROGRESS=auto',
      'FIELD_POLICY (fields.policy.employees.drop): must be array',
      'FIELD_HASH_KEY (fields.hashKey) must NOT have fewer than 16 characters',
    ])
    expect(problems({ FIELD_POLICY: '{employees: nope}' })).toEqual([
      'FIELD_POLICY (fields.policy) must be object, got "{employees: nope}"; e.g. FIELD_POLICY={"employees":{"drop":["fix_salary"],"hash":["email"]}}',
    ])
  })
})

describe('config > ops and fields > inside FIELD_POLICY', () => {
  it('names the variable and the path of an unknown rule', () => {
    expect(problems({ FIELD_POLICY: '{"employees":{"dorp":["x"]}}' })).toEqual([
      'FIELD_POLICY (fields.policy.employees.dorp): unknown setting',
    ])
  })
})
