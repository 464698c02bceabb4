// Every configuration field is declared exactly once, here: its type, default, validation, the
// environment variable that sets it and the help text (Debezium's `Field`). `Config` is tied to
// this schema by the compiler through Ajv's JSONSchemaType, so the two cannot drift; `--help`,
// the README table and the loader are all generated from it.
import type { JSONSchemaType } from 'ajv'

export type KeyFormat = 'avro' | 'string'
export type DeleteMode = 'tombstone' | 'rewrite' | 'rewrite+tombstone'
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512'
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  personio: {
    baseUrl: string
    clientId?: string
    clientSecret?: string
    appId: string
    partnerId?: string
    timeoutMs: number
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
  log: {
    level: LogLevel
  }
}

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

const HTTP_URL = '^https?://[^/\\s:]+(:[0-9]{1,5})?(/\\S*)?$'

const UPPER_SNAKE = '^[A-Z][A-Z0-9_]*$'

export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: ['personio', 'kafka', 'registry', 'topics', 'log'],
  properties: {
    personio: {
      type: 'object',
      additionalProperties: false,
      required: ['baseUrl', 'appId', 'timeoutMs'],
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
            'API credential id (Settings → Integrations → API credentials). Unset: demo mode against the simulator.',
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
          pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$',
          default: 'personio',
          env: 'TOPIC_PREFIX',
          expect: 'must be letters, digits, _ or -, in dot-separated parts',
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
          description: 'avro: key is an Avro record; string: plain UTF-8 (single-field keys only).',
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
    log: {
      type: 'object',
      additionalProperties: false,
      required: ['level'],
      properties: {
        level: {
          type: 'string',
          enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
          default: 'info',
          env: 'LOG_LEVEL',
          description: 'Log level of the structured (JSON) log on stderr.',
        },
      },
    },
  },
}
