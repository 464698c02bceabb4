// Parsers for command-line values. Each rejects a bad value with commander's InvalidArgumentError,
// which commander prints as one line naming the option, and we exit 2: no stack trace.
import { InvalidArgumentError } from 'commander'
import { resourceNames, type ResourceName } from '../resources'

/** An integer in [min, max]; the message says the range and shows a good value. */
export function integer(min: number, max: number, example: number): (value: string) => number {
  return (value) => {
    const n = Number(value.trim())
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}, e.g. ${example}.`)
    return n
  }
}

/** A comma-separated list of resource names; unknown ones are named, with the known ones listed. */
export function resourceList(value: string): ResourceName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const unknown = names.filter((n) => !(resourceNames as readonly string[]).includes(n))
  if (names.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `${unknown.length === 0 ? 'no resource given' : `unknown resource ${unknown.join(', ')}`}; ` +
        `known: ${resourceNames.join(', ')}. E.g. employees,absences.`,
    )
  return names as ResourceName[]
}

/** One resource name (for `reset <resource>`, `resnapshot <resource>`). */
export function resourceName(value: string): ResourceName {
  const [one, ...more] = resourceList(value)
  if (one === undefined || more.length > 0)
    throw new InvalidArgumentError(`give one resource, e.g. employees; known: ${resourceNames.join(', ')}.`)
  return one
}

/** An http(s) URL with a host. */
export function httpUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.hostname === '')
    throw new InvalidArgumentError('must be an http(s) URL with a host, e.g. http://127.0.0.1:9000/webhooks.')
  return value
}
