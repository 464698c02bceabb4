// The receiver opened from the configuration (WEBHOOK_PORT, WEBHOOK_HOST, TLS, the body limit),
// as an engine opens its own and a worker opens the one every company shares (issue #28). A port
// that cannot be listened on (taken, privileged, an address not this host's) is a configuration
// error in one line that names the settings, never a stack trace.
import type { Config } from '../config'
import { ConfigError } from '../errors'
import { startReceiver, type Receiver, type ReceiverOptions, type Routes, type SingleRoute } from './receiver'

/** Personio waits 3 s for the answer to a delivery. */
export const WRITE_TIMEOUT_MS = 2_500

const LISTEN_PROBLEMS = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'])

export async function listenForWebhooks(
  hooks: Config['webhooks'],
  routing: SingleRoute | Routes,
  onRefused: ReceiverOptions['onRefused'],
): Promise<Receiver> {
  const { tlsCertFile, tlsKeyFile } = hooks
  try {
    return await startReceiver({
      port: hooks.port,
      host: hooks.host,
      maxBodyBytes: hooks.maxBodyBytes,
      writeTimeoutMs: WRITE_TIMEOUT_MS,
      ...(tlsCertFile !== undefined && tlsKeyFile !== undefined
        ? { tls: { certFile: tlsCertFile, keyFile: tlsKeyFile } }
        : {}),
      ...('route' in routing
        ? { route: (path: string) => routing.route(path) }
        : { path: routing.path, token: routing.token, inbox: routing.inbox }),
      ...(onRefused === undefined ? {} : { onRefused }),
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === undefined || !LISTEN_PROBLEMS.has(code)) throw error
    throw new ConfigError(
      [
        `WEBHOOK_PORT / WEBHOOK_HOST (webhooks): the receiver cannot listen on ${hooks.host}:${hooks.port} (${code}); choose another port`,
      ],
      { cause: error },
    )
  }
}
