// How each API generation issues tokens. v1: POST /v1/auth with a JSON body (never the deprecated
// query string). v2: POST /v2/auth/token, form-encoded OAuth client credentials.
import { AuthError } from '../../errors'
import type { V1AuthResponse, V2TokenResponse } from '../types'
import type { IssuedToken } from './token-cache'

export interface Credentials {
  clientId: string
  clientSecret: string
}

export type PostFn = (path: string, body: string, contentType: string) => Promise<unknown>

export function v1Issuer(post: PostFn, credentials: Credentials): () => Promise<IssuedToken> {
  return async () => {
    const body = (await post(
      '/v1/auth',
      JSON.stringify({ client_id: credentials.clientId, client_secret: credentials.clientSecret }),
      'application/json',
    )) as Partial<V1AuthResponse>
    const token = body.data?.token
    if (typeof token !== 'string' || token === '')
      throw new AuthError('Personio v1 /auth answered without a token')
    return { token, expiresIn: body.data?.expires_in }
  }
}

export function v2Issuer(post: PostFn, credentials: Credentials): () => Promise<IssuedToken> {
  return async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    })
    const body = (await post(
      '/v2/auth/token',
      form.toString(),
      'application/x-www-form-urlencoded',
    )) as Partial<V2TokenResponse>
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new AuthError('Personio v2 /auth/token answered without an access_token')
    }
    return { token: body.access_token, expiresIn: body.expires_in }
  }
}
