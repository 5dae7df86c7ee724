/**
 * Login through the deployment's identity provider (OpenID Connect, authorization code + PKCE):
 *   GET /dashboard/login/oidc?next=…     public   303 to the provider
 *   GET /dashboard/login/oidc/callback   public   code exchanged, `sub` mapped to an inspector
 *                                                 (`oidcSubject`), session started
 * The PKCE verifier, nonce and `next` wait in Redis for 10 minutes under the state, which is also
 * kept in a cookie of this browser (bgw_oidc): a callback whose state this browser did not start
 * is refused (login CSRF). The cookie is SameSite=Lax, not Strict, because the provider sends the
 * browser back with a cross-site redirect.
 *
 * The callback answers a page that moves on by itself (meta refresh) rather than a 303: the
 * browser arrived through a cross-site redirect chain, and on the next hop of such a chain it
 * would not send the SameSite=Strict session cookie just set; a navigation started by our own
 * page does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendHtml } from '../pages/send.js'
import { keys } from '../store/keys.js'
import { startSession, type Accounts } from './accounts.js'
import { continuePage, sendLoginPage } from './login-page.js'
import { safeNext } from './login-routes.js'
import { appendCookie, isHttps, readCookie } from './session-cookie.js'

export const OIDC_COOKIE = 'bgw_oidc'
/** How long a login may stay at the provider (default 10 minutes). */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000
const STATE = /^[A-Za-z0-9_-]{16,128}$/

interface Pending {
  verifier: string
  nonce: string
  next?: string
}

export interface OidcRoutesOptions {
  accounts: Accounts
}

const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' }, examples: { page: { summary: description, value: '<!doctype html><html lang="fr">…</html>' } } } } })

export async function oidcRoutes(app: FastifyInstance, opts: OidcRoutesOptions): Promise<void> {
  const { accounts } = opts
  const { env, redis } = accounts.envCtx
  const cookiePath = `/${env}/dashboard/login/oidc`
  const stateCookie = (request: FastifyRequest, value: string, maxAgeS: number) =>
    `${OIDC_COOKIE}=${value}; Path=${cookiePath}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Lax${isHttps(request) ? '; Secure' : ''}`
  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    sendLoginPage(request, reply, accounts, status, { error: true, message })

  app.get<{ Querystring: { next?: string } }>(
    '/dashboard/login/oidc',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Log in with the identity provider',
        description: 'Where OIDC_ISSUER is set: 303 to the provider\'s authorization endpoint (authorization code, PKCE S256, state, nonce). Elsewhere 404 (an HTML page).',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 2048 }, lang: { type: 'string', enum: ['fr', 'nl', 'en'] } } },
        response: { 303: { description: 'To the identity provider', type: 'null' }, 404: htmlPage('No identity provider here'), 502: htmlPage('The provider does not answer') },
      },
    },
    async (request, reply) => {
      if (!accounts.oidc) return refuse(request, reply, 404, 'login.oidcNotConfigured')
      let login
      try {
        login = await accounts.oidc.begin(accounts.oidc.redirectUri(request))
      } catch (err) {
        request.log.warn({ err, issuer: accounts.oidc.issuer.href }, 'OIDC discovery failed')
        return refuse(request, reply, 502, 'login.oidcUnavailable')
      }
      const next = safeNext(request.query.next, env)
      const pending: Pending = { verifier: login.verifier, nonce: login.nonce, ...(next ? { next } : {}) }
      await redis.set(keys.oidcLogin(accounts.envCtx.keys, login.state), JSON.stringify(pending), 'PX', OIDC_LOGIN_TTL_MS)
      appendCookie(reply, stateCookie(request, login.state, OIDC_LOGIN_TTL_MS / 1000))
      return reply.code(303).header('location', login.url.href).send()
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/dashboard/login/oidc/callback',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Identity provider callback',
        description: 'The provider\'s authorization response (`code`, `state`, `iss`): the code is exchanged with the PKCE verifier, the ID token checked (issuer, audience, nonce), its `sub` mapped to the inspector with that `oidcSubject`; a session is started and a page moves on to `next` or the dashboard. An unknown subject, a state this browser did not start or a failed exchange: 403/400 with the login page.',
        tags: ['dashboard'],
        response: { 200: htmlPage('Logged in; the page moves on to the dashboard'), 400: htmlPage('The answer could not be used'), 403: htmlPage('No inspector for this identity') },
      },
    },
    async (request, reply) => {
      if (!accounts.oidc) return refuse(request, reply, 404, 'login.oidcNotConfigured')
      const state = request.query.state
      const mine = readCookie(request.headers.cookie, OIDC_COOKIE)
      appendCookie(reply, stateCookie(request, '', 0))
      if (typeof state !== 'string' || !STATE.test(state) || state !== mine) return refuse(request, reply, 400, 'login.oidcFailed')
      const stored = await redis.getdel(keys.oidcLogin(accounts.envCtx.keys, state))
      if (!stored) return refuse(request, reply, 400, 'login.oidcFailed')
      const pending = JSON.parse(stored) as Pending
      const redirectUri = accounts.oidc.redirectUri(request)
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
      let subject: string
      try {
        subject = await accounts.oidc.finish(new URL(`${redirectUri}${query}`), { state, nonce: pending.nonce, verifier: pending.verifier })
      } catch (err) {
        request.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'OIDC callback refused')
        return refuse(request, reply, 400, 'login.oidcFailed')
      }
      const inspector = accounts.inspectors.bySubject.get(subject)
      if (!inspector) return refuse(request, reply, 403, 'login.oidcUnknown')
      await startSession(accounts, request, reply, inspector)
      return sendHtml(reply, 200, continuePage(request, inspector.name, pending.next ?? `/${env}/dashboard`))
    },
  )
}
