// Personio's tokens: stable `papi-` tokens per credential pair for a TTL (re-auth within the TTL
// returns the same token), echoed in the Authorization response header; an optional legacy mode
// where each token works once and the next one arrives in that header. Expiry follows the
// simulated clock, so a test can expire a token mid-run by advancing it.
import { createHash, randomBytes } from 'node:crypto'
import type { SimClock } from '../clock'

export interface Credential {
  clientId: string
  clientSecret: string
  whitelist?: string[]
}

interface TokenInfo {
  credential: Credential
  expiresAt: number
  used: boolean
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>()
  private readonly current = new Map<string, string>()

  constructor(
    private readonly credentials: Credential[],
    private readonly clock: SimClock,
    private readonly ttlSeconds: number,
    private readonly rotating: boolean,
  ) {}

  credential(clientId: string | undefined, secret: string | undefined): Credential | undefined {
    return this.credentials.find((c) => c.clientId === clientId && c.clientSecret === secret)
  }

  issue(credential: Credential): { token: string; expiresIn: number } {
    const existing = this.current.get(credential.clientId)
    const info = existing === undefined ? undefined : this.tokens.get(existing)
    if (!this.rotating && existing !== undefined && info !== undefined && info.expiresAt > this.clock.now()) {
      return { token: existing, expiresIn: Math.round((info.expiresAt - this.clock.now()) / 1000) }
    }
    return { token: this.mint(credential), expiresIn: this.ttlSeconds }
  }

  private mint(credential: Credential): string {
    const digest = createHash('sha256')
      .update(`${credential.clientId}:${randomBytes(16).toString('hex')}`)
      .digest('hex')
    const token = `papi-${digest.slice(0, 48)}`
    this.tokens.set(token, { credential, expiresAt: this.clock.now() + this.ttlSeconds * 1000, used: false })
    this.current.set(credential.clientId, token)
    return token
  }

  /** Checks a bearer token; in rotating mode consumes it and returns the next one. */
  check(
    token: string | undefined,
  ): { ok: true; credential: Credential; next: string } | { ok: false; status: 401 | 403; message: string } {
    if (token === undefined) return { ok: false, status: 401, message: 'Missing Authorization header' }
    const info = this.tokens.get(token)
    if (info === undefined)
      return { ok: false, status: 403, message: 'The provided access token is not valid' }
    if (info.expiresAt <= this.clock.now())
      return { ok: false, status: 401, message: 'The access token has expired' }
    if (this.rotating) {
      if (info.used) return { ok: false, status: 401, message: 'The access token has already been used' }
      info.used = true
      return { ok: true, credential: info.credential, next: this.mint(info.credential) }
    }
    return { ok: true, credential: info.credential, next: token }
  }

  revoke(token: string): void {
    this.tokens.delete(token)
  }
}
