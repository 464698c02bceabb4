// A plugin's ServiceLoader manifest, for a Kafka Connect plugin that ships none. With
// `plugin.discovery=service_load` the worker finds plugins by their META-INF/services files alone
// instead of scanning every class of every jar (the reflective scan took 20 s of a test worker's
// start); Apicurio's converter (2.6) has no manifest, so the test adds one as a small jar in the
// plugin's folder. The jar is a zip of stored (uncompressed) entries: written here, no `jar` tool needed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'

/** A zip archive of `files` (name → content), stored without compression, dated 1980-01-01. */
export function storedZip(files: Readonly<Record<string, string>>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8')
    const data = Buffer.from(content, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0) // local file header
    local.writeUInt16LE(10, 4) // version needed: 1.0, stored
    local.writeUInt16LE(0x21, 12) // date: 1980-01-01 (time 0)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0) // central directory header
    central.writeUInt16LE(20, 4) // made by: 2.0
    central.writeUInt16LE(10, 6)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0) // end of central directory
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** Service type (e.g. `org.apache.kafka.connect.storage.Converter`) → the plugin classes of that type. */
export type Services = Readonly<Record<string, readonly string[]>>

/** Writes `services` as a manifest jar into a plugin folder, unless the same one is there already. */
export function ensureServiceManifest(pluginFolder: string, services: Services): void {
  const jar = join(pluginFolder, 'personio-kafka-service-manifest.jar')
  const files = Object.fromEntries(
    Object.entries(services).map(([type, classes]) => [
      `META-INF/services/${type}`,
      `${classes.join('\n')}\n`,
    ]),
  )
  const bytes = storedZip(files)
  if (existsSync(jar) && readFileSync(jar).equals(bytes)) return
  // renamed into place (per process: two test files may start workers at once): a half-written
  // jar never sits in the plugin folder
  const partial = `${jar}.${process.pid}.partial`
  writeFileSync(partial, bytes)
  renameSync(partial, jar)
}
