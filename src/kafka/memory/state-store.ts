// The StateStore port over the memory state topic, read as the Kafka store reads the real one
// (src/kafka/kafkajs/state-store.ts): every committed record from the beginning to the stable end
// it has now, handed in offset order to capture's `restoreRecord`. `readAfter` first waits until that end
// has passed the offsets an unconfirmed transaction wrote, so the read sees it decided.
import type { LimitsLedger } from '../../capture/state/learned-limits'
import { newCaptureState, restoreRecord } from '../../capture/state/restore'
import type { CaptureState } from '../../capture/state/state'
import type { StateStore } from '../../capture/ports'
import { KafkaError } from '../../errors'
import type { MemoryBroker } from './broker'

export interface MemoryStateStoreOptions {
  stateTopic: string
  /** how long readAfter waits for an open transaction to be decided (the kafkajs store: 30 s) */
  waitMs?: number
}

export function createMemoryStateStore(broker: MemoryBroker, options: MemoryStateStoreOptions): StateStore {
  const { stateTopic } = options
  const restore = (into: CaptureState, limits?: Pick<LimitsLedger, 'load'>): Promise<CaptureState> => {
    try {
      for (const log of broker.topic(stateTopic).partitions)
        for (const record of log.records(0, log.stable)) restoreRecord(into, limits, record.key, record.value)
      return Promise.resolve(into)
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  async function decidedPast(last: number): Promise<void> {
    const log = broker.topic(stateTopic).partitions[0]
    const waitMs = options.waitMs ?? 30_000
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), waitMs)
      timer.unref() // a test that ends while a read waits is not kept alive by it
    })
    try {
      while (log !== undefined && log.stable <= last)
        if ((await Promise.race([broker.changed(), late])) === 'late')
          throw new KafkaError(
            `The state topic ${stateTopic} has not committed past offset ${last} within ${waitMs / 1000} s (another transaction is still open); its state is read again later`,
            { retriable: true },
          )
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    restore,
    async readAfter(after) {
      const last = after.reduce((max, o) => (o > max ? o : max), -1n)
      await decidedPast(Number(last))
      return restore(newCaptureState())
    },
  }
}
