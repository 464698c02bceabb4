// Per-resource settings: defaults, CAPTURE_RESOURCES and CAPTURE_OVERRIDES, every mistake at once.
import { parseDuration, resolveSettings } from '../../../src/capture/settings'
import { loadConfig } from '../../../src/config'
import { ConfigError } from '../../../src/errors'

const capture = (env: Record<string, string>) => loadConfig({ env }).capture

describe('capture > settings', () => {
  it('reads durations with units', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('30s'),
      parseDuration('15m'),
      parseDuration('2h'),
      parseDuration('1d'),
      parseDuration('500'),
    ]).toEqual([250, 30_000, 900_000, 7_200_000, 86_400_000, 500])
    expect(parseDuration('soon')).toBeUndefined()
  })

  it('applies defaults, the enabled list and per-resource overrides', () => {
    const s = resolveSettings(
      capture({
        CAPTURE_RESOURCES: 'employees,absences',
        CAPTURE_OVERRIDES: 'employees.poll=30s, absences.overlap=1d,absences.enabled=false',
      }),
    )
    expect(s.employees).toMatchObject({ enabled: true, pollMs: 30_000, overlapMs: 600_000 })
    expect(s.absences).toMatchObject({ enabled: false, overlapMs: 86_400_000 })
    expect(s.projects.enabled).toBe(false)
  })

  it('reports every bad entry at once, naming the setting and showing a good value', () => {
    let error: ConfigError | undefined
    try {
      resolveSettings(
        capture({
          CAPTURE_RESOURCES: 'employes',
          CAPTURE_OVERRIDES: 'employees.poll=soon,nope,employees.speed=1s,employees.poll=10ms',
        }),
      )
    } catch (e) {
      error = e as ConfigError
    }
    expect(error?.problems).toEqual([
      expect.stringContaining('CAPTURE_RESOURCES (capture.resources): unknown resource "employes"'),
      expect.stringContaining('"employees.poll=soon" needs a duration like 250ms'),
      expect.stringContaining('"nope" is not <resource>.<setting>=<value>'),
      expect.stringContaining('"employees.speed=1s" names an unknown setting'),
      expect.stringContaining('"employees.poll=10ms" polls at most once a second'),
    ])
  })
})
