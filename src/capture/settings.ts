// Per-resource capture settings: the global defaults, narrowed by CAPTURE_RESOURCES and the
// per-resource CAPTURE_OVERRIDES (`employees.poll=30s,projects.enabled=false`). Pure; every bad
// entry is reported at once, naming the setting and showing a good value.
import type { Config } from '../config'
import { ConfigError } from '../errors'
import type { DeleteGuardMode } from './rules/delete-guard'
import { resourceNames, type ResourceName } from '../resources'

export interface ResourceSettings {
  enabled: boolean
  pollMs: number
  reconcileMs: number
  overlapMs: number
  refreshMs: number
  /** hold-then-publish: a wave of deletes waits at least this long before a full listing may publish it */
  deleteHoldMs: number
  /** whether a wave of deletes waits for a person or only for the hold time (DELETE_GUARD_MODE) */
  deleteGuardMode: DeleteGuardMode
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `250ms`, `30s`, `15m`, `1h`, `1d`, or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim())
  if (m === null) return undefined
  return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1)
}

const SETTINGS = {
  poll: 'pollMs',
  reconcile: 'reconcileMs',
  overlap: 'overlapMs',
  refresh: 'refreshMs',
} as const

export function resolveSettings(capture: Config['capture']): Record<ResourceName, ResourceSettings> {
  const problems: string[] = []
  const known = resourceNames as readonly string[]
  for (const name of capture.resources)
    if (!known.includes(name))
      problems.push(
        `CAPTURE_RESOURCES (capture.resources): unknown resource "${name}"; known: ${known.join(', ')}`,
      )
  const out = Object.fromEntries(
    resourceNames.map((name) => [
      name,
      {
        enabled: capture.resources.includes(name),
        pollMs: capture.pollIntervalMs,
        reconcileMs: capture.reconcileIntervalMs,
        overlapMs: capture.overlapMs,
        refreshMs: capture.stageRefreshIntervalMs,
        deleteHoldMs: capture.deleteGuardHoldMs,
        deleteGuardMode: capture.deleteGuardMode,
      },
    ]),
  ) as Record<ResourceName, ResourceSettings>
  const example = 'e.g. employees.poll=30s,projects.enabled=false'
  for (const entry of capture.overrides
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([a-z_]+)\.([a-z]+)=(.+)$/.exec(entry)
    const bad = (why: string) =>
      problems.push(`CAPTURE_OVERRIDES (capture.overrides): "${entry}" ${why} (${example})`)
    if (m === null) {
      bad('is not <resource>.<setting>=<value>')
      continue
    }
    const [, resource, setting, value] = m as unknown as [string, string, string, string]
    const target = out[resource as ResourceName] as ResourceSettings | undefined
    if (target === undefined) {
      bad(`names an unknown resource; known: ${known.join(', ')}`)
      continue
    }
    if (setting === 'enabled') {
      if (value !== 'true' && value !== 'false') bad('needs true or false')
      else target.enabled = value === 'true'
      continue
    }
    const field = SETTINGS[setting as keyof typeof SETTINGS] as keyof ResourceSettings | undefined
    if (field === undefined) {
      bad(`names an unknown setting; known: enabled, ${Object.keys(SETTINGS).join(', ')}`)
      continue
    }
    const ms = parseDuration(value)
    if (ms === undefined) bad('needs a duration like 250ms, 30s, 15m, 1h or 1d')
    else if (setting === 'poll' && ms < 1000) bad('polls at most once a second')
    else (target[field] as number) = ms
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return out
}
