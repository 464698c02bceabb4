// Every record of some topics as it arrives, from their beginning, read_committed, in a throwaway
// group that commits nothing: the demo's live table. Only brokers are taken (the demo's local
// Kafka, or KAFKA_BROKERS with --kafka-from-env) and kafkajs says nothing.
import './aborted-filter' // before kafkajs: see that file
import { Kafka, logLevel } from 'kafkajs'

export interface TopicWatch {
  stop(): Promise<void>
}

export async function watchTopics(options: {
  brokers: string[]
  clientId: string
  topics: string[]
  onRecord: (topic: string, key: Buffer | null, value: Buffer | null) => Promise<void>
}): Promise<TopicWatch> {
  const reader = new Kafka({
    brokers: options.brokers,
    clientId: options.clientId,
    logLevel: logLevel.NOTHING,
  }).consumer({
    groupId: `${options.clientId}-${Date.now()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  })
  await reader.connect()
  await reader.subscribe({ topics: options.topics, fromBeginning: true })
  await reader.run({
    eachMessage: ({ topic, message }) => options.onRecord(topic, message.key, message.value),
  })
  return { stop: () => reader.disconnect() }
}
