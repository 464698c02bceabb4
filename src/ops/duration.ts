// A duration as a person reads it in a log line or a table: "45 s", "1 min", "1.5 h", "325 d". One
// formatter for every place that shows one, so a minute never reads as "0 h".

const units = [
  { unit: 'd', ms: 86_400_000, from: 2 * 86_400_000 },
  { unit: 'h', ms: 3_600_000, from: 3_600_000 },
  { unit: 'min', ms: 60_000, from: 60_000 },
] as const

/** The largest unit the duration fills (hours up to two days); one decimal below ten, if not whole. */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms)
  const u = units.find((c) => abs >= c.from)
  if (u === undefined) return `${Math.round(ms / 1000)} s`
  const n = ms / u.ms
  const shown = Math.abs(n) < 10 ? Math.round(n * 10) / 10 : Math.round(n)
  return `${shown} ${u.unit}`
}
