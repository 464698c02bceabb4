// Prints one plain closing line, "N passed, N failed", as the very last line of the run (after
// jest's own summary), so any CI log reader can tell what ran.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`
    // stderr is synchronous on Linux for files and pipes, so this lands even when jest exits hard.
    process.once('exit', () => process.stderr.write(line))
  }
}
module.exports = SummaryReporter
