/**
 * The inspection dashboard (server-rendered HTML, SVG charts, no script):
 *   GET  /dashboard?period=YYYY     inspection (Bearer, or the login cookie)   200 text/html
 *   GET  /dashboard/login           public     the login form
 *   POST /dashboard/login           public     form `token=` → 303 to /dashboard with the cookie, or 200 the form again
 *   POST /dashboard/logout          public     200 the login form, cookie cleared
 * The login routes are public (they are how a browser gets a credential): a wrong token answers
 * the form again with a message (200, like any form that did not validate), never a cookie.
 * A browser (Accept: text/html) that is not logged in, or not as the inspection, gets the login
 * form with 401/403; API clients get the usual problem+json.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clearCookie, dashboardPath, setCookie } from '../../dashboard/dashboard-auth.js'
import { dashboardData } from '../../dashboard/dashboard-data.js'
import { dashboardPage, loginPage } from '../../dashboard/dashboard-page.js'
import { isGatewayError } from '../../errors.js'
import type { PartyDirectory } from '../../parties/parties.js'
import { PERIOD_PATTERN } from '../../statistics/statistics-service.js'
import { problemErrorHandler } from './problem-handler.js'

// No script, no external resource, forms only to this origin, never framed.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }

function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-security-policy', CSP).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8').send(body)
}

const wantsHtml = (request: FastifyRequest) => /text\/html/.test(String(request.headers.accept ?? ''))

export interface DashboardRoutesOptions {
  directory: Pick<PartyDirectory, 'byToken'>
}

export async function dashboardRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  app.get<{ Querystring: { period?: string } }>(
    '/dashboard',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Inspection dashboard (HTML)',
        description:
          'Rates per CPAS with the 5 % and 10 % lines, the inspection lists, feedback shares per flow, the trend over periods, open blinkers by age, dead letters and the latest inspection inbox items. A browser logs in with the form at /{env}/dashboard/login (HttpOnly cookie); API clients may send the Bearer token.',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { period: { type: 'string', pattern: PERIOD_PATTERN, description: 'Calendar year; default the latest with data.' } }, additionalProperties: false },
        response: htmlPage,
      },
      errorHandler: (err: FastifyError, request, reply) => {
        const status = isGatewayError(err) ? err.status : 500
        if (wantsHtml(request) && (status === 401 || status === 403)) {
          clearCookie(reply, request.envCtx.env)
          return sendHtml(reply, status, loginPage(request.envCtx.env, status === 401 ? 'Please log in with an inspection token.' : 'This dashboard is for the inspection service.'))
        }
        return problemErrorHandler(err, request, reply)
      },
    },
    async (request, reply) => sendHtml(reply, 200, dashboardPage(await dashboardData(request.envCtx, request.query.period))),
  )

  app.get('/dashboard/login', { config: { roles: 'public' }, schema: { summary: 'Dashboard login form', description: 'The form that sets the dashboard cookie.', tags: ['dashboard'], response: htmlPage } }, async (request, reply) =>
    sendHtml(reply, 200, loginPage(request.envCtx.env)),
  )

  app.post<{ Body: { token?: string } }>(
    '/dashboard/login',
    {
      config: { roles: 'public' },
      schema: {
        summary: 'Log in to the dashboard',
        description: 'Form post `token=<inspection token>`: 303 to the dashboard with an HttpOnly, SameSite=Strict cookie limited to /{env}/dashboard (8 hours); a token that is not an inspection token of this environment answers 200 with the form again and a message, and sets no cookie.',
        tags: ['dashboard'],
        body: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { token: { type: 'string', maxLength: 512 } } } } } },
        response: { 200: { description: 'The login form again, with a message', content: { 'text/html': { schema: { type: 'string' } } } }, 303: { description: 'To the dashboard, cookie set', type: 'null' } },
      },
    },
    async (request, reply) => {
      const env = request.envCtx.env
      const token = typeof request.body?.token === 'string' ? request.body.token.trim() : ''
      const party = token ? opts.directory.byToken(token) : undefined
      if (!party || party.env !== env || party.role !== 'inspection') return sendHtml(reply, 200, loginPage(env, 'That is not an inspection token of this environment.'))
      setCookie(reply, env, token, request.protocol === 'https')
      return reply.code(303).header('location', dashboardPath(env)).send()
    },
  )

  app.post(
    '/dashboard/logout',
    { config: { roles: 'public' }, schema: { summary: 'Log out of the dashboard', description: 'Clears the cookie and answers the login form.', tags: ['dashboard'], response: htmlPage } },
    async (request, reply) => {
      clearCookie(reply, request.envCtx.env)
      return sendHtml(reply, 200, loginPage(request.envCtx.env))
    },
  )
}
