// A throwaway PostgreSQL (Debian's `postgresql` server binaries) on a free loopback port: initdb
// into .infra/downstream/postgres/<run> (as root: a temp folder the server's user can reach), trust auth, TCP only, durability off (a test database).
// initdb and postgres refuse to run as root, so as root they run as the `postgres` system user
// (created by Debian's package), else `nobody`. Stopped and removed by stop().
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfraError } from '../../src/errors'
import { freePort } from '../../src/infra/ports'
import { tail } from '../../src/infra/processes'
import { downstreamLayout as layout } from './layout'

export interface RunningPostgres {
  port: number
  jdbcUrl: string
  user: string
  /** runs SQL through psql; returns stdout (unaligned, tuples only) */
  psql(sql: string): string
  stop(): Promise<void>
}

const base = '/usr/lib/postgresql'
const newestMajor = (): string | undefined =>
  existsSync(base)
    ? readdirSync(base)
        .filter((d) => existsSync(join(base, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined

/** The newest /usr/lib/postgresql/<major>/bin holding initdb, or PG_BIN; as root on Debian, installed when missing. */
export function postgresBin(): string {
  if (process.env.PG_BIN !== undefined) return process.env.PG_BIN
  if (newestMajor() === undefined && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    process.stderr.write('PostgreSQL server not found; apt-get install postgresql\n')
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'postgresql'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  }
  const major = newestMajor()
  if (major === undefined)
    throw new InfraError(
      'No PostgreSQL server found under /usr/lib/postgresql; Debian/Ubuntu: `apt-get install postgresql` (or set PG_BIN)',
    )
  return join(base, major, 'bin')
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' })
    if (id.status === 0 && gid.status === 0) return { uid: Number(id.stdout), gid: Number(gid.stdout) }
  }
  throw new InfraError(
    'running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL',
  )
}

async function waitReady(bin: string, port: number, log: string, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)])
    if (ready.status === 0) return
    if (!alive()) break
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new InfraError(`PostgreSQL did not become ready on ${port}. ${log}:\n${tail(log)}`)
}

export async function startPostgres(name: string): Promise<RunningPostgres> {
  const bin = postgresBin()
  const user = runAs()
  // Run as another user, the server must reach its folder: a checkout under a private directory
  // (mktemp -d is 0700) is out of its reach, so its folder then lives under the system temp dir.
  const dir =
    user === undefined ? join(layout.postgres, name) : mkdtempSync(join(tmpdir(), `pk-postgres-${name}-`))
  const data = join(dir, 'data')
  const log = join(dir, 'postgres.log')
  if (user === undefined) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true, mode: 0o755 })
  }
  mkdirSync(data, { recursive: true, mode: 0o700 })
  if (user !== undefined) {
    chownSync(dir, user.uid, user.gid)
    chownSync(data, user.uid, user.gid)
  }
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', cwd: dir, ...user },
  )
  if (init.status !== 0) throw new InfraError(`initdb failed: ${init.stderr || init.stdout}`)
  const port = await freePort()
  const out = openSync(log, 'a')
  if (user !== undefined) chownSync(log, user.uid, user.gid)
  const server = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'shared_buffers=32MB',
      '-c',
      'max_connections=40',
    ],
    { stdio: ['ignore', out, out], cwd: dir, ...user },
  )
  closeSync(out)
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  const orphanGuard = () => server.kill('SIGKILL') // never outlive the test process
  process.once('exit', orphanGuard)
  await waitReady(bin, port, log, () => server.exitCode === null)
  const psql = (sql: string): string =>
    execFileSync(
      join(bin, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
        '-f',
        '-',
      ],
      { input: sql, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
  return {
    port,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/postgres`,
    user: 'postgres',
    psql,
    async stop() {
      process.removeListener('exit', orphanGuard)
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT') // PostgreSQL's "fast" shutdown
        const timer = setTimeout(() => server.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
