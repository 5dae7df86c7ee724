/**
 * Identification by client certificate (mTLS). Only a certificate the TLS layer verified against
 * TLS_CA_FILE counts (`socket.authorized`); the party is then found by the certificate's SHA-256
 * fingerprint (`certSha256` in the parties file). The auth hook (rest/auth.ts) combines this with
 * the Bearer token: either identifies the caller, and when both are present they must agree.
 */
import type { TLSSocket } from 'node:tls'
import type { FastifyRequest } from 'fastify'
import type { EnvName } from '../config.js'
import { GatewayError } from '../errors.js'
import { normalizeFingerprint, type Party } from '../parties/parties.js'

/** What the TLS layer says about the caller's certificate. */
export type ClientCertificate =
  | { trusted: true; fingerprint: string }
  | { trusted: false; reason: string }

export interface CertDirectory {
  byCert?(fingerprint: string): readonly Party[]
}

/** The certificate of the connection, or undefined when none was presented (or no TLS at all). */
export function clientCertificate(request: FastifyRequest): ClientCertificate | undefined {
  const socket = request.raw.socket as Partial<TLSSocket> | undefined
  // Plain HTTP and app.inject have sockets without TLS methods.
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined
  const cert = socket.getPeerCertificate()
  if (!cert || !cert.fingerprint256) return undefined
  if (!socket.authorized) return { trusted: false, reason: String(socket.authorizationError ?? 'not issued by the trusted CA') }
  return { trusted: true, fingerprint: normalizeFingerprint(cert.fingerprint256) }
}

/** Who the certificate names: the party of this environment, or one of another environment. */
export interface CertIdentity {
  party?: Party
  otherEnvironment?: Party
}

/**
 * Resolves the connection's certificate to a party. Where `required` (the environment is in
 * CLIENT_CERT_REQUIRED_ENVIRONMENTS) a missing, untrusted or unregistered certificate is refused
 * here, whatever token comes with it; elsewhere such a certificate is simply not used and the
 * token decides.
 */
export function certificateIdentity(request: FastifyRequest, env: EnvName, directory: CertDirectory, required: boolean): CertIdentity {
  const cert = clientCertificate(request)
  if (!cert?.trusted) {
    if (!required) return {}
    const why = cert ? `the certificate presented is not trusted (${cert.reason})` : 'no client certificate was presented'
    throw new GatewayError('GW_ERR_CLIENT_CERT_REQUIRED', `${env} requires a client certificate issued by the gateway's trusted CA; ${why}`)
  }
  const holders = directory.byCert?.(cert.fingerprint) ?? []
  const party = holders.find((p) => p.env === env)
  if (party) return { party }
  const otherEnvironment = holders[0]
  if (required) {
    if (otherEnvironment) throw new GatewayError('GW_ERR_WRONG_ENVIRONMENT', `This certificate belongs to ${otherEnvironment.env}, not ${env}`)
    throw new GatewayError('GW_ERR_CLIENT_CERT_UNKNOWN', `Client certificate sha256 ${cert.fingerprint} is registered for no party of ${env}`)
  }
  return otherEnvironment ? { otherEnvironment } : {}
}
