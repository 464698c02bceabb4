// Where the downstream readers (Flink SQL, PostgreSQL, Confluent's Python client) live and which
// versions they run. Everything sits under the git-ignored `.infra/downstream/`, beside the broker.
import { join } from 'node:path'
import { root } from '../../src/infra/layout'

export const downstreamVersions = {
  flink: '2.0.0',
  flinkKafka: '4.0.1-2.0',
  flinkAvroConfluent: '2.0.0',
  flinkJdbc: '4.0.0-2.0',
  postgresJdbc: '42.7.14',
  log4j: '2.25.3',
  confluentKafka: '2.16.1',
} as const

const home = join(root, 'downstream')

export const downstreamLayout = {
  home,
  flink: {
    pom: join(home, 'flink', 'pom.xml'),
    libs: join(home, 'flink', `libs-${downstreamVersions.flink}`),
    classes: join(home, 'flink', 'classes'),
    source: join(__dirname, 'java', 'DownstreamSql.java'),
    log4j: join(home, 'flink', 'log4j2.properties'),
  },
  python: {
    venv: join(home, 'python'),
    requirements: join(__dirname, 'requirements.txt'),
  },
  postgres: join(home, 'postgres'),
  logs: join(home, 'logs'),
} as const
