// `personio-kafka status`: per resource its phase, lag, keys and what needs attention, read from
// the state topic. Fits 100 columns; `--wide` shows every time and detail, `--json` all of it.
import type { Command } from 'commander'
import { newCaptureState, restoreState } from '../capture/restore'
import { statusOf, statusTable } from '../capture/status'
import type { ResourceName } from '../resources'
import { resourceList } from './arguments'
import { open, stateTopicExists } from './state-commands'

interface StatusOptions {
  config?: string
  resources?: ResourceName[]
  json?: boolean
  wide?: boolean
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'per resource: phase, lag behind Personio, known keys, last success, last error (from the state topic)',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', 'only these resources', resourceList)
    .option('--wide', 'every column in full (times, held deletes, errors), however wide')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      "\nThe lag is how far capture is behind Personio's clock (the cursor_lag_seconds metric says the same).\n" +
        '\nExamples:\n  $ personio-kafka status\n  $ personio-kafka status --wide\n' +
        '  $ personio-kafka status --json | jq \'.[] | select(.resource=="employees")\'',
    )
    .action(async (o: StatusOptions) => {
      const c = open(o.config)
      // Before the first run there is no state topic: every resource is "not started", said at once
      // (reading a topic that does not exist would wait out kafkajs' retries and then fail).
      const exists = await stateTopicExists(c)
      const state = exists ? await restoreState(c.kafka, c.stateTopic, c.group) : newCaptureState()
      const now = Date.now()
      const rows = statusOf(state, now, o.resources)
      if (o.json === true) console.log(JSON.stringify(rows, null, 2))
      else for (const line of statusTable(rows, { wide: o.wide, now })) console.log(line)
    })
}
