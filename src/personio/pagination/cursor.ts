// v2 cursors: follow `_meta.links.next.href` until it is absent. Hrefs may be relative or absolute
// (attendance periods switched); a next link to another origin is refused (it would carry our token).
import { PersonioHttpError } from '../../errors'
import type { FetchJson, Page } from './page'

interface V2Body {
  _data?: unknown[]
  data?: unknown[]
  _meta?: { links?: { next?: { href?: string } } }
  meta?: { links?: { next?: { href?: string } } }
}

export async function* cursorPages<T>(
  fetch: FetchJson,
  base: URL,
  firstTarget: string,
): AsyncGenerator<Page<T>> {
  let target: string | undefined = firstTarget
  while (target !== undefined) {
    const body = (await fetch(target)) as V2Body
    const items = body?._data ?? body?.data // some v2 endpoints spell it data/meta
    if (!Array.isArray(items)) {
      throw new PersonioHttpError(`Personio ${target} answered without a _data list`, {
        status: 200,
        method: 'GET',
        endpoint: target,
      })
    }
    target = nextTarget((body._meta ?? body.meta)?.links?.next?.href, base, firstTarget)
    yield { items: items as T[], position: target ?? '' }
  }
}

/** The next page's target, or undefined at the end; a link to another origin is refused. */
function nextTarget(href: string | undefined, base: URL, firstTarget: string): string | undefined {
  if (href === undefined || href === '') return undefined
  const next = new URL(href, base)
  if (next.origin !== base.origin) {
    throw new PersonioHttpError(
      `Refusing to follow a pagination link to another origin (${next.origin}); expected ${base.origin}`,
      {
        status: 200,
        method: 'GET',
        endpoint: new URL(firstTarget, base).pathname,
      },
    )
  }
  return `${next.pathname}${next.search}`
}
