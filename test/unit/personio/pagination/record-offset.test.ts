// Record offsets shift when a record before the reader disappears between two requests: the next
// page starts one row late and a live row is never listed. Each page after the first starts at
// the last row of the one before, so the shift shows, and nothing is lost either way.
import { recordOffsetPages } from '../../../../src/personio/pagination/record-offset'

/** A listing over `rows` that answers with `limit` rows from `offset`, and may change in between. */
function server(rows: number[], limit: number, between?: (request: number) => void) {
  let request = 0
  const asked: number[] = []
  const fetch = async (target: string) => {
    between?.(request++)
    const offset = Number(new URL(target, 'http://x').searchParams.get('offset'))
    asked.push(offset)
    return {
      success: true,
      metadata: { total_elements: rows.length },
      data: rows.slice(offset, offset + limit).map((id) => ({ id })),
    }
  }
  return { fetch, asked }
}

async function read(
  fetch: (t: string) => Promise<unknown>,
  limit: number,
  identity?: (row: { id: number; v?: number }) => string,
) {
  const pages = []
  for await (const p of recordOffsetPages<{ id: number; v?: number }>(
    fetch,
    '/v1/company/employees',
    {},
    limit,
    0,
    identity,
  ))
    pages.push(p)
  return pages
}

describe('personio > pagination > record offsets', () => {
  it('reads every row once, each page overlapping the previous by one row', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => i + 1)
    const s = server(rows, 3)
    const pages = await read(s.fetch, 3)
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(rows)
    expect(s.asked).toEqual([0, 2, 4])
    expect(pages.every((p) => p.shifted === undefined)).toBe(true)
  })

  it('says so when a record before the reader went away between two pages', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => i + 1)
    const s = server(rows, 3, (n) => {
      if (n === 1) rows.splice(0, 1) // record 1 deleted after the first page
    })
    const pages = await read(s.fetch, 3)
    expect(pages[1]?.shifted).toMatch(/not the last row of the page before/)
    // the shifted page is kept whole: 4 was moved to offset 2 and is still listed
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(expect.arrayContaining([2, 3, 4, 5, 6, 7]))
  })

  it('says so when a record was created before the reader', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => i + 10)
    const s = server(rows, 3, (n) => {
      if (n === 1) rows.unshift(1)
    })
    const pages = await read(s.fetch, 3)
    expect(pages.some((p) => p.shifted !== undefined)).toBe(true)
  })

  it('takes an update of the boundary row for no shift when told what makes a row the same record', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => i + 1)
    let version = 0
    const fetch = async (target: string) => {
      const offset = Number(new URL(target, 'http://x').searchParams.get('offset'))
      version += 1 // every row looks edited between two requests
      return {
        success: true,
        metadata: { total_elements: rows.length },
        data: rows.slice(offset, offset + 3).map((id) => ({ id, v: version })),
      }
    }
    const pages = await read(fetch, 3, (row) => String(row.id))
    expect(pages.every((p) => p.shifted === undefined)).toBe(true)
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(rows)
  })

  it('loses nothing to a server that answers one row per page, and stops one that ignores the offset', async () => {
    const rows = [1, 2, 3]
    const one = server(rows, 1)
    expect((await read(one.fetch, 3)).flatMap((p) => p.items.map((i) => i.id))).toEqual(rows)
    const stuck = async () => ({ success: true, data: [{ id: 1 }, { id: 2 }] })
    await expect(read(stuck, 2)).rejects.toThrow(/rows it sent before/)
  })
})
