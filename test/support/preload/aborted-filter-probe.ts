// Preloaded by the CLI's read_committed test: as the CLI exits, says whether the kafkajs it ran
// with filtered aborted records with ours (src/kafka/kafkajs/aborted-filter.ts). It loads nothing
// itself — loading the filter module would install the filter and prove nothing — but asks the
// instance the CLI loaded, if it loaded one.
import type * as AbortedFilter from '../../../src/kafka/kafkajs/aborted-filter'
import { cliModulePath } from '../cli-preload'

process.on('exit', () => {
  const loaded = require.cache[cliModulePath('kafka/kafkajs/aborted-filter.ts')]
  const verdict =
    loaded === undefined
      ? 'not loaded'
      : (loaded.exports as typeof AbortedFilter).abortedFilterActive()
        ? 'active'
        : 'inactive'
  process.stderr.write(`aborted-filter-probe: ${verdict}\n`)
})
