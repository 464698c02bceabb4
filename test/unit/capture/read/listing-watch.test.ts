// A listing that moved under the reader is caught: Personio's count changed between pages, a key
// came twice, a page boundary did not line up, or fewer rows came than counted.
import { ListingWatch } from '../../../../src/capture/read/listing-watch'

const page = (n: number, total?: number, shifted?: string) => ({
  items: Array.from({ length: n }, () => ({})),
  position: 0,
  ...(total === undefined ? {} : { total }),
  ...(shifted === undefined ? {} : { shifted }),
})

describe('capture > listing watch', () => {
  it('trusts a listing whose pages agree', () => {
    const w = new ListingWatch()
    w.page(page(2, 4), ['[1]', '[2]'])
    w.page(page(2, 4), ['[3]', '[4]'])
    expect(w.shifted).toBeUndefined()
    expect([...w.seen]).toEqual(['[1]', '[2]', '[3]', '[4]'])
  })

  it('flags a count that fell, a key twice and a boundary off; not a count that grew', () => {
    const count = new ListingWatch()
    count.page(page(2, 5), ['[1]', '[2]'])
    count.page(page(2, 4), ['[4]', '[5]'])
    expect(count.shifted).toMatch(/counted 5 records, then 4/)

    const grew = new ListingWatch()
    grew.page(page(2, 4), ['[1]', '[2]'])
    grew.page(page(3, 5), ['[3]', '[4]', '[5]'])
    expect(grew.shifted).toBeUndefined()

    const twice = new ListingWatch()
    twice.page(page(2), ['[1]', '[2]'])
    twice.page(page(2), ['[2]', '[3]'])
    expect(twice.shifted).toMatch(/\[2\] came twice/)

    const boundary = new ListingWatch()
    boundary.page(page(1, undefined, 'boundary off'), ['[1]'])
    expect(boundary.shifted).toBe('boundary off')
  })

  it('counts records without a key, which make a listing useless for deletes', () => {
    const w = new ListingWatch()
    w.page(page(2), ['[1]', undefined])
    expect(w.keyless).toBe(1)
  })
})
