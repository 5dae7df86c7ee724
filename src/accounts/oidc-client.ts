/**
 * OpenID Connect login (authorization code flow with PKCE, openid-client v6) against the
 * deployment's identity provider. The provider's metadata is discovered on the first login, not at
 * start (a provider that is down must not stop the gateway), and kept once it answered.
 *
 * openid-client refuses plain-http providers; OIDC_ALLOW_INSECURE_LOOPBACK lifts that for a
 * provider on a loopback address only (tests with a local provider), never by default.
 */
import * as client from 'openid-client'
import type { FastifyRequest } from 'fastify'
import { ConfigError, type Config } from '../config.js'

export interface OidcLogin {
  url: URL
  state: string
  nonce: string
  verifier: string
}

export interface OidcClient {
  issuer: URL
  /** The redirect URI of this environment (register it at the provider). */
  redirectUri(request: FastifyRequest): string
  /** A new login: the provider's authorization URL and the checks to keep until the callback. */
  begin(redirectUri: string): Promise<OidcLogin>
  /** The callback's code exchanged (PKCE, state, nonce checked): the person's subject at the provider. */
  finish(currentUrl: URL, checks: { state: string; nonce: string; verifier: string }): Promise<string>
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** undefined without OIDC_ISSUER; a ConfigError for settings that cannot work. */
export function oidcClient(config: Config): OidcClient | undefined {
  if (!config.OIDC_ISSUER) return undefined
  if (!config.OIDC_CLIENT_ID) throw new ConfigError('Invalid configuration:\n  OIDC_CLIENT_ID is required with OIDC_ISSUER')
  const issuer = new URL(config.OIDC_ISSUER)
  const insecure = issuer.protocol === 'http:'
  if (insecure && !(config.OIDC_ALLOW_INSECURE_LOOPBACK && LOOPBACK.has(issuer.hostname))) {
    throw new ConfigError(`Invalid configuration:\n  OIDC_ISSUER=${JSON.stringify(config.OIDC_ISSUER)}: must be https (plain http only for a loopback provider with OIDC_ALLOW_INSECURE_LOOPBACK=true)`)
  }
  const clientId = config.OIDC_CLIENT_ID
  const secret = config.OIDC_CLIENT_SECRET
  let discovered: Promise<client.Configuration> | undefined
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, clientId, secret ? { client_secret: secret } : undefined, secret ? client.ClientSecretBasic(secret) : client.None(), {
        timeout: 10,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        // Asked again on the next login rather than remembered as down.
        discovered = undefined
        throw err
      })
    return discovered
  }
  const base = config.OIDC_REDIRECT_BASE ?? config.PUBLIC_BASE_URL
  return {
    issuer,
    redirectUri: (request) => `${(base ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '')}/${request.envCtx.env}/dashboard/login/oidc/callback`,
    async begin(redirectUri) {
      const config = await configuration()
      const verifier = client.randomPKCECodeVerifier()
      const state = client.randomState()
      const nonce = client.randomNonce()
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
      return { url, state, nonce, verifier }
    },
    async finish(currentUrl, checks) {
      const tokens = await client.authorizationCodeGrant(await configuration(), currentUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      })
      const sub = tokens.claims()?.sub
      if (!sub) throw new Error('the ID token has no subject')
      return sub
    },
  }
}
