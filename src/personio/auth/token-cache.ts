// One cached token per API generation: reused for its lifetime, refreshed a minute before it
// expires, dropped on 401. However many calls wait, only one token request is in flight.

export interface IssuedToken {
  token: string
  /** seconds; Personio's v1 may omit it (stable tokens live 24 h) */
  expiresIn?: number
}

const DEFAULT_LIFETIME_S = 86_400
const REFRESH_EARLY_MS = 60_000

export class TokenCache {
  private current: { token: string; expiresAt: number } | undefined
  private pending: Promise<string> | undefined

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  get(): Promise<string> {
    if (this.current !== undefined && this.now() < this.current.expiresAt - REFRESH_EARLY_MS)
      return Promise.resolve(this.current.token)
    this.pending ??= this.issue()
      .then(({ token, expiresIn }) => {
        this.current = { token, expiresAt: this.now() + (expiresIn ?? DEFAULT_LIFETIME_S) * 1000 }
        return token
      })
      .finally(() => {
        this.pending = undefined
      })
    return this.pending
  }

  /** After a 401: forget the token, unless another caller already replaced it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined
  }

  /** Legacy servers rotate one-time tokens through the Authorization response header. */
  rotate(token: string): void {
    if (this.current !== undefined) this.current = { ...this.current, token }
  }
}
