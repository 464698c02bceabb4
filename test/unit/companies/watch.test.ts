// COMPANIES_DIR followed in virtual time over a real temporary directory: a change of what a
// worker acts on is passed on once, nothing else is, and a directory that blinks keeps its
// companies running.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VirtualTimeScheduler } from 'rxjs'
import { watchCompanies, type CompanyView } from '../../../src/companies/watch'
import { ConfigError } from '../../../src/errors'

const RESCAN = 5000

const made: string[] = []
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function setUp() {
  const parent = mkdtempSync(join(tmpdir(), 'pk-watch-'))
  made.push(parent)
  const dir = join(parent, 'companies')
  mkdirSync(dir)
  const put = (name: string, body: string | object) =>
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body))
  const company = (id: string, prefix = `hr.${id}`) => {
    put(`${id}.json`, { prefix, personio: { clientId: `papi-${id}`, clientSecretFile: `${id}.secret` } })
    put(`${id}.secret`, `secret-${id}`)
  }
  const scheduler = new VirtualTimeScheduler()
  const views: CompanyView[] = []
  /** runs the rescans due in the next `ms` of virtual time; returns what they emitted */
  const advance = (ms: number): CompanyView[] => {
    const before = views.length
    scheduler.maxFrames = scheduler.frame + ms
    scheduler.flush()
    return views.slice(before)
  }
  return { parent, dir, put, company, scheduler, views, advance }
}

const ids = (view: CompanyView | undefined) => [...(view?.companies.keys() ?? [])]

describe('companies > watch', () => {
  it('emits the first scan at once, then only what changed', () => {
    const { dir, put, company, scheduler, views, advance } = setUp()
    company('acme')
    const subscription = watchCompanies(dir, RESCAN, scheduler).subscribe((v) => views.push(v))
    expect(views.map(ids)).toEqual([['acme']]) // at subscription, before any rescan

    expect(advance(RESCAN * 4)).toEqual([]) // unchanged: nothing

    company('globex') // added
    expect(advance(RESCAN).map(ids)).toEqual([['acme', 'globex']])

    const before = views.at(-1)?.companies.get('acme')?.fingerprint
    put('acme.json', {
      prefix: 'hr.acme2',
      personio: { clientId: 'papi-acme', clientSecretFile: 'acme.secret' },
    })
    const changed = advance(RESCAN) // changed file
    expect(changed).toHaveLength(1)
    expect(changed[0]?.companies.get('acme')?.spec.prefix).toBe('hr.acme2')

    put('globex.secret', 'rotated') // rotated secret
    const rotated = advance(RESCAN)
    expect(rotated.map((v) => v.companies.get('globex')?.clientSecret)).toEqual(['rotated'])
    expect(rotated[0]?.companies.get('acme')?.fingerprint).not.toBe(before)

    unlinkSync(join(dir, 'acme.json')) // removed
    expect(advance(RESCAN).map(ids)).toEqual([['globex']])

    put('initech.json', '{ broken') // a new refusal is news too
    const refused = advance(RESCAN)
    expect(refused.map((v) => v.refused.map((r) => r.id))).toEqual([['initech']])
    expect(advance(RESCAN * 3)).toEqual([])
    subscription.unsubscribe()
  })

  it('keeps the last good view while the directory blinks, says so once, and clears it after', () => {
    const { parent, dir, company, scheduler, views, advance } = setUp()
    company('acme')
    company('globex')
    watchCompanies(dir, RESCAN, scheduler).subscribe((v) => views.push(v))
    const gone = join(parent, 'away')
    renameSync(dir, gone)
    const blinked = advance(RESCAN * 5)
    expect(blinked).toHaveLength(1)
    expect(ids(blinked[0])).toEqual(['acme', 'globex'])
    expect(blinked[0]?.problem).toMatch(
      /^COMPANIES_DIR .*companies: cannot be read \(ENOENT\).*; the companies of the last good scan keep running$/,
    )
    renameSync(gone, dir)
    const back = advance(RESCAN)
    expect(back).toHaveLength(1)
    expect(ids(back[0])).toEqual(['acme', 'globex'])
    expect(back[0]?.problem).toBeUndefined()
  })

  it('fails when the first scan cannot read the directory', () => {
    const { parent, scheduler } = setUp()
    let failure: unknown
    watchCompanies(join(parent, 'nowhere'), RESCAN, scheduler).subscribe({
      error: (e: unknown) => (failure = e),
    })
    expect(failure).toBeInstanceOf(ConfigError)
  })
})
