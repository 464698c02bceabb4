// `personio-kafka snapshot`: read every resource from Personio (or the bundled simulator when no
// credentials are set) and publish it to Kafka as snapshot events, then exit.
import type { Command } from 'commander'
import { runSnapshot } from '../capture/run-snapshot'
import { loadConfig, redactConfig } from '../config'
import { createLogger } from '../ops/logger'
import { resolveProgressMode, startProgress, type Progress } from '../ops/progress'
import { resourceNames, type ResourceName } from '../resources'

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description('publish a full snapshot of every resource to Kafka, then exit')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`)
    .option(
      '--simulator-employees <n>',
      'employees of the bundled simulator (when no credentials are set)',
      '50',
    )
    .action(async (o: { config?: string; resources?: string; simulatorEmployees: string }) => {
      const config = loadConfig({ file: o.config })
      // On a terminal, log lines go through the progress display so they never tear its table.
      const shown: { progress?: Progress } = {}
      const tty = resolveProgressMode(config.ops.progress, process.stderr) === 'tty'
      const logger = tty
        ? createLogger(config.log.level, {
            write: (line: string) =>
              shown.progress === undefined ? process.stderr.write(line) : shown.progress.write(line),
          })
        : createLogger(config.log.level)
      const only = o.resources?.split(',').map((s) => s.trim())
      const unknown = only?.filter((r) => !(resourceNames as string[]).includes(r)) ?? []
      if (unknown.length > 0)
        throw new Error(`unknown resources: ${unknown.join(', ')} (known: ${resourceNames.join(', ')})`)
      logger.info({ config: redactConfig(config) }, 'snapshot starting')
      const started = Date.now()
      const progress = (shown.progress = startProgress({
        mode: config.ops.progress,
        logger,
        intervalMs: config.ops.progressIntervalMs,
      }))
      const run = await runSnapshot(config, logger, {
        only: only as ResourceName[] | undefined,
        simulatorEmployees: Number(o.simulatorEmployees),
      }).finally(() => progress.stop())
      console.log(`Snapshot from ${run.source} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      console.log(`${'topic'.padEnd(40)} ${'records'.padStart(8)} ${'dead-lettered'.padStart(14)}`)
      for (const r of run.results)
        console.log(
          `${r.topic.padEnd(40)} ${String(r.published).padStart(8)} ${String(r.deadLettered).padStart(14)}`,
        )
    })
}
