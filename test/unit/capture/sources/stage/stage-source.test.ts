// Rows a stage finds because its parents were snapshot-read are reads (r), whether the stage was
// still populating for the first time or had already caught up with an empty feed: a fresh start
// labels report rows and balances the same way every time.
import { VirtualTimeScheduler } from 'rxjs'
import {
  stageModeOf,
  stagePipeline,
  stageRefreshOnce,
} from '../../../../../src/capture/sources/stage/stage-source'
import { CaptureState } from '../../../../../src/capture/state/state'
import type { Feed, FeedBatch } from '../../../../../src/kafka/port'
import { fakeContext, reports, type Transaction } from './fake-stage-context'

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

describe('capture > stage runner: a new stage under run', () => {
  const NOW = 1_800_000_000_000

  /** The list entry of report r1 on the parent's topic, as its first snapshot published it. */
  const listed: FeedBatch = {
    records: [
      {
        topic: 'p.custom_reports_list',
        partition: 0,
        offset: '0',
        key: Buffer.from('r1'),
        value: Buffer.from('{}'),
        headers: { __op: 'r' },
        timestamp: NOW - 1_000,
      },
    ],
    next: { groupId: 'g', offsets: [{ topic: 'p.custom_reports_list', partition: 0, offset: '1' }] },
  }

  /** A feed that hands over `listed`, has then caught up, and waits until stopped. */
  function feedOf(): Feed {
    let stop = () => undefined as void
    return {
      run: async (handler, onCaughtUp) => {
        await handler(listed)
        onCaughtUp?.()
        await new Promise<void>((r) => (stop = r))
      },
      stop: async () => stop(),
    }
  }

  const opsOf = (transactions: Transaction[]) =>
    transactions.flatMap((t) =>
      t.records.filter((r) => r.topic === 'p.custom_reports').map((r) => r.headers?.__op),
    )

  /** A context whose parent's first snapshot is known: report r1 (rows 1..3), up to date. */
  function stageContext() {
    const state = new CaptureState({ custom_reports: 0 })
    state.commit({ resource: 'custom_reports_list', known: new Map([['["r1"]', { f: 'fp' }]]) })
    const fake = fakeContext(state, new Map([['r1', [1, 2, 3]]]), 5_000)
    const refreshes: string[] = []
    Object.assign(fake.ctx, {
      clock: { now: () => NOW },
      settings: { custom_reports: { enabled: true, refreshMs: 86_400_000 } },
      serde: {
        ...fake.ctx.serde,
        decodeKey: async (_resource: unknown, key: Buffer) => ({ id: key.toString() }),
        decodeValue: async () => ({ record: { status: 'up_to_date' } }),
      },
      logger: { ...fake.ctx.logger, info: (_: unknown, message: string) => refreshes.push(message) },
    })
    return { ...fake, state, refreshes }
  }

  const settle = () => new Promise((r) => setImmediate(r))

  it('publishes its first rows as reads (r): the tick that came before its first cursor refreshes nothing', async () => {
    const { ctx, transactions } = stageContext()
    // the first cursor's transaction is committed only once the first tick has come
    const publish = ctx.events.publish.bind(ctx.events)
    let committed!: () => void
    const firstCommit = new Promise<void>((r) => (committed = r))
    Object.assign(ctx.events, {
      publish: async (...args: Parameters<typeof publish>) => {
        if (transactions.length === 0) await firstCommit
        return publish(...args)
      },
    })
    const scheduler = new VirtualTimeScheduler(undefined, 0)
    const sub = stagePipeline(ctx, reports, scheduler, () => feedOf()).subscribe()
    await settle()
    expect(ctx.lanes.busy()).toEqual(['custom_reports']) // the first cursor is committing
    scheduler.flush()
    committed()
    for (let i = 0; i < 5; i++) {
      await ctx.lanes.drained()
      await settle()
    }
    expect(opsOf(transactions)).toEqual(['r', 'r', 'r'])
    sub.unsubscribe()
  })

  it('refreshes once when a retried pipeline ticks again behind the refresh its first run queued', async () => {
    const { ctx, state, refreshes } = stageContext()
    state.commit({
      resource: 'custom_reports',
      known: new Map(),
      cursor: { v: 1, resource: 'custom_reports', snapshotDone: true, lastRefreshAt: 0 },
    })
    let release = () => undefined as void
    void ctx.lanes.run('custom_reports', () => new Promise<void>((r) => (release = r)))
    const idle: Feed = { run: () => new Promise<void>(() => undefined), stop: async () => undefined }
    for (let run = 0; run < 2; run++) {
      const scheduler = new VirtualTimeScheduler(undefined, 0)
      const sub = stagePipeline(ctx, reports, scheduler, () => idle).subscribe()
      await settle()
      scheduler.flush()
      sub.unsubscribe() // the pipeline failed and is retried
    }
    release()
    for (let i = 0; i < 5; i++) {
      await ctx.lanes.drained()
      await settle()
    }
    expect(refreshes.filter((m) => m === 'stage refreshed')).toHaveLength(1)
  })
})
