// Avro logical types as records carry them: decimals as fixed-scale strings ("4200.00") on our
// side, two's-complement big-endian bytes on the wire (the Avro spec, which Java, Python and
// ksqlDB read). date and timestamp-millis stay plain numbers (days, epoch ms) on both sides.
import { types, type Schema, type Type } from 'avsc'

interface DecimalSchema {
  precision?: number
  scale?: number
}

function toBytes(unscaled: bigint): Buffer {
  // Minimal two's-complement, big-endian.
  let hex = (unscaled < 0n ? -unscaled : unscaled).toString(16)
  if (hex.length % 2 === 1) hex = `0${hex}`
  let bytes = Buffer.from(hex, 'hex')
  if (unscaled >= 0n) return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes
  // negative: invert + 1 over enough bytes
  const width = bytes.length + ((bytes[0] ?? 0) & 0x80 ? 1 : 0)
  const max = 1n << BigInt(width * 8)
  hex = (max + unscaled).toString(16).padStart(width * 2, '0')
  bytes = Buffer.from(hex, 'hex')
  return bytes
}

function fromBytes(buf: Buffer): bigint {
  if (buf.length === 0) return 0n
  const value = BigInt(`0x${buf.toString('hex')}`)
  return (buf[0] ?? 0) & 0x80 ? value - (1n << BigInt(buf.length * 8)) : value
}

export class DecimalType extends types.LogicalType {
  private readonly precision: number
  private readonly scale: number

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts)
    const s = schema as DecimalSchema
    this.precision = s.precision ?? 38
    this.scale = s.scale ?? 0
  }

  protected override _fromValue(buf: Buffer): string {
    const unscaled = fromBytes(buf)
    const negative = unscaled < 0n
    const digits = (negative ? -unscaled : unscaled).toString().padStart(this.scale + 1, '0')
    const text = this.scale === 0 ? digits : `${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`
    return negative ? `-${text}` : text
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined // avsc reports the value as invalid
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value)
    if (m === null) return undefined
    const [, sign, whole = '', fraction = ''] = m
    if (fraction.length !== this.scale) return undefined
    const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '')
    if (digits.length > this.precision) return undefined
    return toBytes(BigInt(`${sign}${digits}`))
  }

  protected override _resolve(type: Type): ((x: unknown) => unknown) | undefined {
    return type instanceof DecimalType && type.scale === this.scale ? (x) => x : undefined
  }
}

export const logicalTypes = { decimal: DecimalType }
