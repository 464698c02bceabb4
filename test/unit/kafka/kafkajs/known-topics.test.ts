// A kafkajs client made through withKnownTopics knows its topics from the start, so its first
// metadata request names them alone instead of every topic of the cluster. The clusters kafkajs
// makes are caught where kafkajs makes them (nothing connects: the broker address is never dialled).
import { Kafka, logLevel } from 'kafkajs'
import { knownTopicsActive, withKnownTopics } from '../../../../src/kafka/kafkajs/known-topics'

function kafkaWithClusters() {
  const kafka = new Kafka({ brokers: ['127.0.0.1:1'], clientId: 'known-topics', logLevel: logLevel.NOTHING })
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  const holder = kafka as unknown as Record<symbol, (o: unknown) => { targetTopics: Set<string> }>
  const made: { targetTopics: Set<string> }[] = []
  if (key !== undefined) {
    const create = holder[key] as (o: unknown) => { targetTopics: Set<string> }
    holder[key] = (o) => {
      const cluster = create(o)
      made.push(cluster)
      return cluster
    }
  }
  return { kafka, made }
}

describe('kafka > kafkajs > known topics', () => {
  it('finds the kafkajs factory it needs (a kafkajs upgrade that renames it fails here)', () => {
    expect(knownTopicsActive(new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING }))).toBe(true)
  })

  it('a producer or admin made through it knows the topics; clients made before and after do not', () => {
    const { kafka, made } = kafkaWithClusters()
    kafka.producer()
    withKnownTopics(kafka, ['acme._state'], () => kafka.producer({ transactionalId: 'acme.employees' }))
    withKnownTopics(kafka, ['acme.employees', 'acme._webhooks'], () => kafka.admin())
    kafka.admin()
    expect(made.map((c) => [...c.targetTopics])).toEqual([
      [],
      ['acme._state'],
      ['acme.employees', 'acme._webhooks'],
      [],
    ])
  })

  it('puts kafkajs back as it was when making the client throws', () => {
    const { kafka, made } = kafkaWithClusters()
    expect(() =>
      withKnownTopics(kafka, ['acme._state'], () => {
        throw new Error('no client')
      }),
    ).toThrow('no client')
    kafka.producer()
    expect(made.map((c) => [...c.targetTopics])).toEqual([[]])
  })
})
