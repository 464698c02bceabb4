// PERSONIO_RATE_LIMITS and PERSONIO_RATE_CEILINGS, read into what the rate limiter takes, or one
// clear line per entry that is not understood, with what was expected.
import { ConfigError } from '../errors'
import {
  documentedLimits,
  endpointFamilies,
  learnedFamilies,
  type BucketSpec,
  type EndpointFamily,
  type LearnedFamily,
} from './rate-families'

const entriesOf = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

const LIMITS = 'PERSONIO_RATE_LIMITS (personio.rateLimits)'
const CEILINGS = 'PERSONIO_RATE_CEILINGS (personio.rateCeilings)'

/** `employees=3,v2=8/16`: figures that replace the documented ones. The burst, when left out,
 * keeps the documented burst's share of the rate (employees: 3 seconds' worth). */
export function parseRateLimits(text: string): {
  limits: Partial<Record<EndpointFamily, BucketSpec>>
  problems: string[]
} {
  const limits: Partial<Record<EndpointFamily, BucketSpec>> = {}
  const problems: string[] = []
  for (const entry of entriesOf(text)) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(entry)
    const family = m?.[1] as EndpointFamily | undefined
    const rate = Number(m?.[2])
    const burstGiven = m?.[3] === undefined ? undefined : Number(m[3])
    if (
      m === null ||
      family === undefined ||
      !endpointFamilies.includes(family) ||
      !(rate > 0 && rate <= 1000) ||
      burstGiven === 0
    ) {
      problems.push(
        `${LIMITS}: "${entry}" is not <family>=<requests per second, above 0 and at most 1000>[/<burst, at least 1>] with a family of ${endpointFamilies.join(', ')} (e.g. employees=3,v2=8/16)`,
      )
      continue
    }
    if (limits[family] !== undefined) {
      problems.push(`${LIMITS}: ${family} is named twice; give each family once`)
      continue
    }
    const documented = documentedLimits[family]
    const burst = burstGiven ?? Math.max(1, Math.ceil((rate * documented.burst) / documented.rate))
    limits[family] = { rate, burst }
  }
  return { limits, problems }
}

/** `employees=10,v2=40`: how high each learned family's pace may climb (requests per second). */
export function parseRateCeilings(text: string): {
  ceilings: Partial<Record<LearnedFamily, number>>
  problems: string[]
} {
  const ceilings: Partial<Record<LearnedFamily, number>> = {}
  const problems: string[] = []
  for (const entry of entriesOf(text)) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)$/.exec(entry)
    const family = m?.[1] as LearnedFamily | undefined
    const rate = Number(m?.[2])
    if (family !== undefined && endpointFamilies.includes(family) && !learnedFamilies.includes(family)) {
      problems.push(
        `${CEILINGS}: ${family} is never learned, so it has no ceiling; set its figure in PERSONIO_RATE_LIMITS`,
      )
      continue
    }
    if (
      m === null ||
      family === undefined ||
      !learnedFamilies.includes(family) ||
      !(rate > 0 && rate <= 1000)
    ) {
      problems.push(
        `${CEILINGS}: "${entry}" is not <family>=<requests per second, above 0 and at most 1000> with a family of ${learnedFamilies.join(', ')} (e.g. employees=10,v2=40)`,
      )
      continue
    }
    if (ceilings[family] !== undefined) {
      problems.push(`${CEILINGS}: ${family} is named twice; give each family once`)
      continue
    }
    ceilings[family] = rate
  }
  return { ceilings, problems }
}

/**
 * Both settings, as the Personio client takes them; a ConfigError naming every entry not
 * understood. Checked here, where a Personio client is configured, and not by the config loader:
 * the families are Personio's, and config/ depends on nothing above it.
 */
export function rateSettings(personio: { rateLimits: string; rateCeilings: string }): {
  rateLimits: Partial<Record<EndpointFamily, BucketSpec>>
  rateCeilings: Partial<Record<LearnedFamily, number>>
} {
  const limits = parseRateLimits(personio.rateLimits)
  const ceilings = parseRateCeilings(personio.rateCeilings)
  const problems = [...limits.problems, ...ceilings.problems]
  if (problems.length > 0) throw new ConfigError(problems)
  return { rateLimits: limits.limits, rateCeilings: ceilings.ceilings }
}
