// Named places where the fault tests kill the process (SIGKILL, no cleanup, no abort), to prove
// that a crash anywhere loses and duplicates nothing a read_committed consumer sees.
//
//   PK_TEST_CRASH_AT=<point>:<n>   kill the process on the n-th time <point> is reached (n ≥ 1)
//
// Only the test suite sets it. Unset (every real run), `crashPoint` is one comparison.
// The points, in the order a cycle meets them:
//   after-fence              producers registered (older instances fenced), state not read yet
//   after-restore            state read back, no cycle started
//   before-first-page        a top-level cycle starts, before its first Personio request
//   after-page               pages read and diffed, their transaction not begun
//   after-send-before-commit inside the sink: records sent in the open transaction, not committed
//   after-offsets-before-commit  inside the sink: a stage's offsets added, not committed
//   after-commit-before-state    the broker committed; the in-memory state not updated yet
//   mid-reconcile            a complete listing is done, its deletes computed, not yet published
//   after-cycle              a top-level cycle finished (another resource may still be running)
//   stage-after-parent       a stage read one parent's rows, not published
//   stage-before-offset-commit   a stage's last transaction of a feed batch, before it is sent
//   between-stages           one stage caught up, the next not begun (sync --once)
const spec = process.env.PK_TEST_CRASH_AT
const [armed, nth] = spec === undefined || spec === '' ? [undefined, 0] : parse(spec)
let hits = 0

function parse(text: string): [string, number] {
  const at = text.lastIndexOf(':')
  const n = at < 0 ? 1 : Number(text.slice(at + 1))
  return [at < 0 ? text : text.slice(0, at), Number.isInteger(n) && n > 0 ? n : 1]
}

export function crashPoint(point: string): void {
  if (point !== armed) return
  hits += 1
  if (hits !== nth) return
  process.stderr.write(`PK_TEST_CRASH_AT: killing at ${point}:${hits}\n`)
  process.kill(process.pid, 'SIGKILL')
}
