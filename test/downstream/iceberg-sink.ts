// The Iceberg tables the Kafka Connect Iceberg sink writes, read back by pyiceberg (a reader we did
// not write) through the sink's own catalog: one Python process for every read of a test
// (connect_iceberg_read.py), as importing pyarrow costs more than a read.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { RecordValue, ResourceName } from '../../src/resources'

export type IcebergTables = Partial<Record<ResourceName, RecordValue[]>>

/** Table metadata files under the warehouse: one more each time the sink commits to a table. */
export function metadataFiles(warehouse: string): number {
  if (!existsSync(warehouse)) return 0
  let n = 0
  for (const entry of readdirSync(warehouse, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith('.metadata.json')) n += 1
  return n
}

export interface IcebergReader {
  /** The newest row per key of every table created so far; rejects when pyiceberg could not read. */
  read(): Promise<IcebergTables>
  close(): Promise<void>
}

/** Starts pyiceberg on the catalog under `folder` (catalog.db, warehouse/), tables `<namespace>.<resource>`. */
export function startIcebergReader(
  python: string,
  folder: string,
  namespace: string,
  keys: Readonly<Record<string, readonly string[]>>,
): IcebergReader {
  const child: ChildProcessWithoutNullStreams = spawn(
    python,
    [join(__dirname, 'connect_iceberg_read.py'), folder, namespace, JSON.stringify(keys)],
    { stdio: 'pipe' },
  )
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const orphanGuard = () => child.kill('SIGKILL') // never outlive the test process
  process.once('exit', orphanGuard)
  const answers: ((line: string | undefined) => void)[] = []
  createInterface({ input: child.stdout }).on('line', (line) => answers.shift()?.(line))
  void exited.then(() => answers.splice(0).forEach((answer) => answer(undefined)))

  return {
    read() {
      if (child.exitCode !== null || child.signalCode !== null)
        return Promise.reject(new Error(`pyiceberg exited (${child.exitCode}): ${stderr}`))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // its answer would come in reply to the next read: this reader is done
          child.kill('SIGKILL')
          reject(new Error(`pyiceberg gave no answer in 60 s: ${stderr}`))
        }, 60_000)
        answers.push((line) => {
          clearTimeout(timer)
          if (line === undefined) return reject(new Error(`pyiceberg exited (${child.exitCode}): ${stderr}`))
          const answer = JSON.parse(line) as { tables?: IcebergTables; error?: string }
          if (answer.error !== undefined) reject(new Error(answer.error))
          else resolve(answer.tables ?? {})
        })
        child.stdin.write('read\n')
      })
    },
    async close() {
      process.removeListener('exit', orphanGuard)
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end() // the script ends at the end of its input
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
    },
  }
}
