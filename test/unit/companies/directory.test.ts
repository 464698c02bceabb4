// The companies a scan of COMPANIES_DIR runs: the same on every worker whatever order the files
// came in, never two on one prefix, and a bad file or secret stops only its own company.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Company } from '../../../src/companies/company'
import { judgeCompanies, readCompanyDirectory, type ReadCompany } from '../../../src/companies/directory'
import { ConfigError } from '../../../src/errors'

const company = (id: string, prefix: string): Company => ({
  spec: { id, prefix, personio: { clientId: `papi-${id}`, clientSecretFile: `${id}.secret` } },
  file: `companies/${id}.json`,
  clientSecret: `secret-${id}`,
  fingerprint: `fp-${id}`,
})

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      )

const made: string[] = []
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function companiesDir(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pk-companies-'))
  made.push(dir)
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body))
  return dir
}

const file = (id: string, prefix = `hr.${id}`, more: object = {}) => ({
  prefix,
  personio: { clientId: `papi-${id}`, clientSecretFile: `${id}.secret` },
  ...more,
})

describe('companies > directory', () => {
  describe('judgeCompanies', () => {
    it('refuses both companies naming one prefix, each naming the other file, in any order', () => {
      const read: ReadCompany[] = [
        company('acme', 'hr.shared'),
        company('globex', 'hr.globex'),
        company('initech', 'hr.shared'),
      ]
      const outcomes = permutations(read).map((order) => judgeCompanies(order))
      for (const outcome of outcomes) {
        expect([...outcome.companies.keys()]).toEqual(['globex'])
        expect(outcome.refused).toEqual([
          {
            file: 'companies/acme.json',
            id: 'acme',
            why: 'companies/acme.json: prefix "hr.shared" is also named by companies/initech.json; both are refused, as one prefix has one writer: give each company its own prefix',
          },
          {
            file: 'companies/initech.json',
            id: 'initech',
            why: 'companies/initech.json: prefix "hr.shared" is also named by companies/acme.json; both are refused, as one prefix has one writer: give each company its own prefix',
          },
        ])
      }
    })

    it('takes a prefix that merely starts another one (hr and hr.acme)', () => {
      const outcome = judgeCompanies([company('hr', 'hr'), company('acme', 'hr.acme')])
      expect([...outcome.companies.keys()]).toEqual(['acme', 'hr'])
      expect(outcome.refused).toEqual([])
    })

    it('keeps a prefix claimed by a company refused for its secret', () => {
      const broken: ReadCompany = {
        refused: {
          file: 'companies/acme.json',
          id: 'acme',
          why: 'companies/acme.json: personio.clientSecretFile: … is empty',
        },
        spec: company('acme', 'hr.shared').spec,
      }
      const outcome = judgeCompanies([company('initech', 'hr.shared'), broken])
      expect(outcome.companies.size).toBe(0)
      expect(outcome.refused.map((r) => r.why)).toEqual([
        'companies/acme.json: personio.clientSecretFile: … is empty',
        expect.stringContaining(
          'companies/initech.json: prefix "hr.shared" is also named by companies/acme.json',
        ),
      ])
    })
  })

  describe('readCompanyDirectory', () => {
    it('reads every company with its secrets, relative to the directory, without the trailing newline', () => {
      const dir = companiesDir({
        'acme.json': file('acme', 'hr.acme', { webhookTokenFile: 'tokens/acme' }),
        'acme.secret': 'papi-secret-acme\n',
        'globex.json': file('globex'),
        'globex.secret': 'papi-secret-globex',
      })
      mkdirSync(join(dir, 'tokens'))
      writeFileSync(join(dir, 'tokens', 'acme'), 'Bearer 0123456789abcdef0123456789\r\n')
      const { companies, refused } = readCompanyDirectory(dir)
      expect(refused).toEqual([])
      expect([...companies.keys()]).toEqual(['acme', 'globex'])
      expect(companies.get('acme')).toMatchObject({
        file: join(dir, 'acme.json'),
        clientSecret: 'papi-secret-acme',
        webhookToken: 'Bearer 0123456789abcdef0123456789',
      })
      expect(companies.get('globex')?.webhookToken).toBeUndefined()
      expect(companies.get('acme')?.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    })

    it('reads an absolute secret path as it is', () => {
      const secrets = companiesDir({ acme: 'papi-secret-abs' })
      const dir = companiesDir({
        'acme.json': {
          prefix: 'hr.acme',
          personio: { clientId: 'p', clientSecretFile: join(secrets, 'acme') },
        },
      })
      expect(readCompanyDirectory(dir).companies.get('acme')?.clientSecret).toBe('papi-secret-abs')
    })

    it('ignores dotfiles, Kubernetes ..data entries and files that are not .json', () => {
      const dir = companiesDir({
        'acme.json': file('acme'),
        'acme.secret': 's',
        '.hidden.json': '{ broken',
        'README.md': '# companies',
        'notes.json~': 'backup',
      })
      // a mounted ConfigMap: ..2024_01_01 holds the files, ..data links to it, the names link into ..data
      mkdirSync(join(dir, '..2024_01_01'))
      writeFileSync(join(dir, '..2024_01_01', 'globex.json'), JSON.stringify(file('globex')))
      writeFileSync(join(dir, 'globex.secret'), 's')
      symlinkSync('..2024_01_01', join(dir, '..data'))
      symlinkSync(join('..data', 'globex.json'), join(dir, 'globex.json'))
      const { companies, refused } = readCompanyDirectory(dir)
      expect(refused).toEqual([])
      expect([...companies.keys()]).toEqual(['acme', 'globex'])
    })

    it('refuses only the company whose secret cannot be read or is empty, naming the file', () => {
      const dir = companiesDir({
        'acme.json': file('acme'),
        'globex.json': file('globex'),
        'globex.secret': '\n',
        'initech.json': file('initech'),
        'initech.secret': 'ok',
      })
      const { companies, refused } = readCompanyDirectory(dir)
      expect([...companies.keys()]).toEqual(['initech'])
      expect(refused).toEqual([
        {
          file: join(dir, 'acme.json'),
          id: 'acme',
          why: `${join(dir, 'acme.json')}: personio.clientSecretFile: ${join(dir, 'acme.secret')} cannot be read (ENOENT); write the Personio client secret there`,
        },
        {
          file: join(dir, 'globex.json'),
          id: 'globex',
          why: `${join(dir, 'globex.json')}: personio.clientSecretFile: ${join(dir, 'globex.secret')} is empty; write the Personio client secret there`,
        },
      ])
    })

    it('refuses a webhook token too short to guess hard, or unreadable, for that company only', () => {
      const dir = companiesDir({
        'acme.json': file('acme', 'hr.acme', { webhookTokenFile: 'acme.token' }),
        'acme.secret': 's',
        'acme.token': 'short',
        'globex.json': file('globex', 'hr.globex', { webhookTokenFile: 'none.token' }),
        'globex.secret': 's',
      })
      const { companies, refused } = readCompanyDirectory(dir)
      expect(companies.size).toBe(0)
      expect(refused.map((r) => r.why)).toEqual([
        expect.stringMatching(
          /acme\.json: webhookTokenFile: the token has 5 characters, fewer than 24; e\.g\. openssl rand -hex 32 > acme\.token$/,
        ),
        expect.stringMatching(/globex\.json: webhookTokenFile: .*none\.token cannot be read \(ENOENT\)/),
      ])
    })

    it('refuses a malformed file in one line and keeps the rest', () => {
      const dir = companiesDir({ 'acme.json': '{ nope', 'globex.json': file('globex'), 'globex.secret': 's' })
      const { companies, refused } = readCompanyDirectory(dir)
      expect([...companies.keys()]).toEqual(['globex'])
      expect(refused).toEqual([
        { file: join(dir, 'acme.json'), id: 'acme', why: expect.stringMatching(/acme\.json: not JSON/) },
      ])
    })

    it('refuses a company file it cannot read', () => {
      const dir = companiesDir({ 'globex.json': file('globex'), 'globex.secret': 's' })
      mkdirSync(join(dir, 'acme.json')) // read as root too: a directory is never a readable file
      const { companies, refused } = readCompanyDirectory(dir)
      expect([...companies.keys()]).toEqual(['globex'])
      expect(refused).toEqual([
        {
          file: join(dir, 'acme.json'),
          id: 'acme',
          why: `${join(dir, 'acme.json')}: cannot be read (EISDIR)`,
        },
      ])
    })

    it('fingerprints the file and its secrets: a rotated secret changes it, nothing else does', () => {
      const dir = companiesDir({ 'acme.json': file('acme'), 'acme.secret': 'one' })
      const first = readCompanyDirectory(dir).companies.get('acme')?.fingerprint
      expect(readCompanyDirectory(dir).companies.get('acme')?.fingerprint).toBe(first)
      writeFileSync(join(dir, 'acme.secret'), 'two')
      expect(readCompanyDirectory(dir).companies.get('acme')?.fingerprint).not.toBe(first)
    })

    it('throws one line when the directory cannot be listed', () => {
      const missing = join(tmpdir(), 'pk-companies-missing-dir')
      expect(() => readCompanyDirectory(missing)).toThrow(ConfigError)
      try {
        readCompanyDirectory(missing)
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([
          `COMPANIES_DIR ${missing}: cannot be read (ENOENT); give the directory of the company files (<id>.json)`,
        ])
      }
    })
  })
})
