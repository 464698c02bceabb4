// One company's configuration: the deployment's (brokers, registry, intervals, limits, from the
// environment) with what its company file names laid over it — its topics prefix, its Personio
// account, its resources and field policy, and its own webhook path and token under the
// deployment's public URL (`<WEBHOOK_PUBLIC_URL>/<id>`). An engine opened with it cannot tell it
// from a single-company deployment's configuration.
import type { Config } from '../config'
import type { Company } from './company'

const withoutTrailingSlash = (text: string): string => text.replace(/\/+$/, '')

/**
 * The path under which the receiver answers every company (`<base>/<id>`): WEBHOOK_PATH, else the
 * path of WEBHOOK_PUBLIC_URL, without a trailing slash (`''` at the root); undefined without a
 * public URL.
 */
export function companiesWebhookPath(webhooks: Config['webhooks']): string | undefined {
  if (webhooks.publicUrl === undefined) return undefined
  return withoutTrailingSlash(webhooks.path ?? new URL(webhooks.publicUrl).pathname)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze)
    Object.freeze(value)
  }
  return value
}

/** Pure: `base` with `company` laid over it, frozen. A company without a webhook token gets no webhooks. */
export function companyConfig(base: Config, company: Company): Readonly<Config> {
  const { spec } = company
  const publicUrl = base.webhooks.publicUrl
  const basePath = companiesWebhookPath(base.webhooks)
  const token = company.webhookToken
  return deepFreeze({
    ...base,
    topics: { ...base.topics, prefix: spec.prefix },
    personio: {
      ...base.personio,
      baseUrl: spec.personio.baseUrl ?? base.personio.baseUrl,
      clientId: spec.personio.clientId,
      clientSecret: company.clientSecret,
    },
    capture: { ...base.capture, resources: [...(spec.resources ?? base.capture.resources)] },
    // a copy: freezing the result must not freeze the caller's company
    fields: { ...base.fields, policy: structuredClone(spec.fieldPolicy) ?? base.fields.policy },
    webhooks:
      publicUrl !== undefined && basePath !== undefined && token !== undefined
        ? {
            ...base.webhooks,
            publicUrl: `${withoutTrailingSlash(publicUrl)}/${spec.id}`,
            token,
            path: `${basePath}/${spec.id}`,
          }
        : { ...base.webhooks, publicUrl: undefined, token: undefined },
  })
}
