// Reads typed values out of an untrusted Personio item, collecting EVERY problem instead of
// stopping at the first, so a dead-lettered item says all that is wrong with it at once.
import { berlinDay, parseDateOnly, parsePersonioTime } from '../../personio/dates'
import type { InvalidPath } from '../../errors'

/** Longest string we accept in one field. Personio's longest free texts (comments) are far below;
 * anything larger is a broken response, and would bloat every compacted copy of the record. */
export const MAX_STRING_BYTES = 65_536

export type Path = readonly (string | number)[]

export function at(value: unknown, path: Path): unknown {
  let node = value
  for (const step of path) {
    if (node === null || node === undefined || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[step]
  }
  return node
}

export const pathText = (path: Path): string => path.join('.')

export class Reader {
  readonly problems: InvalidPath[] = []
  constructor(readonly item: unknown) {}

  private fail(path: Path, message: string, value: unknown): null {
    this.problems.push({ path: pathText(path), message, value })
    return null
  }

  /** The raw value, with `required` turning missing/null into a problem. */
  raw(path: Path, required = false): unknown {
    const value = at(this.item, path)
    if ((value === undefined || value === null) && required) this.fail(path, 'is required', value)
    return value ?? null
  }

  string(path: Path, required = false): string | null {
    const v = this.raw(path, required)
    if (v === null) return null
    if (typeof v !== 'string') return this.fail(path, 'must be a string', v)
    if (Buffer.byteLength(v) > MAX_STRING_BYTES)
      return this.fail(path, `is longer than ${MAX_STRING_BYTES} bytes`, v)
    return v
  }

  /** Ids and counts; numeric strings are accepted because v2 spells numeric ids as strings. */
  long(path: Path, required = false): number | null {
    const v = this.raw(path, required)
    if (v === null) return null
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return this.fail(path, 'must be an integer', v)
    return n
  }

  double(path: Path, required = false): number | null {
    const v = this.raw(path, required)
    if (v === null) return null
    const n = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v
    if (typeof n !== 'number' || !Number.isFinite(n)) return this.fail(path, 'must be a number', v)
    return n
  }

  /** Booleans; 0/1 too, as some time-off responses send half-day flags that way. */
  boolean(path: Path, required = false): boolean | null {
    const v = this.raw(path, required)
    if (v === null) return null
    if (typeof v === 'boolean') return v
    if (v === 0 || v === 1) return v === 1
    return this.fail(path, 'must be a boolean', v)
  }

  /** An instant in any Personio spelling → UTC epoch ms. */
  timestamp(path: Path, required = false): number | null {
    const v = this.string(path, required)
    if (v === null) return null
    return parsePersonioTime(v) ?? this.fail(path, 'is not a date-time Personio uses', v)
  }

  /** A calendar date → days since epoch. Date-times count by their company-local (Berlin) date:
   * v1 sends `2014-11-09T00:00:00+01:00` for the 9th, which is the 8th in UTC. */
  date(path: Path, required = false): number | null {
    const v = this.string(path, required)
    if (v === null) return null
    const plain = parseDateOnly(v)
    if (plain !== undefined) return plain
    const ms = parsePersonioTime(v)
    return ms === undefined ? this.fail(path, 'is not a date', v) : berlinDay(ms)
  }

  /** A decimal as a fixed-scale string ("4200.00"), the shape the Avro decimal serde expects. */
  decimal(path: Path, scale: number, precision: number, required = false): string | null {
    const n = this.double(path, required)
    if (n === null) return null
    const text = n.toFixed(scale)
    if (
      text
        .replace(/^-/, '')
        .replace('.', '')
        .replace(/^0+(?=\d)/, '').length > precision
    ) {
      return this.fail(path, `does not fit decimal(${precision},${scale})`, n)
    }
    return text
  }

  /**
   * A value Personio documents as one of `documented`. A value it has not documented yet (a new
   * status, category or unit) is kept as it came, never a reason to drop the record: the field is a
   * string in the contract, so consumers see the new value the moment Personio sends it.
   */
  oneOf<T extends string>(path: Path, documented: readonly T[], required = false): T | string | null {
    void documented // the documented values are the field's doc, not a filter
    return this.string(path, required)
  }

  /** Multi-valued data kept as canonical JSON text, so sinks see one primitive column. `shape`
   * says what Personio documents there: a scalar where a list belongs is a broken item, not text. */
  json(path: Path, required = false, shape: 'list' | 'object' | 'any' = 'any'): string | null {
    const v = this.raw(path, required)
    if (v === null) return null
    if (shape === 'list' && !Array.isArray(v)) return this.fail(path, 'must be a list', v)
    if (shape === 'object' && (typeof v !== 'object' || Array.isArray(v)))
      return this.fail(path, 'must be an object', v)
    const text = JSON.stringify(v)
    if (Buffer.byteLength(text) > MAX_STRING_BYTES)
      return this.fail(path, `is longer than ${MAX_STRING_BYTES} bytes`, v)
    return text
  }

  /** Reports a problem found by a caller-specific check. */
  problem(path: Path, message: string, value: unknown): null {
    return this.fail(path, message, value)
  }
}
