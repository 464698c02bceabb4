// Named places where the fault tests kill the process (SIGKILL, no cleanup, no abort), to prove
// that a crash anywhere loses and duplicates nothing a read_committed consumer sees.
//
// Production code only marks the places: `crashPoint` calls a hook, and none is installed unless the
// test harness preloads one into a CLI child (test/support/preload/crash-at.ts, which reads
// PK_TEST_CRASH_AT). Nothing here reads the environment, so a stray variable in a real deployment
// cannot kill the service. Without a hook a point costs one check.
//
// The points, in the order a cycle meets them (docs/faults.md has the same table):
export const crashPoints = {
  'after-fence': 'producers registered (older instances fenced), state not read yet',
  'after-restore': 'state read back, no cycle started',
  'before-first-page': 'a top-level cycle starts, before its first Personio request',
  'after-page': 'pages read and diffed, their transaction not begun',
  'after-send-before-commit': 'inside the sink: records sent in the open transaction, not committed',
  'after-offsets-before-commit': "inside the sink: a stage's offsets added, not committed",
  'after-commit-in-sink': 'inside the sink: the broker committed, the sink has not returned',
  'after-commit-before-state': 'the broker committed; the in-memory state not updated yet',
  'mid-reconcile': 'a complete listing is done, its deletes computed, not yet published',
  'after-cycle': 'a top-level cycle finished (another resource may still be running)',
  'stage-after-parent': "a stage read one parent's rows, not published",
  'stage-before-offset-commit': "a stage's last transaction of a feed batch, before it is sent",
  'between-stages': 'one stage caught up, the next not begun (sync --once)',
  'webhook-after-ack': 'a webhook delivery is in the inbox and its 202 sent; capture has not read it',
} as const

export type CrashPoint = keyof typeof crashPoints
export type CrashHook = (point: CrashPoint) => void

let hook: CrashHook | undefined

export function crashPoint(point: CrashPoint): void {
  if (hook !== undefined) hook(point)
}

/** For the test harness only: production code never installs a hook. */
export function setCrashHook(next: CrashHook | undefined): void {
  hook = next
}

// Pause points: where a test in the same process holds one piece of work — awaiting, so the rest
// of the process runs on — while it does another, to make an interleaving that timing makes rare
// certain (a full listing that read its pages while an inbox batch publishes, say). As with the
// crash points, production code never installs a hook, and without one a point costs one check.
export const pausePoints = {
  'listing-page-read': 'a top-level listing read a page from Personio; it is not yet diffed or published',
  'listing-waits-for-inbox':
    'a full listing waits, before its first read, for an inbox batch of its resource in flight',
} as const

export type PausePoint = keyof typeof pausePoints
export type PauseHook = (point: PausePoint) => Promise<void>

let pauseHook: PauseHook | undefined

/** Resolves at once without a hook. */
export function pausePoint(point: PausePoint): Promise<void> {
  return pauseHook === undefined ? Promise.resolve() : pauseHook(point)
}

/** `source`, held at `point` after each item it produced and before that item is taken on. */
export async function* pausingAt<T>(point: PausePoint, source: AsyncIterable<T>): AsyncGenerator<T> {
  for await (const item of source) {
    if (pauseHook !== undefined) await pauseHook(point)
    yield item
  }
}

/** For tests only: production code never installs a hook. */
export function setPauseHook(next: PauseHook | undefined): void {
  pauseHook = next
}
