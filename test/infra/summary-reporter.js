// Prints one plain closing line, "N passed, N failed", that any CI log reader understands.
class SummaryReporter {
  onRunComplete(contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stderr.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
    )
  }
}
module.exports = SummaryReporter
