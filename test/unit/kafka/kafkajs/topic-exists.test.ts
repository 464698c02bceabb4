// Which topics exist, asked of the brokers for those topics alone (never the whole cluster's
// metadata), against a stand-in for kafkajs' admin that answers as kafkajs does: a request naming
// a topic the brokers do not host throws that topic's error, whatever the others.
import type { Admin } from 'kafkajs'
import { existingTopics } from '../../../../src/kafka/kafkajs/topic-exists'

const protocolError = (type: string) => Object.assign(new Error(type), { type })

function brokers(hosted: readonly string[], leaderless: readonly string[] = []) {
  const asked: string[][] = []
  const admin = {
    fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
      asked.push(topics)
      const unknown = topics.find((t) => !hosted.includes(t) && !leaderless.includes(t))
      if (unknown !== undefined) return Promise.reject(protocolError('UNKNOWN_TOPIC_OR_PARTITION'))
      // kafkajs gives up waiting for a leader with its retries exhausted, the error as the cause
      if (topics.some((t) => leaderless.includes(t)))
        return Promise.reject(
          Object.assign(new Error('retries exhausted'), { cause: protocolError('LEADER_NOT_AVAILABLE') }),
        )
      return Promise.resolve({ topics: topics.map((name) => ({ name, partitions: [] })) })
    },
  } as unknown as Pick<Admin, 'fetchTopicMetadata'>
  return { admin, asked }
}

describe('kafka > kafkajs > existing topics', () => {
  it('all present: one request naming exactly those topics', async () => {
    const { admin, asked } = brokers(['p.employees', 'p._state', 'other.topic'])
    expect(await existingTopics(admin, ['p.employees', 'p._state'])).toEqual(
      new Set(['p.employees', 'p._state']),
    )
    expect(asked).toEqual([['p.employees', 'p._state']])
  })

  it('some missing: each asked alone tells which', async () => {
    const { admin, asked } = brokers(['p.employees'], ['p.projects'])
    expect(await existingTopics(admin, ['p.employees', 'p._state', 'p.projects'])).toEqual(
      new Set(['p.employees', 'p.projects']),
    )
    expect(asked.every((a) => a.every((t) => t.startsWith('p.')))).toBe(true)
  })

  it('none asked, none answered; any other failure is thrown', async () => {
    const { admin, asked } = brokers([])
    expect(await existingTopics(admin, [])).toEqual(new Set())
    expect(asked).toEqual([])
    const refusing = {
      fetchTopicMetadata: () => Promise.reject(protocolError('TOPIC_AUTHORIZATION_FAILED')),
    } as unknown as Pick<Admin, 'fetchTopicMetadata'>
    await expect(existingTopics(refusing, ['p.employees'])).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED')
    await expect(existingTopics(refusing, ['p.employees', 'p._state'])).rejects.toThrow(
      'TOPIC_AUTHORIZATION_FAILED',
    )
  })
})
