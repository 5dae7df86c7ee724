/**
 * The message log / work queue and the blinker search (contract section 9):
 *   GET /v1/feedback?status=&kind=&cpasKbo=&flow=&code=&softwareHouse=&receivedFrom=&receivedUntil=&after=&limit=
 *       inspection (all), software house (the messages it sent), operator (metadata)
 *       200 { items: [{ messageId, blinkerId, cpasKbo, flow, code, kind, status, receivedAt, softwareHouse }], next? }
 *   GET /v1/blinkers?cpasKbo=&status=&flow=&period=&after=&limit=
 *       inspection (all), software house (the CPAS it serves)
 *       200 { items: [{ blinkerId, cpasKbo, flow, regime, status, publishedAt, periodStart }], next? }
 * The route schema fixes the parameter names (another is 400); the service checks every value.
 */
import type { FastifyInstance } from 'fastify'
import { BLINKER_STATUSES, FEEDBACK_STATUSES, FLOWS } from '../../domain/model.js'
import { parseBlinkerQuery, parseFeedbackQuery, searchBlinkers, searchFeedback, SEARCH_SCAN_BUDGET } from '../../services/search-service.js'
import type { BLINKER_PARAMS, FEEDBACK_PARAMS } from '../../services/search-query.js'

const problem = (description: string) => ({ description, $ref: 'problem.schema.json' })
const text = (description: string) => ({ type: 'string', maxLength: 200, description })

const COMMON: Record<string, string> = {
  after: 'The `next` of the previous page (opaque). A cursor this list did not give out is 400.',
  limit: 'Items per page, 1–500 (default 100).',
  cpasKbo: 'One CPAS (enterprise number, mod-97 checked).',
  flow: `One flow: ${FLOWS.join(', ')} (the blinker's).`,
}
const FEEDBACK_DOCS: Record<(typeof FEEDBACK_PARAMS)[number], string> = {
  ...(COMMON as Record<'after' | 'limit' | 'cpasKbo' | 'flow', string>),
  status: `Comma-separated statuses among ${FEEDBACK_STATUSES.join(', ')}. FORWARDED = the inspection's pending decisions.`,
  kind: 'JUSTIFIED or UNJUSTIFIED (the code\'s kind).',
  code: 'One code of the catalogue (GET /schemas/feedback-codes.json).',
  softwareHouse: 'The sending software house (party id). A software house may only give its own id.',
  receivedFrom: 'receivedAt ≥ this (RFC 3339 instant with an offset, or YYYY-MM-DD = 00:00 UTC).',
  receivedUntil: 'receivedAt < this (same forms).',
}
const BLINKER_DOCS: Record<(typeof BLINKER_PARAMS)[number], string> = {
  ...(COMMON as Record<'after' | 'limit' | 'cpasKbo' | 'flow', string>),
  status: `Comma-separated statuses among ${BLINKER_STATUSES.join(', ')}.`,
  period: "Calendar year YYYY of the subsidy form's period start (as the statistics' period).",
}
const querySchema = (docs: Record<string, string>) => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(docs).map(([k, d]) => [k, text(d)])),
  additionalProperties: false,
})

const COST =
  `Oldest first (equal times by id). A page costs O(limit) whatever the number of stored records when the filters are: status (any list) plus at most one of the indexed filters, plus the time range. ` +
  `Other filters are checked on the records met while walking the smallest indexed set, at most ${SEARCH_SCAN_BUDGET} entries per request: such a page may hold fewer than limit items and still carry next — keep following next until it is absent. ` +
  'Paging is stable: an item whose status does not change is never missed nor repeated, whatever arrives meanwhile; an item that changes status while the list is read is listed under its new status at the same place in time (seen only if that place is still ahead of the cursor).'

const feedbackItem = {
  type: 'object',
  required: ['messageId', 'blinkerId', 'cpasKbo', 'flow', 'code', 'kind', 'status', 'receivedAt', 'softwareHouse'],
  properties: {
    messageId: { type: 'string', format: 'uuid' },
    blinkerId: { type: 'string' },
    cpasKbo: { type: 'string' },
    flow: { type: 'string' },
    code: { type: 'integer' },
    kind: { enum: ['JUSTIFIED', 'UNJUSTIFIED'] },
    status: { enum: [...FEEDBACK_STATUSES] },
    receivedAt: { type: 'string', format: 'date-time' },
    softwareHouse: { type: 'string' },
  },
}
const blinkerItem = {
  type: 'object',
  required: ['blinkerId', 'cpasKbo', 'flow', 'regime', 'status', 'publishedAt', 'periodStart'],
  properties: {
    blinkerId: { type: 'string' },
    cpasKbo: { type: 'string' },
    flow: { type: 'string' },
    regime: { enum: ['DIS', 'LAW_1965'] },
    status: { enum: [...BLINKER_STATUSES] },
    publishedAt: { type: 'string', format: 'date-time' },
    periodStart: { type: 'string', format: 'date' },
  },
}
const page = (item: object, description: string) => ({
  description,
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: item }, next: { type: 'string', description: 'Pass as `after` to continue; absent at the end of the list.' } },
})

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.get<{ Querystring: Record<string, string> }>(
    '/v1/feedback',
    {
      config: { roles: ['inspection', 'software-house', 'operator'] },
      schema: {
        summary: "The message log and the inspection's work queue",
        description:
          `Feedback messages, metadata only (no beneficiary, no comment). Inspection: every message; operator: the same metadata; software house: only the messages it sent (softwareHouse is itself; another value is 403 GW_ERR_FORBIDDEN_ROLE). ` +
          `Pending decisions: status=FORWARDED. Indexed filters: cpasKbo, softwareHouse, flow, code, and flow with code. ${COST}`,
        tags: ['inspection'],
        querystring: querySchema(FEEDBACK_DOCS),
        response: {
          200: page(feedbackItem, 'One page of messages'),
          400: problem('GW_ERR_BAD_PARAMETER: an unknown parameter, a value outside its list (status, kind, flow, code), a bad enterprise number or date, a limit out of 1–500, a cursor this list did not give out'),
          403: problem('GW_ERR_FORBIDDEN_ROLE: a software house asking for the messages of another'),
        },
      },
    },
    async (request) => searchFeedback(request.envCtx, request.party, parseFeedbackQuery(request.query)),
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/v1/blinkers',
    {
      config: { roles: ['inspection', 'software-house'] },
      schema: {
        summary: 'Search blinkers',
        description:
          `Blinkers with their status, without personal data. Inspection: every CPAS; software house: the CPAS it serves (without cpasKbo, all of them; another cpasKbo is 403 GW_ERR_FORBIDDEN_CPAS). ` +
          `Indexed filter: cpasKbo (flow and period are checked on the records). Reading does not change a blinker's status (unlike the mailbox). ${COST.replace('receivedAt', 'publishedAt')}`,
        tags: ['publication'],
        querystring: querySchema(BLINKER_DOCS),
        response: {
          200: page(blinkerItem, 'One page of blinkers'),
          400: problem('GW_ERR_BAD_PARAMETER: an unknown parameter, a status or flow outside its list, a bad enterprise number, a period that is not a year, a limit out of 1–500, a cursor this list did not give out'),
          403: problem('GW_ERR_FORBIDDEN_CPAS: a software house asking for a CPAS it does not serve'),
        },
      },
    },
    async (request) => searchBlinkers(request.envCtx, request.party, parseBlinkerQuery(request.query)),
  )
}
