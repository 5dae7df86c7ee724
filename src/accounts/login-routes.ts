/**
 * Logging in and out of the pages:
 *   GET  /dashboard/login    public   the form (name + password; the identity provider's link where OIDC is set)
 *   POST /dashboard/login    public   name, password, next → 303 to `next` (a path of this environment) or
 *                                     /dashboard, with a new session cookie; wrong → 200 the form again with a
 *                                     message and no cookie; too many failures from the address (or for
 *                                     that name from the address) → 429 with Retry-After
 *   POST /dashboard/logout   public   csrf → the session is deleted, 303 to the login page
 * The login routes are public: they are how a browser gets a session. Logout is public too, so a
 * browser whose session already ended is simply sent to the form; with a session, the hook
 * (session-hook.ts) holds it to the session's CSRF token like every page form.
 */
import type { FastifyInstance } from 'fastify'
import type { Accounts } from './accounts.js'
import { endSession, startSession } from './accounts.js'
import { sendLoginPage } from './login-page.js'
import { verifyPassword } from './password-hash.js'

export interface LoginRoutesOptions {
  accounts: Accounts
}

// Checked when the name is unknown, so an unknown name takes as long as a wrong password (no way
// to learn who has an account by timing). Same cost as new hashes; matches nothing.
const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

/**
 * Where a login may send the browser: a path of this environment on this origin (`/{env}/…`),
 * never another site (`//evil`, `/\evil`, `https://…`) nor the login itself; else undefined.
 */
export function safeNext(next: unknown, env: string): string | undefined {
  if (typeof next !== 'string' || next.length > 2048 || !next.startsWith(`/${env}/`) || /[\\\s]/.test(next)) return undefined
  let url: URL
  try {
    url = new URL(next, 'http://gateway.invalid')
  } catch {
    /* c8 ignore next 2 -- a path that starts with /{env}/ always parses */
    return undefined
  }
  if (url.origin !== 'http://gateway.invalid' || !url.pathname.startsWith(`/${env}/`) || url.pathname.startsWith(`/${env}/dashboard/login`)) return undefined
  return `${url.pathname}${url.search}`
}

const formBody = {
  content: {
    'application/x-www-form-urlencoded': {
      schema: { type: 'object', properties: { name: { type: 'string', maxLength: 200 }, password: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 2048 } } },
    },
  },
}
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' }, examples: { page: { summary: description, value: '<!doctype html><html lang="fr">…</html>' } } } } })

export async function loginRoutes(app: FastifyInstance, opts: LoginRoutesOptions): Promise<void> {
  const { accounts } = opts
  const env = accounts.envCtx.env
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  app.get<{ Querystring: { next?: string } }>(
    '/dashboard/login',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Login page (HTML)',
        description: 'The inspectors\' login form: name and password, or the identity provider where OIDC is configured. `next`: the page to open after login.',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 2048 }, lang: { type: 'string', enum: ['fr', 'nl', 'en'] } } },
        response: { 200: htmlPage('The form') },
      },
    },
    async (request, reply) => {
      const next = safeNext(request.query.next, env)
      return sendLoginPage(request, reply, accounts, 200, next ? { next } : {})
    },
  )

  app.post<{ Body: { name?: string; password?: string; next?: string } }>(
    '/dashboard/login',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Log in (form)',
        description:
          'Form post `name`, `password`, `next`: 303 to `next` (a path of this environment) or the dashboard, with a new HttpOnly, SameSite=Strict session cookie `bgw_session` for /{env}; a wrong name or password answers 200 with the form again and sets no cookie; past AUTH_FAILURES_PER_PARTY failures for one name (or AUTH_FAILURES_PER_ADDRESS in all) from one address within AUTH_FAILURE_WINDOW_MS, 429 with Retry-After, even for the right password.',
        tags: ['dashboard'],
        body: formBody,
        response: { 200: htmlPage('The form again, with a message'), 303: { description: 'Logged in: to `next` or the dashboard', type: 'null' }, 429: htmlPage('Too many failed logins from this address') },
      },
    },
    async (request, reply) => {
      const name = (request.body?.name ?? '').trim().toLowerCase()
      const next = safeNext(request.body?.next, env)
      const again = { ...(next ? { next } : {}), name: name.slice(0, 64) }
      const throttled = (wait: number) => {
        reply.header('retry-after', String(wait))
        return sendLoginPage(request, reply, accounts, 429, { ...again, error: true, message: 'login.throttled', params: { minutes: Math.ceil(wait / 60) } })
      }
      // Before the password is even checked (src/security/auth-throttle.ts).
      const wait = await accounts.throttle.retryAfter(request.ip, name)
      if (wait > 0) return throttled(wait)
      const inspector = accounts.inspectors.byId.get(name)
      const ok = await verifyPassword(request.body?.password ?? '', inspector?.passwordScrypt ?? DUMMY_HASH)
      if (!inspector || !ok) {
        const over = await accounts.throttle.failed(request.ip, name)
        if (over > 0) return throttled(over)
        return sendLoginPage(request, reply, accounts, 200, { ...again, error: true, message: 'login.failed' })
      }
      await startSession(accounts, request, reply, inspector)
      return reply.code(303).header('location', next ?? `/${env}/dashboard`).send()
    },
  )

  app.post(
    '/dashboard/logout',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Log out (form)',
        description: 'Form post `csrf` (the session\'s token, in every page\'s logout form): deletes the session in Redis, so a copy of the cookie is dead too, and answers 303 to the login page. A wrong or missing token with a live session: 403.',
        tags: ['dashboard'],
        body: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { csrf: { type: 'string', maxLength: 100 } } } } } },
        response: { 303: { description: 'To the login page', type: 'null' }, 403: htmlPage('The form did not carry the session\'s token') },
      },
    },
    async (request, reply) => {
      await endSession(accounts, request, reply)
      return reply.code(303).header('location', `/${env}/dashboard/login`).send()
    },
  )
}
