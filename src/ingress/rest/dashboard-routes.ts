/**
 * The inspection dashboard (server-rendered HTML, SVG charts, no script):
 *   GET  /dashboard?period=YYYY     inspection (a browser session, or Bearer)   200 text/html
 * A browser logs in at /{env}/dashboard/login (src/accounts/login-routes.ts): the session hook
 * (src/accounts/session-hook.ts) lets its page reads through and answers the login form (401)
 * to a browser that is not logged in; API clients send the Bearer token and get problem+json.
 */
import type { FastifyInstance } from 'fastify'
import { dashboardData } from '../../dashboard/dashboard-data.js'
import { dashboardPage } from '../../dashboard/dashboard-page.js'
import { followUpPanel } from '../../follow-up/follow-up-views.js'
import { LANGS } from '../../i18n/index.js'
import type { PartyDirectory } from '../../parties/parties.js'
import { pageView } from '../../pages/page-view.js'
import { pageErrorHandler, sendHtml } from '../../pages/send.js'
import { PERIOD_PATTERN } from '../../statistics/statistics-service.js'

const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }

/** The `lang` query parameter every page accepts (contract 9). */
export const LANG_PARAM = { type: 'string', enum: [...LANGS], description: 'Language of the page: fr, nl or en (default: the earlier choice, then Accept-Language, then fr).' } as const

export interface DashboardRoutesOptions {
  directory: Pick<PartyDirectory, 'byToken'>
}

export async function dashboardRoutes(app: FastifyInstance, _opts: DashboardRoutesOptions): Promise<void> {
  app.get<{ Querystring: { period?: string } }>(
    '/dashboard',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Inspection dashboard (HTML)',
        description:
          'Rates per CPAS with the 5 % and 10 % lines, the inspection lists, feedback shares per flow, the trend over periods, open blinkers by age, dead letters and the latest inspection inbox items. A browser logs in at /{env}/dashboard/login (named inspector, server-side session); API clients may send the Bearer token.',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { period: { type: 'string', pattern: PERIOD_PATTERN, description: 'Calendar year; default the latest with file counts.' }, lang: LANG_PARAM }, additionalProperties: false },
        response: htmlPage,
      },
      errorHandler: pageErrorHandler,
    },
    async (request, reply) => {
      const view = pageView(request)
      const [data, followUps] = await Promise.all([dashboardData(request.envCtx, request.query.period, view.lang), followUpPanel(request.envCtx, view)])
      // The follow-ups panel (src/follow-up/) closes the page.
      return sendHtml(reply, 200, dashboardPage(data, view).replace('</main>', `${followUps}</main>`))
    },
  )
}
