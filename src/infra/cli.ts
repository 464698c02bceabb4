// npm run infra:up | infra:down | infra:status
// First: a Node.js too old for our dependencies is refused in one line (src/runtime.ts).
import '../runtime'
import { describeInfra, ensureInfra, stopInfra } from './index'

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const started = Date.now()
      const infra = await ensureInfra()
      const took = ((Date.now() - started) / 1000).toFixed(1)
      process.stderr.write(`${infra.startedByUs ? 'started' : 'already running'} in ${took} s\n`)
      console.log(`KAFKA_BROKERS=${infra.brokers.join(',')}`)
      console.log(`SCHEMA_REGISTRY_URL=${infra.registryUrl}`)
      return
    }
    case 'down':
      await stopInfra()
      process.stderr.write('stopped\n')
      return
    case 'status':
      console.log(await describeInfra())
      return
    default:
      throw new Error(`usage: infra (up|down|status), got ${command ?? 'nothing'}`)
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
