/**
 * The quality barometer's API (contract 9):
 *   GET /v1/barometer?cycle=                          inspection
 *       200 { cycle: { id, start, end, final, asOf, evaluations }, thresholdsVersion, thresholdsStatus, parties: [Barometer] }
 *   GET /v1/barometer/{partyId}?cycle=                inspection; a software house its own id only (else 403 GW_ERR_FORBIDDEN_ROLE)
 *       200 Barometer { partyId, kind, approved, evaluation, domains, evaluations, cycle, thresholdsVersion }
 *   GET /v1/barometer/{partyId}/report.xlsx?cycle=&lang=   the same, as a workbook for the software house
 * The operator role is not listed by the contract: it reads no barometer (403, as on the
 * statistics). The thresholds file is read and checked when the routes are registered, so a bad
 * edit stops the start.
 */
import type { FastifyInstance } from 'fastify'
import type { PartyDirectory } from '../parties/parties.js'
import { negotiateLang } from '../i18n/index.js'
import { barometerList, loadCheckedThresholds, partyBarometer, requireOwnBarometer, type BarometerDeps } from './barometer-service.js'
import { barometerListSchema, barometerSchema, cycleQuery, partyParams, reportQuery } from './barometer-schemas.js'
import { barometerWorkbook, XLSX_TYPE } from './barometer-report.js'
import { parseCycle } from './cycles.js'

const problem = (description: string) => ({ description, $ref: 'problem.schema.json' })
const tags = ['barometer']

export interface BarometerRoutesOptions {
  /** The deployment's parties (required): the production ones decide who is approved. */
  directory: PartyDirectory
  /** The moment "now" is (tests); default the clock. */
  clock?: () => Date
}

/** What the barometer needs from the deployment: the checked thresholds and the production parties. */
export function barometerDeps(directory: PartyDirectory): BarometerDeps {
  const production = directory.environments.get('production')
  return { thresholds: loadCheckedThresholds(), productionIds: production ? new Set(production.parties.keys()) : undefined }
}

export async function barometerRoutes(app: FastifyInstance, opts: BarometerRoutesOptions): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  const deps = barometerDeps(opts.directory)
  const clock = opts.clock ?? (() => new Date())
  const badCycle = 'GW_ERR_BAD_PARAMETER: an unknown or ill-formed cycle (not YYYY-YYYY of two following years starting on an even year from 2016, not begun yet), an unknown parameter'

  app.get<{ Querystring: { cycle?: string } }>(
    '/v1/barometer',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'The quality barometer of every party',
        description:
          'Every measured party — each software house, and each CPAS on Excel lists as `excel:{kbo}` — with its latest evaluation of the cycle: per domain a score (GOOD, LESS_GOOD, BAD, NOT_APPLICABLE) and per indicator value, n and score against GET /schemas/barometer-thresholds.json, with the trend against the previous evaluation. Read from write-time counters: two measurements per party, whatever the traffic.',
        tags,
        querystring: cycleQuery,
        response: { 200: { description: 'The barometer of the cycle', ...barometerListSchema }, 400: problem(badCycle) },
      },
    },
    async (request) => {
      const now = clock()
      return barometerList(request.envCtx, deps, parseCycle(request.query.cycle, now), now)
    },
  )

  app.get<{ Params: { partyId: string }; Querystring: { cycle?: string } }>(
    '/v1/barometer/:partyId',
    {
      config: { roles: ['inspection', 'software-house'] },
      schema: {
        summary: "One party's quality barometer",
        description:
          'The latest evaluation (domains with their indicators, scores and trend) and every evaluation of the cycle, oldest first. The inspection reads any party; a software house its own id only (another id: 403 GW_ERR_FORBIDDEN_ROLE). An id that is not a measured party: 404 GW_ERR_NOT_FOUND.',
        tags,
        params: partyParams,
        querystring: cycleQuery,
        response: { 200: { description: "The party's barometer", ...barometerSchema }, 400: problem(badCycle), 403: problem('GW_ERR_FORBIDDEN_ROLE: a software house asking for the barometer of another party'), 404: problem('GW_ERR_NOT_FOUND: no measured party of that id') },
      },
    },
    async (request) => {
      requireOwnBarometer(request.party, request.params.partyId)
      const now = clock()
      return partyBarometer(request.envCtx, deps, request.params.partyId, parseCycle(request.query.cycle, now), now)
    },
  )

  app.get<{ Params: { partyId: string }; Querystring: { cycle?: string; lang?: string } }>(
    '/v1/barometer/:partyId/report.xlsx',
    {
      config: { roles: ['inspection', 'software-house'] },
      schema: {
        summary: "One party's barometer as a workbook (.xlsx)",
        description:
          "The report a software house downloads to adapt its method (seed): a summary sheet (domains, scores, trend), the indicators with value, n, score, reason and definition, every evaluation of the cycle side by side, and the thresholds judged by. In French, Dutch or English (lang, else Accept-Language). Scoping as GET /v1/barometer/{partyId}.",
        tags,
        params: partyParams,
        querystring: reportQuery,
        response: {
          200: { description: 'The workbook', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
          400: problem(badCycle),
          403: problem('GW_ERR_FORBIDDEN_ROLE: a software house asking for the report of another party'),
          404: problem('GW_ERR_NOT_FOUND: no measured party of that id'),
        },
      },
    },
    async (request, reply) => {
      requireOwnBarometer(request.party, request.params.partyId)
      const now = clock()
      const cycle = parseCycle(request.query.cycle, now)
      const barometer = await partyBarometer(request.envCtx, deps, request.params.partyId, cycle, now)
      const body = await barometerWorkbook(barometer, deps.thresholds, negotiateLang(request), request.envCtx)
      const name = `barometer-${request.params.partyId.replace(':', '-')}-${cycle.id}.xlsx`
      return reply.type(XLSX_TYPE).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body)
    },
  )
}
