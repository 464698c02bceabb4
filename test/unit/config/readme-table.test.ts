// The README's configuration table is generated from the config schema; this keeps it in step.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exitCodeTable } from '../../../src/cli/exit-codes'
import { configTable } from '../../../src/config'

describe('config > README table', () => {
  it('is the table the schema generates (regenerate it when a setting changes)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8')
    const between = readme
      .split('<!-- config-table:start -->')[1]
      ?.split('<!-- config-table:end -->')[0]
      ?.trim()
    expect(between).toBe(configTable())
  })
})

describe('cli > exit codes in the README', () => {
  it('is the table src/cli/exit-codes.ts generates (npm run docs:config)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8')
    const between = readme.split('<!-- exit-codes:start -->')[1]?.split('<!-- exit-codes:end -->')[0]?.trim()
    expect(between).toBe(exitCodeTable())
  })
})
