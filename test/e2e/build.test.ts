// The compiled product, as the Dockerfile builds and runs it (`npm run build`, then node on the
// JavaScript): the build must compile everything the CLI imports (the demo's local provisioning
// included) and the compiled CLI must find its contract files. Built into a throwaway folder laid
// out like the checkout (schemas and package.json beside dist), so the tests running the CLI from
// source at the same time are not switched to it (bin/personio-kafka.js prefers dist/).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const repo = join(__dirname, '..', '..')

describe('the compiled CLI (npm run build)', () => {
  const home = mkdtempSync(join(repo, '.build-test-'))
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it('compiles, and runs without TypeScript: version, the contract files, the demo module', async () => {
    for (const shared of ['schemas', 'package.json']) symlinkSync(join(repo, shared), join(home, shared))
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
    await run(process.execPath, [
      tsc,
      '-p',
      join(repo, 'tsconfig.build.json'),
      '--outDir',
      join(home, 'dist'),
    ])
    const cli = join(home, 'dist', 'cli.js')
    const env = { PATH: process.env.PATH ?? '' }
    const version = await run(process.execPath, [cli, '--version'], { env })
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const printed = await run(process.execPath, [cli, 'schemas', 'print', '--resources', 'absence_types'], {
      env,
    })
    expect(Object.keys(JSON.parse(printed.stdout) as object)).toEqual([
      'personio.absence_types-key',
      'personio.absence_types-value',
    ])
    // `demo` starts the local Kafka through the provisioning code, imported only when it runs:
    // load it the way the demo does, so a build without it fails here.
    const infra = await run(
      process.execPath,
      ['-e', `console.log(typeof require(${JSON.stringify(join(home, 'dist', 'infra'))}).ensureInfra)`],
      { env },
    )
    expect(infra.stdout.trim()).toBe('function')
  }, 120_000)
})
