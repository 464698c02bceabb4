// The one door to Kafka: nothing outside src/kafka/ imports kafkajs or its adapters
// (src/kafka/kafkajs/), so another client, or memory (src/kafka/memory/), can fill the same ports.
// Imported first by the command line: before anything loads kafkajs, Node's warnings of its
// negative timers are dropped and its read_committed filter is replaced (see those files).
import './kafkajs/negative-timeouts'
import './kafkajs/aborted-filter'
import type { CaptureKafka } from '../capture/ports'
import type { CaptureState } from '../capture/state/state'
import type { Config } from '../config'
import type { Logger } from '../ops/logger'
import type { WorkerGroup, WorkerGroupDescription, WorkerGroupOptions } from '../workers/membership'
import { createCaptureKafka } from './capture-ports'
import { readBehindGroup, type BehindGroup } from './kafkajs/behind-group'
import { createKafka } from './kafkajs/client'
import { inspectCluster, type ClusterInspection } from './kafkajs/inspection'
import { restoreState } from './kafkajs/state-store'
import { createTopicAdmin } from './kafkajs/topic-admin'
import { existingTopics } from './kafkajs/topic-exists'
import { createTransactionalSink } from './kafkajs/transactional-sink'
import * as workerGroup from './kafkajs/worker-group'
import type { TopicAdmin, TransactionalSink } from './port'

export { kafkaClusterId } from './kafkajs/cluster-id'
export { watchTopics, type TopicWatch } from './kafkajs/topic-watch'
export type { AclReport } from './acls'
export type { BehindGroup } from './kafkajs/behind-group'
export type { ClusterInspection } from './kafkajs/inspection'

/** What the engine takes from Kafka, on a client of the configured brokers and security. */
export function openCaptureKafka(config: Config['kafka'], logger: Logger): CaptureKafka {
  return createCaptureKafka(createKafka({ ...config, logger }), logger)
}

/** What the commands beside the engine (status, reset, deletes, doctor) do with Kafka. */
export interface KafkaTools {
  /** which of these topics exist, on a connection of its own (asked for these topics alone) */
  existingTopics(topics: readonly string[]): Promise<Set<string>>
  /** doctor's look at the cluster, on one admin connection until `close` */
  inspect(): ClusterInspection
  topicAdmin(): TopicAdmin
  /** a resource's writer, as the engine names it: a running producer with that id is fenced */
  transactionalSink(transactionalId: string): TransactionalSink
  /** capture's state as committed in the state topic, read in a group of its own */
  restoreState(stateTopic: string, groupPrefix: string, into?: CaptureState): Promise<CaptureState>
  /** what a consumer group has not committed past, read without joining it */
  readBehindGroup(
    topic: string,
    groupId: string,
    options: { max: number; timeoutMs: number },
  ): Promise<BehindGroup>
}

export function kafkaTools(config: Config['kafka'], logger: Logger): KafkaTools {
  const kafka = createKafka({ ...config, logger })
  return {
    async existingTopics(topics) {
      const admin = kafka.admin()
      try {
        await admin.connect()
        return await existingTopics(admin, topics)
      } finally {
        await admin.disconnect()
      }
    },
    inspect: () => inspectCluster(kafka, config.brokers),
    topicAdmin: () => createTopicAdmin(kafka),
    transactionalSink: (transactionalId) => createTransactionalSink(kafka, { transactionalId }),
    restoreState: (stateTopic, groupPrefix, into) => restoreState(kafka, stateTopic, groupPrefix, into),
    readBehindGroup: (topic, groupId, options) => readBehindGroup(kafka, topic, groupId, options),
  }
}

/**
 * This process as one worker of a group (issue #28), on a Kafka client of its own: the companies
 * topic is created when missing, and `partitions` is its actual count. `leave` closes it all.
 */
export function joinWorkerGroup(
  config: Config['kafka'],
  logger: Logger,
  options: WorkerGroupOptions,
): Promise<WorkerGroup> {
  return workerGroup.joinWorkerGroup(createKafka({ ...config, logger }), options, logger)
}

/** Who holds what in a worker group (status --group), without joining it. */
export function describeWorkerGroup(
  config: Config['kafka'],
  logger: Logger,
  groupId: string,
): Promise<WorkerGroupDescription> {
  return workerGroup.describeWorkerGroup(createKafka({ ...config, logger }), groupId)
}
