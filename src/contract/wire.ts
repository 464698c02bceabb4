// Confluent wire framing: magic byte 0, the schema id as a 4-byte big-endian int, the Avro payload.
import { ContractError } from '../errors'

export function frame(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.writeUInt8(0, 0)
  header.writeInt32BE(schemaId, 1)
  return Buffer.concat([header, payload])
}

export function unframe(bytes: Buffer): { schemaId: number; payload: Buffer } {
  if (bytes.length < 5 || bytes.readUInt8(0) !== 0) {
    throw new ContractError(
      `Not a schema-registry framed message (magic byte ${bytes.length === 0 ? 'missing' : bytes.readUInt8(0)})`,
    )
  }
  return { schemaId: bytes.readInt32BE(1), payload: bytes.subarray(5) }
}
