// The Kafka Connect configurations that read our topics: the Avro converter (Apicurio's, which
// reads the Confluent wire format), the Debezium JDBC sink and the worker itself. Pure: the
// downstream test (test/downstream/connect.test.ts) runs exactly these, and docs/sinks.md
// shows them with placeholders.
export type ConnectorConfig = Record<string, string>

export const connectVersions = {
  /** the worker runs the broker's own Kafka version (src/infra/layout.ts) */
  debeziumJdbc: '3.6.0.Final', // 3.6.1.Final's jar is not on Maven Central
  /** hibernate-core 7.2.6 comes with the connector; its agroal pool module is served from 7.2.0 only */
  hibernateAgroal: '7.2.0.Final',
  /** the Jackson the connector brings (2.21.2); its modules are added to the plugin at this version */
  jackson: '2.21.2',
  /** the newest Apicurio converter whose dependencies all resolve from Maven Central (3.x's do not) */
  apicurioConverter: '2.6.13.Final',
  /** 1.10.0's iceberg-kafka-connect-events jar is not on Maven Central; 1.9.2 resolves whole */
  iceberg: '1.9.2',
  hadoop: '3.4.1',
  sqliteJdbc: '3.50.3.0',
} as const

/**
 * Apicurio's Kafka Connect AvroConverter in Confluent mode: no id headers, the id read from the
 * 5-byte Confluent frame (magic 0 + 4-byte id) and looked up as Apicurio's *content* id, which is
 * what Apicurio's ccompat API hands out as a Confluent schema id (unless the registry runs with
 * `apicurio.ccompat.legacy-id-mode.enabled=true`, then use `globalId`). It speaks Apicurio's own
 * REST API (`/apis/registry/v2`, which Apicurio 3.x still serves), not the ccompat one.
 */
export function apicurioAvroConverter(role: 'key' | 'value', registryApiUrl: string): ConnectorConfig {
  const p = `${role}.converter`
  return {
    [p]: 'io.apicurio.registry.utils.converter.AvroConverter',
    [`${p}.apicurio.registry.url`]: registryApiUrl,
    // the Confluent frame (`apicurio.registry.as-confluent=true` says the same, with a warning
    // that it overrides the default id handler)
    [`${p}.apicurio.registry.id-handler`]: 'io.apicurio.registry.serde.Legacy4ByteIdHandler',
    [`${p}.apicurio.registry.use-id`]: 'contentId',
    [`${p}.apicurio.registry.headers.enabled`]: 'false',
  }
}

/** Apicurio's native API base from the Confluent-compatible one we configure everywhere else. */
export function apicurioApiUrl(ccompatUrl: string): string {
  const base = ccompatUrl.replace(/\/apis\/ccompat\/v\d+\/?$/, '')
  if (base === ccompatUrl)
    throw new Error(
      `${ccompatUrl} is not an Apicurio ccompat URL (…/apis/ccompat/v7); the converter needs Apicurio`,
    )
  return `${base}/apis/registry/v2`
}

export interface JdbcSinkTarget {
  /** topic prefix, e.g. `personio` */
  prefix: string
  /** the resources to sink (all ten by default in the test) */
  resources: readonly string[]
  jdbcUrl: string
  user: string
  password: string
  /** Apicurio's ccompat base URL, exactly what the producer is given */
  registryUrl: string
}

/** The PostgreSQL table a topic lands in: `<prefix>_<resource>`, non-identifier characters as `_`. */
export const sinkTable = (prefix: string, resource: string): string =>
  `${prefix.replace(/[^a-zA-Z0-9_]/g, '_')}_${resource}`

const regexQuote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The Debezium JDBC sink for our flat records (no Debezium envelope): upsert by the key record's
 * fields, a tombstone deletes the row, a new optional field becomes a new column. Identifiers are
 * quoted because some field names (`end`) are PostgreSQL reserved words; `__op`, `__deleted` and
 * the other metadata are ordinary columns.
 */
export function jdbcSinkConfig(target: JdbcSinkTarget): ConnectorConfig {
  const registryApi = apicurioApiUrl(target.registryUrl)
  return {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    'tasks.max': '1',
    topics: target.resources.map((r) => `${target.prefix}.${r}`).join(','),
    'connection.url': target.jdbcUrl,
    'connection.username': target.user,
    'connection.password': target.password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    'schema.evolution': 'basic',
    'quote.identifiers': 'true',
    // `<prefix>.<resource>` → table `<prefix>_<resource>`
    transforms: 'table',
    'transforms.table.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.table.regex': `${regexQuote(target.prefix)}\\.(.*)`,
    'transforms.table.replacement': `${sinkTable(target.prefix, '')}$1`,
    // Our records are written in Kafka transactions: never load an aborted one.
    'consumer.override.isolation.level': 'read_committed',
    ...apicurioAvroConverter('key', registryApi),
    ...apicurioAvroConverter('value', registryApi),
    // A record the converter cannot read stops the task (the default): never skip data silently.
    'errors.tolerance': 'none',
  }
}

export interface WorkerTarget {
  brokers: string
  /** names the group and the internal topics, so runs never share them */
  groupId: string
  restPort: number
  pluginPath: string
}

/** A one-node distributed worker whose internal topics live on our broker (replication 1). */
export function workerProperties(w: WorkerTarget): string {
  const props: Record<string, string> = {
    'bootstrap.servers': w.brokers,
    'group.id': w.groupId,
    'config.storage.topic': `${w.groupId}.configs`,
    'offset.storage.topic': `${w.groupId}.offsets`,
    'status.storage.topic': `${w.groupId}.status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '1',
    'status.storage.partitions': '1',
    listeners: `http://127.0.0.1:${w.restPort}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(w.restPort),
    'plugin.path': w.pluginPath,
    // Plugins are found by their ServiceLoader manifests, not by scanning every class of every
    // jar (20 s of the worker's start); a plugin without one (Apicurio's converter) needs it added.
    'plugin.discovery': 'service_load',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    // lets connectors read read_committed (consumer.override.*)
    'connector.client.config.override.policy': 'All',
    'offset.flush.interval.ms': '1000',
    // one worker: no reason to wait for a departed member before reassigning its tasks
    'scheduled.rebalance.max.delay.ms': '0',
  }
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n')
}

/** The JDBC sink as docs/sinks.md shows it: the test's configuration, with a user's placeholders. */
export function documentedJdbcSink(resources: readonly string[]): { name: string; config: ConnectorConfig } {
  return {
    name: 'personio-jdbc',
    config: jdbcSinkConfig({
      prefix: 'personio',
      resources,
      jdbcUrl: 'jdbc:postgresql://db:5432/hr',
      user: 'hr',
      password: '${file:/secrets/db.properties:password}',
      registryUrl: 'http://registry:8080/apis/ccompat/v7',
    }),
  }
}

export interface IcebergSinkTarget {
  prefix: string
  resources: readonly string[]
  brokers: string
  /** the JdbcCatalog's database, e.g. `jdbc:sqlite:/data/catalog.db` */
  catalogUri: string
  /** where data and metadata files go, e.g. `file:///data/warehouse` */
  warehouse: string
  controlTopic: string
  registryUrl: string
  /** how often the sink commits to Iceberg; its default is 5 minutes */
  commitIntervalMs: number
}

/**
 * Apache Iceberg's sink (1.9): append-only, one row per record, tombstones skipped. It has no
 * topic → table routing, so an SMT writes each record's topic (and offset, for "the newest row per
 * key") into the value, and the sink routes on that field: table `<prefix>.<resource>`.
 */
export function icebergSinkConfig(t: IcebergSinkTarget): ConnectorConfig {
  const registryApi = apicurioApiUrl(t.registryUrl)
  return {
    'connector.class': 'org.apache.iceberg.connect.IcebergSinkConnector',
    'tasks.max': '1',
    topics: t.resources.map((r) => `${t.prefix}.${r}`).join(','),
    transforms: 'source',
    'transforms.source.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
    'transforms.source.topic.field': '__topic',
    'transforms.source.offset.field': '__kafka_offset',
    'iceberg.tables.dynamic-enabled': 'true',
    'iceberg.tables.route-field': '__topic',
    'iceberg.tables.auto-create-enabled': 'true',
    'iceberg.tables.evolve-schema-enabled': 'true',
    'iceberg.catalog.catalog-impl': 'org.apache.iceberg.jdbc.JdbcCatalog',
    'iceberg.catalog.uri': t.catalogUri,
    'iceberg.catalog.jdbc.schema-version': 'V1',
    // One catalog connection: with SQLite two pooled ones lock each other out (SQLITE_BUSY on
    // every commit, seen here); a Postgres catalog does not need it.
    'iceberg.catalog.clients': '1',
    'iceberg.catalog.warehouse': t.warehouse,
    'iceberg.control.topic': t.controlTopic,
    'iceberg.control.commit.interval-ms': String(t.commitIntervalMs),
    'iceberg.kafka.bootstrap.servers': t.brokers,
    'consumer.override.isolation.level': 'read_committed',
    ...apicurioAvroConverter('key', registryApi),
    ...apicurioAvroConverter('value', registryApi),
  }
}

/** The Iceberg sink as docs/sinks.md shows it: the test's configuration with a user's paths. */
export function documentedIcebergSink(resources: readonly string[]): {
  name: string
  config: ConnectorConfig
} {
  return {
    name: 'personio-iceberg',
    config: icebergSinkConfig({
      prefix: 'personio',
      resources,
      brokers: 'kafka:9092',
      catalogUri: 'jdbc:sqlite:/data/iceberg/catalog.db?journal_mode=WAL&busy_timeout=30000',
      warehouse: 'file:///data/iceberg/warehouse',
      controlTopic: 'personio._iceberg-control',
      registryUrl: 'http://registry:8080/apis/ccompat/v7',
      commitIntervalMs: 2000,
    }),
  }
}
