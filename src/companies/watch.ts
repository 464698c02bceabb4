// COMPANIES_DIR followed over time: the first scan at once, then a rescan every COMPANIES_RESCAN_MS
// that is passed on only when something a worker acts on changed (a company added or removed, a
// fingerprint — its file or a secret it names —, a refusal). Polling rather than fs.watch: a
// mounted ConfigMap or Secret is swapped through symlinks that inotify reports unreliably, and a
// network volume reports nothing at all.
//
// A rescan that fails (the volume gone for a moment) keeps the last good view and says so once in
// `problem`: dropping every company because a directory blinked would stop them all and hand their
// work around the group for nothing. Only the first scan's failure is an error.
import {
  asyncScheduler,
  concat,
  defer,
  distinctUntilChanged,
  interval,
  map,
  of,
  type Observable,
  type SchedulerLike,
} from 'rxjs'
import { ConfigError } from '../errors'
import type { CompanyDirectory } from './company'
import { readCompanyDirectory } from './directory'

/** A scan's view; `problem` set while the directory cannot be read and the last good view stands. */
export type CompanyView = CompanyDirectory & { problem?: string }

/** What a worker acts on: the companies with their fingerprints, and the refusal lines. */
const essence = (view: CompanyView): string =>
  JSON.stringify([
    [...view.companies.values()].map((c) => [c.spec.id, c.fingerprint]),
    view.refused.map((r) => [r.file, r.why]),
    view.problem !== undefined,
  ])

const problemOf = (error: unknown): string =>
  error instanceof ConfigError
    ? error.problems.join('; ')
    : error instanceof Error
      ? error.message
      : String(error)

export function watchCompanies(
  dir: string,
  rescanMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<CompanyView> {
  return defer(() => {
    let last: CompanyDirectory | undefined // per subscription: each subscriber scans for itself
    const scan = (): CompanyView => {
      try {
        last = readCompanyDirectory(dir)
        return last
      } catch (error) {
        if (last === undefined) throw error
        return { ...last, problem: `${problemOf(error)}; the companies of the last good scan keep running` }
      }
    }
    return concat(
      defer(() => of(scan())),
      interval(rescanMs, scheduler).pipe(map(scan)),
    ).pipe(distinctUntilChanged((a, b) => essence(a) === essence(b)))
  })
}
