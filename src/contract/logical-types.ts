// Avro logical types as records carry them: decimals as fixed-scale strings ("4200.00") on our
// side, two's-complement big-endian bytes on the wire (the Avro spec, which Java, Python and
// ksqlDB read). date and timestamp-millis stay plain numbers (days, epoch ms) on both sides.
import { types, type Schema, type Type } from 'avsc'

interface DecimalSchema {
  precision?: number
  scale?: number
}

function toBytes(unscaled: bigint): Buffer {
  // Minimal two's-complement, big-endian (what Java's BigInteger.toByteArray writes): -128 is one
  // byte 0x80, 128 is two bytes 0x00 0x80.
  let width = 1
  while (unscaled < -(1n << BigInt(8 * width - 1)) || unscaled >= 1n << BigInt(8 * width - 1)) width++
  const twos = unscaled < 0n ? (1n << BigInt(8 * width)) + unscaled : unscaled
  return Buffer.from(twos.toString(16).padStart(width * 2, '0'), 'hex')
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
