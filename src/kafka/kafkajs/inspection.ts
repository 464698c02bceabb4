// What `doctor` looks at in the cluster, on one admin connection: how many brokers answer, what the
// ACLs allow, which topics exist and how they are configured.
import { ConfigResourceTypes, type Kafka } from 'kafkajs'
import { readAcls, type AclReport } from '../acls'
import { kafkaUnreachable } from '../unreachable'

export interface ClusterInspection {
  /** the brokers of the cluster; not reaching them is said as every command says it */
  cluster(): Promise<{ brokers: number }>
  acls(principal: string, topicPrefix: string): Promise<AclReport>
  topics(): Promise<string[]>
  /** each topic's configuration entries, name → value */
  topicConfigs(topics: readonly string[]): Promise<Record<string, Record<string, string>>>
  close(): Promise<void>
}

export function inspectCluster(kafka: Kafka, brokers: readonly string[]): ClusterInspection {
  const admin = kafka.admin()
  return {
    cluster: () =>
      admin
        .connect()
        .then(() => admin.describeCluster())
        .then((cluster) => ({ brokers: cluster.brokers.length }))
        .catch((error: unknown) => {
          throw kafkaUnreachable(brokers, error)
        }),
    acls: (principal, topicPrefix) => readAcls(admin, principal, topicPrefix),
    topics: () => admin.listTopics(),
    async topicConfigs(topics) {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      })
      return Object.fromEntries(
        resources.map((r) => [
          r.resourceName,
          Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])),
        ]),
      )
    },
    close: () => admin.disconnect().catch(() => undefined),
  }
}
