/**
 * Deny by default. Every /{env} route declares `config.roles`; the onRequest hook resolves the
 * Bearer token and/or the TLS client certificate to a party of *this* environment before the body
 * is even read, and refuses a route without declared roles at registration time, so a new route
 * cannot be left open by mistake.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EnvContext } from '../../context.js'
import { GatewayError } from '../../errors.js'
import type { Party } from '../../parties/parties.js'
import { certificateIdentity, type CertDirectory } from '../../security/client-cert-auth.js'
import { clientCertEnvironments } from '../../security/tls-options.js'
import { authThrottleLimits, throttleAuthError } from '../../security/auth-throttle.js'

export interface Authenticator extends CertDirectory {
  byToken(token: string): Party | undefined
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/

/**
 * The caller: by token, by client certificate, or by both when they agree (else 403
 * GW_ERR_CREDENTIAL_MISMATCH). `certRequired` (default false): this environment is in
 * CLIENT_CERT_REQUIRED_ENVIRONMENTS, so a registered certificate is needed even with a valid token.
 */
export function authenticate(request: FastifyRequest, envCtx: EnvContext, directory: Authenticator, certRequired = false): Party {
  const byCert = certificateIdentity(request, envCtx.env, directory, certRequired)
  const header = request.headers.authorization
  if (!header) {
    if (byCert.party) return byCert.party
    if (byCert.otherEnvironment) throw new GatewayError('GW_ERR_WRONG_ENVIRONMENT', `This certificate belongs to ${byCert.otherEnvironment.env}, not ${envCtx.env}`)
    throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Authorization: Bearer <token> (or a registered client certificate) is required')
  }
  const match = BEARER.exec(header)
  if (!match?.[1]) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Authorization must be "Bearer <token>"')
  const party = directory.byToken(match[1])
  if (!party) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Unknown token')
  if (party.env !== envCtx.env) throw new GatewayError('GW_ERR_WRONG_ENVIRONMENT', `This token belongs to ${party.env}, not ${envCtx.env}`)
  if (byCert.party && byCert.party !== party) {
    throw new GatewayError('GW_ERR_CREDENTIAL_MISMATCH', 'The Bearer token and the client certificate belong to different parties')
  }
  return party
}

/** A role check usable inside handlers that serve several roles (SOAP operations). */
export function requireRole(party: Party, roles: readonly Party['role'][]): void {
  if (!roles.includes(party.role)) {
    throw new GatewayError('GW_ERR_FORBIDDEN_ROLE', `Role ${party.role} may not do this; allowed: ${roles.join(', ')}`)
  }
}

/** A software house reaches only the CPAS it serves; other roles are not scoped by CPAS. */
export function requireCpas(party: Party, kbo: string): void {
  if (party.role === 'software-house' && !party.cpas.has(kbo)) {
    throw new GatewayError('GW_ERR_FORBIDDEN_CPAS', `CPAS ${kbo} is not served by ${party.id}`)
  }
}

/** Installs the hooks on an env-scoped plugin instance. */
export function installAuth(app: FastifyInstance, envCtx: EnvContext, directory: Authenticator): void {
  const certRequired = clientCertEnvironments(envCtx.config).has(envCtx.env)
  const throttle = authThrottleLimits(envCtx.config)
  app.addHook('onRoute', (route) => {
    if (!route.config?.roles) throw new Error(`route ${route.method} ${route.url} declares no roles (deny by default)`)
  })
  app.decorateRequest('envCtx', null as unknown as EnvContext)
  app.decorateRequest('party', null as unknown as Party)
  app.addHook('onRequest', async (request) => {
    request.envCtx = envCtx
    if (request.is404) return
    const roles = request.routeOptions.config.roles
    if (roles === 'public') return
    // A live browser session (src/accounts/session-hook.ts, before this hook) may already have
    // named the person's inspection party; the role check below applies to it all the same.
    if (!request.party) {
      try {
        request.party = authenticate(request, envCtx, directory, certRequired)
      } catch (err) {
        // Guessing: a wrong token (401) is counted per client address and becomes 429 over the
        // allowance. No Authorization header at all guesses nothing and is not counted.
        throw request.headers.authorization === undefined ? err : await throttleAuthError(envCtx.redis, envCtx.keys, { address: request.ip }, throttle, err)
      }
    } else if (certRequired && certificateIdentity(request, envCtx.env, directory, true).party !== request.party) {
      throw new GatewayError('GW_ERR_CREDENTIAL_MISMATCH', 'A browser session here needs the client certificate of its inspection party')
    }
    if (roles) requireRole(request.party, roles)
  })
}
