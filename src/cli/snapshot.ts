// `personio-kafka snapshot`: read every resource from Personio (or the bundled simulator when no
// credentials are set) and publish it to Kafka as snapshot events, then exit.
import type { Command } from 'commander'
import { runSnapshot } from '../capture/run-snapshot'
import { loadConfig, redactConfig } from '../config'
import { createLogger } from '../ops/logger'
import { resourceNames, type ResourceName } from '../resources'
import { integer, resourceList } from './arguments'
import { exitCodes } from './exit-codes'

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description('publish a full snapshot of every resource (or some) to Kafka, then exit')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`, resourceList)
    .option(
      '--simulator-employees <n>',
      'employees of the bundled simulator (when no credentials are set)',
      integer(1, 100_000, 50),
      50,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ personio-kafka snapshot
  $ personio-kafka snapshot --resources employees,absences
  $ KAFKA_BROKERS=kafka:9092 SCHEMA_REGISTRY_URL=http://registry:8080/apis/ccompat/v7 personio-kafka snapshot`,
    )
    .action(async (o: { config?: string; resources?: ResourceName[]; simulatorEmployees: number }) => {
      const config = loadConfig({ file: o.config })
      const logger = createLogger(config.log.level)
      logger.info({ config: redactConfig(config) }, 'snapshot starting')
      process.once('SIGINT', () => {
        // An open transaction is never committed: read_committed consumers see none of it.
        process.stderr.write(
          'interrupted: snapshot stopped; the page in flight was not committed, so read_committed consumers see nothing half-published. Run it again to complete.\n',
        )
        process.exit(exitCodes.interrupted.code)
      })
      const started = Date.now()
      const run = await runSnapshot(config, logger, {
        only: o.resources,
        simulatorEmployees: o.simulatorEmployees,
      })
      console.log(`Snapshot from ${run.source} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      console.log(`${'topic'.padEnd(40)} ${'records'.padStart(8)} ${'dead-lettered'.padStart(14)}`)
      for (const r of run.results)
        console.log(
          `${r.topic.padEnd(40)} ${String(r.published).padStart(8)} ${String(r.deadLettered).padStart(14)}`,
        )
    })
}
