// Rows a stage finds because its parents were snapshot-read are reads (r), whether the stage was
// still populating for the first time or had already caught up with an empty feed: a fresh start
// labels report rows and balances the same way every time.
import { stageModeOf, stageRefreshOnce } from '../../../../../src/capture/sources/stage/stage-source'
import { CaptureState } from '../../../../../src/capture/state/state'
import { fakeContext, reports } from './fake-stage-context'

const record = (op: string) => ({ headers: { __op: op } })

describe('capture > stage runner: the op of new rows', () => {
  it('labels a batch of parent snapshot reads as reads, also after the first population', () => {
    expect(stageModeOf(false, [record('r'), record('r')])).toBe('first')
    expect(stageModeOf(true, [record('r')])).toBe('first')
  })

  it('labels changes as changes once the first population is over', () => {
    expect(stageModeOf(false, [record('r'), record('u')])).toBe('changes')
    expect(stageModeOf(false, [record('c')])).toBe('changes')
    expect(stageModeOf(false, [])).toBe('changes')
    expect(stageModeOf(true, [record('u')])).toBe('first')
  })
})

describe('capture > stage runner: one unit at a time in the lane', () => {
  it('a refresh waits for the unit running in the resource lane, and runs alone after it', async () => {
    const state = new CaptureState({ custom_reports: 0 })
    const { ctx, transactions } = fakeContext(state, new Map(), 5_000)
    const order: string[] = []
    let release = () => undefined as void
    const running = ctx.lanes.run('custom_reports', async () => {
      order.push('feed batch starts')
      await new Promise<void>((r) => (release = r))
      order.push('feed batch ends')
    })
    const refreshed = stageRefreshOnce(ctx, reports).then(() => order.push('refresh committed'))
    await new Promise((r) => setImmediate(r))
    expect(transactions).toHaveLength(0) // the refresh has not begun: the lane is taken
    release()
    await Promise.all([running, refreshed])
    expect(order).toEqual(['feed batch starts', 'feed batch ends', 'refresh committed'])
    expect(state.cursor('custom_reports').lastRefreshAt).toBe(1_000)
  })
})
