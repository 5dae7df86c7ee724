/**
 * Transition lists, for CPAS whose software house is not connected yet:
 *   GET  /v1/cpas/{kbo}/transition-list?month=YYYY-MM&format=xlsx|csv   publisher, inspection
 *        200 the month's blinker list of the CPAS (.xlsx by default, or CSV)
 *   POST /v1/transition/recap   (body: .xlsx)   inspection
 *        200 per-row report { accepted, duplicates, rejected, skipped, rows }
 * Any valid KBO may be asked for: CPAS on Excel lists need not be in the parties file.
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { LANGS, negotiateLang, t, type Lang } from '../../i18n/index.js'
import { CSV_TYPE, toCsv, toXlsx, XLSX_TYPE } from '../../transition/list-export.js'
import { importRecap } from '../../transition/recap-import.js'
import { monthList, MONTH_PATTERN } from '../../transition/transition-list.js'

const problem = { description: 'Problem document (application/problem+json)', $ref: 'problem.schema.json' }

export async function transitionRoutes(app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.get<{ Params: { kbo: string }; Querystring: { month: string; format?: 'xlsx' | 'csv'; lang?: Lang } }>(
    '/v1/cpas/:kbo/transition-list',
    {
      config: { roles: ['publisher', 'inspection'] },
      schema: {
        summary: 'Monthly blinker list of a CPAS (.xlsx or CSV)',
        description:
          'The blinkers published in that calendar month (UTC) for the CPAS, in publication order, with empty `code` and `comment` columns for the recap list. Headers in the chosen language (`lang`, else Accept-Language, else French). xlsx: sheet "Clignotants" / "Knipperlichten" / "Blinkers" plus the code catalogue on sheet "Codes". CSV: UTF-8 with BOM, `;` separator. Downloading changes no status.',
        tags: ['transition'],
        params: { type: 'object', required: ['kbo'], properties: { kbo: { $ref: 'common.schema.json#/$defs/kbo' } } },
        querystring: {
          type: 'object',
          required: ['month'],
          properties: {
            month: { type: 'string', pattern: MONTH_PATTERN, description: 'YYYY-MM, the month of publication.' },
            format: { enum: ['xlsx', 'csv'], description: 'Default xlsx.' },
            lang: { enum: [...LANGS], description: 'Language of the headers (fr, nl, en); default by Accept-Language, else fr. The recap import reads all three.' },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'The list as a file (Content-Disposition: attachment)',
            content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } } },
          },
          400: problem,
        },
      },
    },
    async (request, reply) => {
      const { kbo } = request.params
      const { month, format = 'xlsx' } = request.query
      const lang = request.query.lang ?? negotiateLang(request)
      const blinkers = await monthList(request.envCtx.redis, request.envCtx.keys, kbo, month)
      const name = `blinkers-${request.envCtx.env}-${kbo}-${month}.${format}`
      reply.header('content-disposition', `attachment; filename="${name}"`).header('content-language', lang)
      if (format === 'csv') return reply.type(CSV_TYPE).send(toCsv(blinkers, lang))
      return reply.type(XLSX_TYPE).send(await toXlsx(blinkers, t(lang, 'transition.title', { kbo, month }), lang))
    },
  )

  app.post<{ Body: Buffer }>(
    '/v1/transition/recap',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Import a semiannual recap list (.xlsx with a feedback code per blinker)',
        description:
          'Each row with a code goes through the same feedback service as POST /v1/feedback, sent by the importing party, with a messageId derived from blinkerId, code and comment: importing the same rows again reports them as duplicates and applies nothing twice. Rows without a code are skipped. A file that is not a usable xlsx (or inflates beyond 64 MiB) is 400 GW_ERR_VALIDATION; another content type is 415.',
        tags: ['transition'],
        body: { content: { [XLSX_TYPE]: { schema: { description: 'The recap list: the exported monthly list(s) with `code` (and `comment`) filled in.' } } } },
        response: { 200: { description: 'Per-row report', $ref: 'transition-import-result.schema.json' }, 400: problem, 415: problem },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', `The recap list is sent as ${XLSX_TYPE}`)
      return importRecap(request.envCtx, request.party, request.body)
    },
  )
}
