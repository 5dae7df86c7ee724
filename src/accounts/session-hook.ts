/**
 * The browser session on the /{env} instance, registered BEFORE the auth hook (rest/auth.ts). For
 * a live `bgw_session` cookie (and no Authorization header: an API client's token always decides
 * alone) it sets `request.person` and `request.csrf`, and lets the request through as the
 * person's inspection party in exactly two cases:
 *   - GET/HEAD of a route whose roles include that party's role (pages, CSV/xlsx exports,
 *     transition lists: what the pages link to);
 *   - POST of a page form under /{env}/dashboard/, and only once its `csrf` field equals the
 *     session's token (checked after the body is parsed, before validation and the handler;
 *     missing or wrong → 403 page, nothing done).
 * Anything else (a POST/PUT/DELETE API route with only the cookie) gets no party from the session,
 * so the auth hook refuses it as before: a cookie never authorizes an API change (CSRF).
 * A browser that is not logged in and asks for a page gets the login form (401) with `next`.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendErrorPage } from '../pages/send.js'
import type { Accounts } from './accounts.js'
import { sendLoginPage } from './login-page.js'
import { clearSessionCookie, readCookie, SESSION_COOKIE } from './session-cookie.js'
import { touchSession } from './session-store.js'

/** The person logged in through a browser session. */
export interface Person {
  id: string
  name: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook (src/accounts/session-hook.ts) when a person is logged in; undefined for API clients. */
    person: Person | undefined
    /** The session's synchronizer token: every page form carries it as the `csrf` field. */
    csrf: string | undefined
  }
}

const CSRF_PENDING = Symbol('csrfPending')
type Marked = FastifyRequest & { [CSRF_PENDING]?: true }

const wantsHtml = (request: FastifyRequest): boolean => /text\/html/.test(String(request.headers.accept ?? ''))

const sameToken = (given: unknown, expected: string): boolean => {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function installSessionHook(app: FastifyInstance, accounts: Accounts): void {
  const { env, redis, keys } = accounts.envCtx
  const pages = `/${env}/dashboard`
  const login = `${pages}/login`
  app.decorateRequest('person', undefined)
  app.decorateRequest('csrf', undefined)

  app.addHook('onRequest', async (request, reply) => {
    // The auth hook sets it too, after this one; the pages and cookies below need it already.
    request.envCtx = accounts.envCtx
    if (request.is404 || request.headers.authorization) return
    const path = request.url.split('?', 1)[0] as string
    const underPages = path === pages || path.startsWith(`${pages}/`)
    const roles = request.routeOptions.config.roles
    const id = readCookie(request.headers.cookie, SESSION_COOKIE)
    const session = id ? await touchSession(redis, keys, env, id, accounts.limits) : undefined
    // A person removed from the accounts file loses their sessions at once.
    const inspector = session ? accounts.inspectors.byId.get(session.personId) : undefined
    const reading = request.method === 'GET' || request.method === 'HEAD'
    if (!session || !inspector) {
      if (id && underPages) clearSessionCookie(reply, request)
      const isPage = underPages && reading && Array.isArray(roles) && roles.includes('inspection')
      if (isPage && wantsHtml(request) && accounts.inspectors.byId.size + (accounts.oidc ? 1 : 0) > 0) {
        return sendLoginPage(request, reply, accounts, 401, { message: 'login.required', next: request.url })
      }
      return
    }
    const allowed = Array.isArray(roles) && roles.includes(inspector.party.role)
    const form = request.method === 'POST' && path.startsWith(`${pages}/`) && path !== login
    if (!underPages && !(reading && allowed)) return
    request.person = { id: inspector.id, name: inspector.name }
    request.csrf = session.csrf
    if (form) (request as Marked)[CSRF_PENDING] = true
    if ((reading || form) && allowed) request.party = inspector.party
  })

  app.addHook('preValidation', async (request, reply: FastifyReply) => {
    if (!(request as Marked)[CSRF_PENDING]) return
    const body = request.body as Record<string, unknown> | undefined
    if (typeof body === 'object' && body !== null && sameToken(body.csrf, request.csrf as string)) return
    return sendErrorPage(request, reply, 403, 'account.csrf')
  })
}
