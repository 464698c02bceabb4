// Rows a stage finds because its parents were snapshot-read are reads (r), whether the stage was
// still populating for the first time or had already caught up with an empty feed: a fresh start
// labels report rows and balances the same way every time.
import { stageModeOf } from '../../../../../src/capture/sources/stage/stage-source'

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
