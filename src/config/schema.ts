// Every configuration field is declared exactly once, here: its type, default, validation, the
// environment variable that sets it and the help text (Debezium's `Field`). `Config` is tied to
// this schema by the compiler through Ajv's JSONSchemaType, so the two cannot drift; `--help`,
// the README table and the loader are all generated from it.
import type { JSONSchemaType } from 'ajv'

export type KeyFormat = 'avro' | 'string'
export type DeleteMode = 'tombstone' | 'rewrite' | 'rewrite+tombstone'
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512'
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export type LogFormat = 'auto' | 'json' | 'pretty'

export interface Config {
  personio: {
    baseUrl: string
    clientId?: string
    clientSecret?: string
    appId: string
    partnerId?: string
    timeoutMs: number
    rateLimits: string
    rateCeilings: string
  }
  kafka: {
    brokers: string[]
    clientId: string
    ssl: boolean
    sslCaFile?: string
    sslCertFile?: string
    sslKeyFile?: string
    sslRejectUnauthorized: boolean
    saslMechanism?: SaslMechanism
    saslUsername?: string
    saslPassword?: string
  }
  registry: {
    url: string
    username?: string
    password?: string
  }
  topics: {
    prefix: string
    partitions: number
    replicationFactor: number
    keyFormat: KeyFormat
    deleteMode: DeleteMode
    deleteRetentionMs: number
  }
  capture: {
    resources: string[]
    pollIntervalMs: number
    reconcileIntervalMs: number
    overlapMs: number
    stageRefreshIntervalMs: number
    overrides: string
    maxTransactionRecords: number
    deleteGuardPercent: number
    deleteGuardHoldMs: number
    deleteGuardMode: 'approve' | 'hold-then-publish'
  }
  log: {
    level: LogLevel
    format: LogFormat
  }
  ops: {
    metricsPort: number
    metricsHost: string
    progress: ProgressMode
    progressIntervalMs: number
  }
  fields: {
    policy: FieldPolicyConfig
    hashKey?: string
  }
  webhooks: {
    publicUrl?: string
    token?: string
    port: number
    host: string
    path?: string
    tlsCertFile?: string
    tlsKeyFile?: string
    maxBodyBytes: number
    reconcileIntervalMs: number
    gapFillIntervalMs: number
    burstMargin: number
  }
  workers: {
    companiesDir?: string
    rescanMs: number
    group?: string
    partitions: number
    sessionTimeoutMs: number
    heartbeatIntervalMs: number
    name?: string
  }
}

export type ProgressMode = 'auto' | 'tty' | 'log' | 'off'

/** Per resource: record fields left out of the topic, and fields replaced by a keyed hash. */
export type FieldPolicyConfig = Record<string, { drop?: string[]; hash?: string[] }>

/** Extra keywords on leaf fields; registered with Ajv as annotations. */
export interface FieldMeta {
  env: string
  description: string
  /** never printed; may also be read from the file named by `<env>_FILE` */
  secret?: boolean
  /** not secret, but may also be read from the file named by `<env>_FILE` (Docker/Kubernetes secrets) */
  file?: boolean
  /** a good value, shown when the configured one is wrong */
  example?: string
  /** what a valid value looks like, in words, replacing a regular expression in error messages */
  expect?: string
}

/** An http(s) URL with a host: Personio's base URL, the registry, the webhooks' public URL. */
export const HTTP_URL = '^https?://[^/\\s:]+(:[0-9]{1,5})?(/\\S*)?$'

/** A topic prefix: TOPIC_PREFIX, and the prefix a company file names (companies/company-file.ts). */
export const TOPIC_PREFIX_PATTERN = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'
export const TOPIC_PREFIX_EXPECT = 'must be letters, digits, _ or -, in dot-separated parts'

const UPPER_SNAKE = '^[A-Z][A-Z0-9_]*$'

/** One resource's entry of FIELD_POLICY, and of a company file's fieldPolicy. */
export const fieldPolicyEntrySchema: JSONSchemaType<FieldPolicyConfig[string]> = {
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: {
    drop: { type: 'array', items: { type: 'string', minLength: 1 }, nullable: true },
    hash: { type: 'array', items: { type: 'string', minLength: 1 }, nullable: true },
  },
}

export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'personio',
    'kafka',
    'registry',
    'topics',
    'capture',
    'log',
    'ops',
    'fields',
    'webhooks',
    'workers',
  ],
  properties: {
    personio: {
      type: 'object',
      additionalProperties: false,
      required: ['baseUrl', 'appId', 'timeoutMs', 'rateLimits', 'rateCeilings'],
      properties: {
        baseUrl: {
          type: 'string',
          format: 'uri',
          pattern: HTTP_URL,
          expect: 'must be an http(s) URL with a host',
          example: 'https://api.personio.de',
          default: 'https://api.personio.de',
          env: 'PERSONIO_BASE_URL',
          description: 'Personio API origin; v1 is served under /v1, v2 under /v2.',
        },
        clientId: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'PERSONIO_CLIENT_ID',
          file: true,
          example: 'papi-1a2b3c',
          description:
            'API credential id (Settings → Integrations → API credentials). Required by run, sync and snapshot; demo needs none.',
        },
        clientSecret: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'PERSONIO_CLIENT_SECRET',
          example: 'papi-secret-from-personio',
          secret: true,
          description: 'API credential secret. Never logged.',
        },
        appId: {
          type: 'string',
          pattern: UPPER_SNAKE,
          default: 'PERSONIO_KAFKA',
          env: 'PERSONIO_APP_ID',
          expect: 'must be UPPER_SNAKE_CASE',
          description: 'Sent as X-Personio-App-ID; Personio asks for UPPER_SNAKE_CASE.',
        },
        partnerId: {
          type: 'string',
          nullable: true,
          pattern: UPPER_SNAKE,
          env: 'PERSONIO_PARTNER_ID',
          expect: 'must be UPPER_SNAKE_CASE',
          example: 'ACME_PARTNER',
          description: 'Sent as X-Personio-Partner-ID when set (partner companies).',
        },
        timeoutMs: {
          type: 'integer',
          minimum: 1000,
          maximum: 600000,
          default: 30000,
          env: 'PERSONIO_TIMEOUT_MS',
          description: 'Timeout of one Personio request (headers and body), in milliseconds.',
        },
        rateLimits: {
          type: 'string',
          default: '',
          env: 'PERSONIO_RATE_LIMITS',
          description:
            "Requests per second per endpoint family in place of Personio's documented figures, and a ceiling neither its x-ratelimit headers nor learning can raise (unless PERSONIO_RATE_CEILINGS names the family): <family>=<rate>[/<burst>], comma-separated; families employees, balances (per-employee balance reads), v1 (other v1), v2-persons, v2-periods, v2, v1-auth, v2-auth, v1-global (all v1 together, 2000/min); e.g. employees=3,balances=3 when other integrations share the budget.",
        },
        rateCeilings: {
          type: 'string',
          default: '',
          env: 'PERSONIO_RATE_CEILINGS',
          description:
            'How high a learned pace may climb, in requests per second per endpoint family: where Personio sends no x-ratelimit headers the pace starts at the documented (or configured) figure, rises while requests queue and backs off on a 429. <family>=<rate>, comma-separated; families employees, balances, v1, v2-persons, v2-periods, v2 (auth is never probed); default the v1-global figure for v1 families, 50 for v2; e.g. balances=10.',
        },
      },
    },
    kafka: {
      type: 'object',
      additionalProperties: false,
      required: ['brokers', 'clientId', 'ssl', 'sslRejectUnauthorized'],
      properties: {
        brokers: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[^\\s:/]+:[0-9]{1,5}$' },
          expect: 'must be host:port, comma-separated',
          example: 'broker-1:9092,broker-2:9092',
          default: ['127.0.0.1:9092'],
          env: 'KAFKA_BROKERS',
          description: 'Bootstrap brokers, comma-separated host:port.',
        },
        clientId: {
          type: 'string',
          minLength: 1,
          default: 'personio-kafka',
          env: 'KAFKA_CLIENT_ID',
          description: 'Kafka client id, visible in broker logs and quotas.',
        },
        ssl: {
          type: 'boolean',
          default: false,
          env: 'KAFKA_SSL',
          description: 'Connect to the brokers over TLS.',
        },
        sslCaFile: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'KAFKA_SSL_CA_FILE',
          example: '/etc/kafka/ca.pem',
          description: 'PEM file of the CA(s) that signed the broker certificates (default: the system CAs).',
        },
        sslCertFile: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'KAFKA_SSL_CERT_FILE',
          example: '/etc/kafka/client.pem',
          description:
            'PEM client certificate, for brokers that require mutual TLS (with KAFKA_SSL_KEY_FILE).',
        },
        sslKeyFile: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'KAFKA_SSL_KEY_FILE',
          example: '/etc/kafka/client.key',
          description: 'PEM private key of the client certificate.',
        },
        sslRejectUnauthorized: {
          type: 'boolean',
          default: true,
          env: 'KAFKA_SSL_REJECT_UNAUTHORIZED',
          description: 'false accepts any broker certificate: for development only.',
        },
        saslMechanism: {
          type: 'string',
          nullable: true,
          enum: ['plain', 'scram-sha-256', 'scram-sha-512'],
          env: 'KAFKA_SASL_MECHANISM',
          description: 'SASL authentication with the brokers (unset: none). Use TLS with plain.',
        },
        saslUsername: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'KAFKA_SASL_USERNAME',
          file: true,
          example: 'personio-kafka',
          description: 'SASL user name.',
        },
        saslPassword: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'KAFKA_SASL_PASSWORD',
          secret: true,
          example: 'the-password',
          description: 'SASL password. Never logged.',
        },
      },
    },
    registry: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: {
          type: 'string',
          format: 'uri',
          pattern: HTTP_URL,
          expect: 'must be an http(s) URL with a host',
          example: 'http://127.0.0.1:8080/apis/ccompat/v7',
          default: 'http://127.0.0.1:8081',
          env: 'SCHEMA_REGISTRY_URL',
          description:
            'Confluent-compatible schema registry base URL (Confluent: the root; Apicurio: …/apis/ccompat/v7).',
        },
        username: {
          type: 'string',
          nullable: true,
          env: 'SCHEMA_REGISTRY_USERNAME',
          file: true,
          description: 'Basic-auth user for the registry, if it needs one.',
        },
        password: {
          type: 'string',
          nullable: true,
          env: 'SCHEMA_REGISTRY_PASSWORD',
          secret: true,
          description: 'Basic-auth password for the registry. Never logged.',
        },
      },
    },
    topics: {
      type: 'object',
      additionalProperties: false,
      required: ['prefix', 'partitions', 'replicationFactor', 'keyFormat', 'deleteMode', 'deleteRetentionMs'],
      properties: {
        prefix: {
          type: 'string',
          pattern: TOPIC_PREFIX_PATTERN,
          default: 'personio',
          env: 'TOPIC_PREFIX',
          expect: TOPIC_PREFIX_EXPECT,
          example: 'hr.personio',
          description: 'Topics are named <prefix>.<resource>; the dead-letter topic is <prefix>._dlq.',
        },
        partitions: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 3,
          env: 'TOPIC_PARTITIONS',
          description: 'Partitions of topics the service creates (existing topics are left alone).',
        },
        replicationFactor: {
          type: 'integer',
          minimum: -1,
          maximum: 32,
          default: -1,
          env: 'TOPIC_REPLICATION_FACTOR',
          description: 'Replication factor of created topics; -1 takes the broker default.',
        },
        keyFormat: {
          type: 'string',
          enum: ['avro', 'string'],
          default: 'avro',
          env: 'KEY_FORMAT',
          description:
            'avro: key is an Avro record; string: plain UTF-8 (single-field keys only). Frozen per topic: string keys on a topic written with Avro keys are refused.',
        },
        deleteMode: {
          type: 'string',
          enum: ['tombstone', 'rewrite', 'rewrite+tombstone'],
          default: 'tombstone',
          env: 'DELETE_MODE',
          description:
            'How a deleted record is published: null value, last image with __deleted=true, or both.',
        },
        deleteRetentionMs: {
          type: 'integer',
          minimum: 86400000,
          default: 86400000,
          env: 'TOPIC_DELETE_RETENTION_MS',
          description:
            'delete.retention.ms of created topics: how long tombstones survive compaction (≥ 1 day).',
        },
      },
    },
    capture: {
      type: 'object',
      additionalProperties: false,
      required: [
        'resources',
        'pollIntervalMs',
        'reconcileIntervalMs',
        'overlapMs',
        'stageRefreshIntervalMs',
        'overrides',
        'maxTransactionRecords',
        'deleteGuardPercent',
        'deleteGuardHoldMs',
        'deleteGuardMode',
      ],
      properties: {
        resources: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[a-z_]+$' },
          default: [
            'employees',
            'absences',
            'absence_periods',
            'absence_types',
            'attendances',
            'projects',
            'document_categories',
            'employees_absences_balance',
            'custom_reports_list',
            'custom_reports',
          ],
          env: 'CAPTURE_RESOURCES',
          description:
            'Resources to capture, comma-separated (run, sync and snapshot; --resources narrows it).',
        },
        pollIntervalMs: {
          type: 'integer',
          minimum: 1000,
          default: 60000,
          env: 'POLL_INTERVAL_MS',
          description: 'How often each resource is polled (run); a slow cycle never overlaps the next.',
        },
        reconcileIntervalMs: {
          type: 'integer',
          minimum: 0,
          default: 3600000,
          env: 'RECONCILE_INTERVAL_MS',
          description:
            'How often incremental resources are listed in full to find deletes (0: every cycle). Each one costs a full listing.',
        },
        overlapMs: {
          type: 'integer',
          minimum: 0,
          default: 600000,
          env: 'OVERLAP_MS',
          description:
            'Incremental reads start this far before the last change seen (clock skew, coarse filters); re-read records that did not change are not re-published.',
        },
        stageRefreshIntervalMs: {
          type: 'integer',
          minimum: 60000,
          default: 86400000,
          env: 'STAGE_REFRESH_INTERVAL_MS',
          description:
            'Full refresh of absence balances and report rows (one request per employee/report); between refreshes they follow employee, absence and report events.',
        },
        overrides: {
          type: 'string',
          default: '',
          env: 'CAPTURE_OVERRIDES',
          description:
            'Per-resource settings: <resource>.<poll|reconcile|overlap|refresh|enabled>=<value>, comma-separated, e.g. employees.poll=30s,absences.overlap=1d,projects.enabled=false.',
        },
        maxTransactionRecords: {
          type: 'integer',
          minimum: 1,
          maximum: 100000,
          default: 5000,
          env: 'TRANSACTION_MAX_RECORDS',
          description:
            'Pages read while a transaction commits are joined into the next one; reading ahead stops once this many records wait, so a transaction holds at most this many plus one page.',
        },
        deleteGuardPercent: {
          type: 'integer',
          minimum: 0,
          maximum: 100,
          default: 20,
          env: 'DELETE_GUARD_PERCENT',
          description:
            "A full listing that would delete more than this share of a resource's known records (and at least 5), or all of them, holds those deletes as a wave: it waits for personio-kafka deletes approve|reject (DELETE_GUARD_MODE). Under webhooks, 2 records missing that Personio never announced are a wave.",
        },
        deleteGuardHoldMs: {
          type: 'integer',
          minimum: 0,
          default: 3600000,
          env: 'DELETE_GUARD_HOLD_MS',
          description:
            'DELETE_GUARD_MODE=hold-then-publish only: how long a wave waits at least before a full listing that finds the same records gone publishes them.',
        },
        deleteGuardMode: {
          type: 'string',
          enum: ['approve', 'hold-then-publish'],
          default: 'approve',
          env: 'DELETE_GUARD_MODE',
          description:
            'approve: a wave of deletes (DELETE_GUARD_PERCENT) waits for a person (personio-kafka deletes list|approve|reject), however long. hold-then-publish: for unattended deployments, published by the first full listing DELETE_GUARD_HOLD_MS later that finds the same records gone.',
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      required: ['level', 'format'],
      properties: {
        level: {
          type: 'string',
          enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
          default: 'info',
          env: 'LOG_LEVEL',
          description: 'Log level of the structured log on stderr.',
        },
        format: {
          type: 'string',
          enum: ['auto', 'json', 'pretty'],
          default: 'auto',
          env: 'LOG_FORMAT',
          description:
            'json: one JSON object per line (pino), for log collectors; pretty: one readable line per event (time, level, resource, message, fields); auto: pretty when stderr is a terminal, else json.',
        },
      },
    },
    // ops and fields: observability and HR-data field control (issue #10), kept together here.
    ops: {
      type: 'object',
      additionalProperties: false,
      required: ['metricsPort', 'metricsHost', 'progress', 'progressIntervalMs'],
      properties: {
        metricsPort: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: 9464,
          env: 'METRICS_PORT',
          description:
            'Port of the ops HTTP server (/metrics, /healthz, /readyz) of long-running commands; 0 turns it off.',
        },
        metricsHost: {
          type: 'string',
          minLength: 1,
          default: '0.0.0.0',
          env: 'METRICS_HOST',
          description: 'Interface the ops HTTP server listens on (127.0.0.1 keeps it local).',
        },
        progress: {
          type: 'string',
          enum: ['auto', 'tty', 'log', 'off'],
          default: 'auto',
          env: 'PROGRESS',
          description:
            'Progress of long work: a live table on a terminal (tty), info log lines (log), or nothing; auto picks tty when stderr is a terminal.',
        },
        progressIntervalMs: {
          type: 'integer',
          minimum: 500,
          maximum: 3600000,
          default: 5000,
          env: 'PROGRESS_INTERVAL_MS',
          description: 'How often a progress log line is written when stderr is not a terminal.',
        },
      },
    },
    fields: {
      type: 'object',
      additionalProperties: false,
      required: ['policy'],
      properties: {
        policy: {
          type: 'object',
          required: [],
          additionalProperties: fieldPolicyEntrySchema,
          default: {},
          env: 'FIELD_POLICY',
          example: '{"employees":{"drop":["fix_salary"],"hash":["email"]}}',
          description:
            'JSON, per resource: fields to drop or to replace by HMAC-SHA256 before fingerprinting and encoding, e.g. {"employees":{"drop":["fix_salary"],"hash":["email"]}}.',
        },
        hashKey: {
          type: 'string',
          nullable: true,
          minLength: 16,
          env: 'FIELD_HASH_KEY',
          secret: true,
          description:
            'HMAC key for hashed fields (≥ 16 characters); required when any field is hashed. Never logged.',
        },
      },
    },
    // webhooks: Personio announces changes by POSTing to a public URL (issue #20)
    webhooks: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'host', 'maxBodyBytes', 'reconcileIntervalMs', 'gapFillIntervalMs', 'burstMargin'],
      properties: {
        publicUrl: {
          type: 'string',
          nullable: true,
          format: 'uri',
          pattern: HTTP_URL,
          expect: 'must be an http(s) URL with a host (Personio delivers only to https)',
          example: 'https://hooks.example.com/personio',
          env: 'WEBHOOK_PUBLIC_URL',
          description:
            'Public HTTPS URL where Personio delivers webhook events to this service; webhooks register subscribes it, doctor checks the subscription. Unset: no webhooks.',
        },
        token: {
          type: 'string',
          nullable: true,
          minLength: 24,
          env: 'WEBHOOK_TOKEN',
          secret: true,
          description:
            'Token Personio sends verbatim as the Authorization header of every delivery (≥ 24 characters; include a scheme such as "Bearer " if the receiver expects one). Required by webhooks register. Never logged.',
        },
        port: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: 9465,
          env: 'WEBHOOK_PORT',
          description:
            'Port of the webhook receiver that run starts when both WEBHOOK_PUBLIC_URL and WEBHOOK_TOKEN are set (Personio POSTs each event there, through your ingress); 0 picks a free one.',
        },
        host: {
          type: 'string',
          default: '0.0.0.0',
          env: 'WEBHOOK_HOST',
          description: 'Interface the webhook receiver listens on.',
        },
        path: {
          type: 'string',
          nullable: true,
          pattern: '^/\\S*$',
          expect: 'must be a path starting with /',
          example: '/personio',
          env: 'WEBHOOK_PATH',
          description:
            'Path the receiver answers on; default the path of WEBHOOK_PUBLIC_URL (set it when an ingress rewrites paths).',
        },
        tlsCertFile: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'WEBHOOK_TLS_CERT_FILE',
          example: '/etc/personio-kafka/tls.crt',
          description:
            'PEM certificate (chain) for the receiver to serve HTTPS itself (with WEBHOOK_TLS_KEY_FILE); unset: plain HTTP behind a TLS-terminating ingress.',
        },
        tlsKeyFile: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'WEBHOOK_TLS_KEY_FILE',
          example: '/etc/personio-kafka/tls.key',
          description: 'PEM private key of WEBHOOK_TLS_CERT_FILE.',
        },
        maxBodyBytes: {
          type: 'integer',
          minimum: 1024,
          default: 65536,
          env: 'WEBHOOK_MAX_BODY_BYTES',
          description:
            'Deliveries above this size are refused with 413 (Personio events are dataless and small).',
        },
        reconcileIntervalMs: {
          type: 'integer',
          minimum: 60000,
          default: 86400000,
          env: 'WEBHOOK_RECONCILE_INTERVAL_MS',
          description:
            'Resources Personio announces by webhook (employees, absences, attendances) are listed in full this often, as the safety net; they are not polled in between.',
        },
        gapFillIntervalMs: {
          type: 'integer',
          minimum: 10000,
          default: 300000,
          env: 'WEBHOOK_GAP_FILL_INTERVAL_MS',
          description:
            "How often the subscription's events endpoint is read for events whose delivery was lost (also at start).",
        },
        burstMargin: {
          type: 'integer',
          minimum: 0,
          default: 2,
          env: 'WEBHOOK_BURST_MARGIN',
          description:
            'Inbox events naming more records of a resource than this many times the pages of its full listing (a bulk edit) are read with one listing, not one request per record; 0 reads every record by id.',
        },
      },
    },
    // workers: many companies in one deployment, balanced over any number of `run` processes by
    // Kafka's group protocol (issue #28)
    workers: {
      type: 'object',
      additionalProperties: false,
      required: ['rescanMs', 'partitions', 'sessionTimeoutMs', 'heartbeatIntervalMs'],
      properties: {
        companiesDir: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'COMPANIES_DIR',
          example: '/etc/personio-kafka/companies',
          description:
            'Directory of company files (<id>.json, one per company, issue #28): when set, run serves every company in it as one worker of a group; unset: the one company of PERSONIO_* as today.',
        },
        rescanMs: {
          type: 'integer',
          minimum: 500,
          default: 5000,
          env: 'COMPANIES_RESCAN_MS',
          description:
            'How often COMPANIES_DIR is read again: a company added, changed (its file or a secret it names) or removed takes effect within this, without a restart.',
        },
        group: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'WORKER_GROUP',
          example: 'personio-kafka.workers',
          description:
            'Consumer group id the workers join to share the companies; every worker of one deployment names the same, and two deployments on one cluster name different ones (default personio-kafka.workers: not derived from KAFKA_CLIENT_ID, which an instance may set for itself and would split the group).',
        },
        partitions: {
          type: 'integer',
          minimum: 1,
          maximum: 10000,
          default: 128,
          env: 'WORKER_PARTITIONS',
          description:
            'Partitions of the companies topic: the units Kafka assigns to workers (a company runs where its id hashes to). Fixed once the topic exists; bounds the number of useful workers.',
        },
        sessionTimeoutMs: {
          type: 'integer',
          minimum: 6000,
          maximum: 300000,
          default: 10000,
          env: 'WORKER_SESSION_TIMEOUT_MS',
          description:
            "A worker that dies (SIGKILL, power) loses its companies to the others after this long without a heartbeat (Kafka's session.timeout.ms; the brokers bound it by group.min/max.session.timeout.ms).",
        },
        heartbeatIntervalMs: {
          type: 'integer',
          minimum: 100,
          default: 1000,
          env: 'WORKER_HEARTBEAT_MS',
          description:
            'How often a worker tells the group coordinator it is alive; less than a third of WORKER_SESSION_TIMEOUT_MS.',
        },
        name: {
          type: 'string',
          nullable: true,
          minLength: 1,
          env: 'WORKER_NAME',
          example: 'worker-1',
          description:
            'Name of this worker in status --group, logs and metrics (default: the host name and process id).',
        },
      },
    },
  },
}
