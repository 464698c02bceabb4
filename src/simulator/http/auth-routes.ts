// POST /v1/auth (JSON or form body; query-string credentials are refused with 403 since
// 2026-12-04, unless the simulator is started to accept them as before) and POST /v2/auth/token |
// /v2/auth/revoke (form only).
import type { TokenStore } from './auth'
import type { SimRequest } from './context'
import { json, oauthError, v1Error, type Reply } from './respond'

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

export function v1Auth(tokens: TokenStore, req: SimRequest, forbidQueryCredentials: boolean): Reply {
  if (req.rawQueryCredentials && forbidQueryCredentials) {
    return v1Error(
      403,
      'Sending credentials in the query string is no longer supported; send them in the request body.',
    )
  }
  const clientId = str(req.body.client_id) ?? req.query.get('client_id') ?? undefined
  const secret = str(req.body.client_secret) ?? req.query.get('client_secret') ?? undefined
  const credential = tokens.credential(clientId, secret)
  if (credential === undefined) return v1Error(401, 'Wrong credentials', 401)
  const { token, expiresIn } = tokens.issue(credential)
  return json(200, {
    success: true,
    data: { token, expires_in: expiresIn, scope: 'employees:read absences:read attendances:read' },
  })
}

export function v2Token(tokens: TokenStore, req: SimRequest, form: boolean): Reply {
  if (!form)
    return oauthError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded')
  if (req.body.grant_type !== 'client_credentials')
    return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported')
  const credential = tokens.credential(str(req.body.client_id), str(req.body.client_secret))
  if (credential === undefined)
    return oauthError(400, 'unauthorized_client', 'The client credentials are invalid')
  const { token, expiresIn } = tokens.issue(credential)
  return json(200, {
    access_token: token,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope:
      str(req.body.scope) ??
      'personio:persons:read personio:absences:read personio:attendances:read personio:projects:read personio:webhooks:read personio:webhooks:write',
  })
}

export function v2Revoke(tokens: TokenStore, req: SimRequest): Reply {
  const token = str(req.body.token)
  if (token !== undefined) tokens.revoke(token)
  return { status: 200, body: undefined }
}
