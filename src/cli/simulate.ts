// `personio-kafka simulate`: the Personio simulator on its own, for demos and manual testing.
import { InvalidArgumentError, type Command } from 'commander'
import { defaultCredential, startSimulator, type BucketSpec } from '../simulator'
import { parseHiddenLimits } from '../simulator/http/rate-limit'
import { httpUrl, integer } from './arguments'

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run the local Personio simulator (v1 + v2 API, quirks included)')
    .option('--employees <n>', 'employees to generate', integer(0, 100_000, 500), 500)
    .option('--absences <n>', 'time-offs per employee', integer(0, 1000, 2), 2)
    .option('--attendances <n>', 'attendance periods per employee', integer(0, 1000, 3), 3)
    .option('--reports <n>', 'custom reports', integer(0, 1000, 2), 2)
    .option('--seed <n>', 'generator seed: the same seed gives the same company', integer(0, 2 ** 31, 1), 1)
    .option('--port <n>', 'port (0: any free port)', integer(0, 65_535, 8787), 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--no-rate-limits', "disable Personio's rate limits")
    .option(
      '--hidden-limits <list>',
      'limits the client is not told (no x-ratelimit-* headers), per family: <family>=<per second>[/<burst>], comma-separated',
      hiddenLimits,
    )
    .option('--legacy-tokens', 'one-time tokens rotated through the Authorization header')
    .option('--webhook-url <url>', 'subscribe this receiver to every webhook event from the start', httpUrl)
    .addHelpText(
      'after',
      `
Examples:
  $ personio-kafka simulate --employees 1000 --port 8787
  $ personio-kafka simulate --no-rate-limits --seed 7
  $ personio-kafka simulate --hidden-limits balances=2.5/8,employees=10/30
  Then, in another terminal, point the producer at it with the variables it prints.`,
    )
    .action(
      async (o: {
        employees: number
        absences: number
        attendances: number
        reports: number
        seed: number
        port: number
        host: string
        rateLimits: boolean
        hiddenLimits?: Record<string, BucketSpec>
        legacyTokens?: boolean
        webhookUrl?: string
      }) => {
        const sim = await startSimulator({
          employees: o.employees,
          absencesPerEmployee: o.absences,
          attendancesPerEmployee: o.attendances,
          reports: o.reports,
          seed: o.seed,
          port: o.port,
          host: o.host,
          rateLimits: o.rateLimits,
          ...(o.hiddenLimits === undefined ? {} : { hiddenLimits: o.hiddenLimits }),
          legacyRotatingTokens: o.legacyTokens === true,
          realClock: true,
          // local receivers speak http: accepted here, though Personio requires https
          webhooks: { url: o.webhookUrl, allowHttp: true },
        })
        console.log(`Personio simulator listening on ${sim.url} (v1: ${sim.url}/v1, v2: ${sim.url}/v2)`)
        console.log(
          `  PERSONIO_BASE_URL=${sim.url} PERSONIO_CLIENT_ID=${defaultCredential.clientId} PERSONIO_CLIENT_SECRET=${defaultCredential.clientSecret}`,
        )
        console.log(
          `  control API: ${sim.url}/_sim/ (employees, timeOffs, …; clock/advance; faults; counters; webhooks/controls)`,
        )
        const stop = () => void sim.close().then(() => process.exit(0))
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      },
    )
}

/** `--hidden-limits balances=2.5/8`: every entry not understood is said, with the form expected. */
function hiddenLimits(value: string): Record<string, BucketSpec> {
  const { limits, problems } = parseHiddenLimits(value)
  if (problems.length > 0 || Object.keys(limits).length === 0)
    throw new InvalidArgumentError(
      `${problems.length > 0 ? problems.join('; ') : 'no limit given'}. E.g. balances=2.5/8,employees=10.`,
    )
  return limits
}
