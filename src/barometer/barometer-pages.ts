/**
 * The barometer page (role inspection; a browser session reaches it, src/accounts/):
 *   GET /dashboard/barometer?cycle=&party=&lang=   the table parties × domains, the drill-down of one party
 *   GET /barometer                                  → 303 to the page (the short address; the query is not carried,
 *                                                     so nothing typed into it is echoed in a header)
 * A bad cycle or query is an HTML error page in the chosen language (400), an unknown party 404.
 */
import type { FastifyInstance } from 'fastify'
import type { PartyDirectory } from '../parties/parties.js'
import { pageView } from '../pages/page-view.js'
import { pageErrorHandler, sendHtml } from '../pages/send.js'
import { barometerList, partyBarometer } from './barometer-service.js'
import { barometerDeps } from './barometer-routes.js'
import { partyParams } from './barometer-schemas.js'
import { barometerPage } from './barometer-page.js'
import { partyNames } from './barometer-labels.js'
import { cycleStartOf, knownCycles, parseCycle } from './cycles.js'

const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }
const pageQuery = {
  type: 'object',
  properties: {
    cycle: { type: 'string', maxLength: 20 },
    party: partyParams.properties.partyId,
    lang: { enum: ['fr', 'nl', 'en'] },
  },
  additionalProperties: false,
} as const

export interface BarometerPageOptions {
  /** The deployment's parties (required): the production ones decide who is approved. */
  directory: PartyDirectory
  /** The moment "now" is (tests); default the clock. */
  clock?: () => Date
}

export async function barometerPageRoutes(app: FastifyInstance, opts: BarometerPageOptions): Promise<void> {
  app.setErrorHandler(pageErrorHandler)
  const deps = barometerDeps(opts.directory)
  const clock = opts.clock ?? (() => new Date())

  app.get<{ Querystring: { cycle?: string; party?: string } }>(
    '/dashboard/barometer',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Quality barometer (HTML)',
        description: "The parties × domains table of the cycle's latest evaluation, each cell's score in words and colour with its trend; with ?party= the drill-down of one party: per indicator value, n and score at every evaluation of the cycle, and its report. A cycle selector (GET form).",
        tags: ['dashboard'],
        querystring: pageQuery,
        response: htmlPage,
      },
    },
    async (request, reply) => {
      const view = pageView(request)
      const now = clock()
      const cycle = parseCycle(request.query.cycle, now)
      const ctx = request.envCtx
      const [list, party] = await Promise.all([barometerList(ctx, deps, cycle, now), request.query.party ? partyBarometer(ctx, deps, request.query.party, cycle, now) : undefined])
      const names = await partyNames(ctx, list.parties.map((p) => p.partyId), view.lang)
      const start = cycleStartOf(now)
      const body = barometerPage(view, { list, names, cycles: knownCycles(now), currentCycle: `${start}-${start + 1}`, thresholds: deps.thresholds, ...(party && { party }) })
      return sendHtml(reply, 200, body)
    },
  )

  app.get(
    '/barometer',
    {
      config: { roles: 'public' },
      schema: { summary: 'The barometer page (short address)', description: 'Redirects to /{env}/dashboard/barometer (the page itself needs an inspection session).', tags: ['dashboard'], response: { 303: { description: 'To the page', type: 'null' } } },
    },
    async (request, reply) => reply.redirect(`/${request.envCtx.env}/dashboard/barometer`, 303),
  )
}
