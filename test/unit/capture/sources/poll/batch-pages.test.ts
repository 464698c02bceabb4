// One transaction in flight: while a batch is being published, pages keep being read into the next
// batch (bounded), and that batch goes out as one when the previous one is done.
import { lastValueFrom, Subject, toArray } from 'rxjs'
import { batchPages } from '../../../../../src/capture/sources/poll/batch-pages'

async function* pages(n: number, read: number[]) {
  for (let i = 1; i <= n; i++) {
    read.push(i)
    yield i
  }
}

describe('capture > operators > batchPages', () => {
  it('publishes one batch at a time and joins the pages read meanwhile, within the bound', async () => {
    const read: number[] = []
    const inFlight: Subject<number[]>[] = []
    let active = 0
    let maxActive = 0
    const batches: number[][] = []
    const done = lastValueFrom(
      batchPages(
        pages(9, read),
        () => 10,
        30,
        (batch) => {
          active += 1
          maxActive = Math.max(maxActive, active)
          batches.push(batch)
          const s = new Subject<number[]>()
          inFlight.push(s)
          return s
        },
      ).pipe(toArray()),
    )
    const settle = () => new Promise((r) => setTimeout(r, 5))
    for (let i = 0; i < 6; i++) {
      await settle()
      const s = inFlight.shift()
      if (s === undefined) break
      active -= 1
      s.next([])
      s.complete()
    }
    await done
    expect(maxActive).toBe(1)
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    // the first page goes alone; then at most 3 pages (30 items) wait behind a batch in flight
    expect(batches[0]).toEqual([1])
    expect(batches.slice(1).every((b) => b.length <= 3)).toBe(true)
    expect(batches.length).toBeLessThan(9)
  })

  it('stops reading when unsubscribed, and surfaces a failed read as an error', async () => {
    async function* failing() {
      yield 1
      throw new Error('Personio went away')
    }
    await expect(
      lastValueFrom(
        batchPages(
          failing(),
          () => 1,
          10,
          () => [true],
        ),
      ),
    ).rejects.toThrow('Personio went away')
  })
})
