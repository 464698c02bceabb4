// One call for a long-running command's observability: metrics listening on the channels, the
// readiness state, and the ops HTTP server on METRICS_HOST:METRICS_PORT (none when the port is 0).
// Start it before capture, so the first facts are counted; close it last, after capture stopped.
import type { Config } from '../config'
import { ConfigError } from '../errors'
import type { Logger } from './logger'
import { startOpsServer, type OpsServer } from './http-server'
import { createMetrics, type Metrics } from './metrics'
import { createReadiness, type Readiness, type ReadinessOptions } from './readiness'

export interface Ops {
  metrics: Metrics
  readiness: Readiness
  /** undefined when METRICS_PORT=0 */
  server?: OpsServer
  close(): Promise<void>
}

export async function startOps(
  config: Pick<Config['ops'], 'metricsPort' | 'metricsHost'>,
  readiness: ReadinessOptions,
  logger: Logger,
): Promise<Ops> {
  const metrics = createMetrics({ processMetrics: true, engines: readiness.engines })
  const ready = createReadiness(readiness)
  let server: OpsServer | undefined
  if (config.metricsPort !== 0) {
    try {
      server = await startOpsServer({
        port: config.metricsPort,
        host: config.metricsHost,
        registry: metrics.registry,
        readiness: ready.check,
      })
    } catch (error) {
      metrics.close()
      ready.close()
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error
      throw new ConfigError(
        [
          `METRICS_PORT / METRICS_HOST (ops): cannot listen on ${config.metricsHost}:${config.metricsPort} (${code}); ` +
            'choose another port, or METRICS_PORT=0 to turn the ops endpoint off',
        ],
        { cause: error },
      )
    }
    logger.info({ url: server.url }, 'ops endpoint: /metrics, /healthz, /readyz')
  }
  return {
    metrics,
    readiness: ready,
    server,
    async close() {
      await server?.close()
      ready.close()
      metrics.close()
    },
  }
}
