// A listing that moved under the reader is caught: Personio's count changed between pages, a key
// came twice, a page boundary did not line up, or fewer rows came than counted.
import { ListingWatch } from '../../../src/capture/listing-watch'

const page = (n: number, total?: number, shifted?: string) => ({
  items: Array.from({ length: n }, () => ({})),
  position: 0,
  ...(total === undefined ? {} : { total }),
  ...(shifted === undefined ? {} : { shifted }),
})

describe('capture > listing watch', () => {
  it('trusts a listing whose pages agree', () => {
    const w = new ListingWatch(false)
    w.page(page(2, 4), ['[1]', '[2]'])
    w.page(page(2, 4), ['[3]', '[4]'])
    w.end()
    expect(w.shifted).toBeUndefined()
    expect([...w.seen]).toEqual(['[1]', '[2]', '[3]', '[4]'])
  })

  it('flags a count that changed, a key twice, a boundary off and a short read', () => {
    const count = new ListingWatch(false)
    count.page(page(2, 5), ['[1]', '[2]'])
    count.page(page(2, 4), ['[4]', '[5]'])
    expect(count.shifted).toMatch(/counted 5 records, then 4/)

    const twice = new ListingWatch(false)
    twice.page(page(2), ['[1]', '[2]'])
    twice.page(page(2), ['[2]', '[3]'])
    expect(twice.shifted).toMatch(/\[2\] came twice/)

    const boundary = new ListingWatch(false)
    boundary.page(page(1, undefined, 'boundary off'), ['[1]'])
    expect(boundary.shifted).toBe('boundary off')

    const short = new ListingWatch(false)
    short.page(page(2, 3), ['[1]', '[2]'])
    short.end()
    expect(short.shifted).toMatch(/2 records came of the 3/)
    // a resource whose items fan out counts something else than Personio does
    const fans = new ListingWatch(true)
    fans.page(page(2, 3), ['[1]', '[2]'])
    fans.end()
    expect(fans.shifted).toBeUndefined()
  })

  it('counts records without a key, which make a listing useless for deletes', () => {
    const w = new ListingWatch(false)
    w.page(page(2), ['[1]', undefined])
    expect(w.keyless).toBe(1)
  })
})
