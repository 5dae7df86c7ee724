/**
 * The HTTPS options of the listener, from configuration (README "Security"). One listener serves
 * both environments, so client certificates are asked for on the TLS level for every connection
 * and the per-environment rule (CLIENT_CERT_REQUIRED_ENVIRONMENTS) is applied per request by the
 * auth hook (client-cert-auth.ts), where it can answer a clear 401 instead of a failed handshake.
 */
import { readFileSync } from 'node:fs'
import type { SecureContextOptions, TlsOptions } from 'node:tls'
import { ConfigError, type Config, type EnvName } from '../config.js'

/** What Fastify's `https` option takes; undefined means plain HTTP. */
export type HttpsOptions = SecureContextOptions & Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized'>

type TlsConfig = Pick<Config, 'TLS_CERT_FILE' | 'TLS_KEY_FILE' | 'TLS_CA_FILE' | 'TLS_CLIENT_CERT' | 'CLIENT_CERT_REQUIRED_ENVIRONMENTS'>

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}=${JSON.stringify(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

/** The environments where a client certificate is required (none when the variable is unset). */
export function clientCertEnvironments(config: Pick<Config, 'CLIENT_CERT_REQUIRED_ENVIRONMENTS'>): ReadonlySet<EnvName> {
  const list = config.CLIENT_CERT_REQUIRED_ENVIRONMENTS
  return new Set(list ? (list.split(',') as EnvName[]) : [])
}

/**
 * Reads the PEM files and checks the variables that only make sense together; throws a
 * ConfigError naming them. Returns undefined when TLS is off (no TLS_CERT_FILE).
 */
export function httpsOptions(config: TlsConfig): HttpsOptions | undefined {
  const problems: string[] = []
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither')
  if (!config.TLS_CERT_FILE && config.TLS_CLIENT_CERT !== 'off') problems.push(`TLS_CLIENT_CERT=${config.TLS_CLIENT_CERT} needs TLS_CERT_FILE and TLS_KEY_FILE (HTTPS)`)
  if (config.TLS_CLIENT_CERT !== 'off' && !config.TLS_CA_FILE) problems.push(`TLS_CLIENT_CERT=${config.TLS_CLIENT_CERT} needs TLS_CA_FILE (the CA client certificates must chain to)`)
  if (config.CLIENT_CERT_REQUIRED_ENVIRONMENTS && config.TLS_CLIENT_CERT === 'off') {
    problems.push('CLIENT_CERT_REQUIRED_ENVIRONMENTS needs TLS_CLIENT_CERT=request or require (otherwise no call could succeed there)')
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined

  const options: HttpsOptions = {
    cert: readPem('TLS_CERT_FILE', config.TLS_CERT_FILE),
    key: readPem('TLS_KEY_FILE', config.TLS_KEY_FILE),
    // The Belgian social-security network accepts TLS 1.2 and 1.3 only.
    minVersion: 'TLSv1.2',
  }
  if (config.TLS_CLIENT_CERT !== 'off' && config.TLS_CA_FILE) {
    options.ca = readPem('TLS_CA_FILE', config.TLS_CA_FILE)
    options.requestCert = true
    // request: the handshake completes without a (valid) certificate, so the gateway can still
    // serve public routes and answer 401 with a GW_ERR code; socket.authorized tells the rest.
    options.rejectUnauthorized = config.TLS_CLIENT_CERT === 'require'
  }
  return options
}
