// The CLI as the Dockerfile runs it: compiled JavaScript, no TypeScript loader in the process.
// Built once per bench run into .bench/build, laid out like the checkout (schemas and package.json
// beside dist) so the compiled code finds its files; the checkout's own dist/ is left alone.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'

const repo = join(__dirname, '..')
let built: string | undefined

export function compiledCli(): string {
  if (built !== undefined) return built
  const home = join(repo, '.bench', 'build')
  rmSync(home, { recursive: true, force: true }) // nothing stale from an earlier build
  mkdirSync(home, { recursive: true })
  for (const shared of ['schemas', 'package.json']) symlinkSync(join(repo, shared), join(home, shared))
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(process.execPath, [
    tsc,
    '-p',
    join(repo, 'tsconfig.build.json'),
    '--outDir',
    join(home, 'dist'),
  ])
  return (built = join(home, 'dist', 'cli.js'))
}
