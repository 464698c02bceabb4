// The demo's screen on a terminal: one frame that fits the terminal it runs in (a taller one would
// scroll, and a redraw of it pushes a screenful into the scrollback each time), drawn again only
// when it changed. Pure: the caller passes the terminal's size and a way to write.

export interface FrameParts {
  title: string
  /** how changes arrive, what the script just did: always on screen, under the title */
  status: readonly string[]
  /** events per resource and op */
  counts: readonly string[]
  /** the latest events, oldest first: as many of the newest as there is room for */
  events: readonly string[]
  /** warnings of the producer, newest last: the last two are shown at the bottom */
  logs: readonly string[]
}

export interface TerminalSize {
  rows: number
  columns: number
}

const cut = (line: string, width: number) => (line.length <= width ? line : `${line.slice(0, width - 1)}…`)

/** A line broken at spaces into lines of at most `width` (a word longer than that is cut). */
function wrap(line: string, width: number): string[] {
  const out: string[] = []
  let current = ''
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      out.push(current)
      current = word
    } else current = current === '' ? word : `${current} ${word}`
  }
  out.push(current)
  return out.map((l) => cut(l, width))
}

/**
 * The frame's lines, in priority order when rows are short: the title and the status (wrapped:
 * every word of it matters), the counts, the warnings, then the newest events (cut to the width).
 * At most rows − 1 lines of at most columns − 1 characters, so writing it never wraps or scrolls.
 */
export function buildFrame(parts: FrameParts, size: TerminalSize): string[] {
  const height = Math.max(1, size.rows - 1)
  const width = Math.max(10, size.columns - 1)
  const status = parts.status.flatMap((line) => wrap(line, width))
  const top = [parts.title, ...status, '', ...parts.counts].slice(0, height)
  const logs = parts.logs.slice(-2).slice(0, Math.max(0, height - top.length))
  const room = height - top.length - logs.length
  // the events need their blank line and heading to read as a section
  const events =
    room >= 3 && parts.events.length > 0
      ? ['', 'latest events (op, resource, key: what changed)', ...parts.events.slice(-(room - 2))]
      : []
  return [...top, ...events, ...logs].map((line) => cut(line, width))
}

/** Draws frames in place, and writes nothing when a frame is the one the terminal shows. */
export class Screen {
  private shown: string | undefined

  constructor(private readonly write: (text: string) => void) {}

  show(lines: readonly string[]): boolean {
    const text = lines.join('\n')
    if (text === this.shown) return false
    this.shown = text
    // home, clear to the end of the screen, the frame; no newline after it, so nothing scrolls
    this.write(`\x1b[H\x1b[J${text}`)
    return true
  }
}
