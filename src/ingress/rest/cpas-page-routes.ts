/**
 * The CPAS pages (role inspection; a browser session reaches them, src/accounts/):
 *   GET /dashboard/cpas?q=&sort=                  the CPAS directory, searchable and sortable
 *   GET /dashboard/cpas.csv | .xlsx?q=            the directory as a file
 *   GET /dashboard/cpas/{kbo}?bsort=&fsort=&bafter=&fafter=   one CPAS: trend, blinkers, feedback, follow-ups
 *   GET /dashboard/cpas/{kbo}/blinkers.csv | .xlsx, /dashboard/cpas/{kbo}/feedback.csv | .xlsx
 * Errors are HTML pages in the chosen language (src/inspection/page-errors.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cpasDirectory } from '../../cpas/cpas-directory.js'
import { followUpSection } from '../../follow-up/follow-up-views.js'
import { isValidKbo } from '../../domain/identifiers.js'
import { t } from '../../i18n/index.js'
import { renderPage } from '../../pages/layout.js'
import { pageView } from '../../pages/page-view.js'
import { sendErrorPage, sendHtml } from '../../pages/send.js'
import { allCpasBlinkers, allCpasFeedback, cpasPageData } from '../../inspection/cpas-data.js'
import { directoryPageBody, DIRECTORY_SORTS, searchDirectory, sortDirectory } from '../../inspection/cpas-directory-page.js'
import { BLINKER_SORTS, FEEDBACK_SORTS } from '../../inspection/cpas-model.js'
import { cpasPageBody } from '../../inspection/cpas-page.js'
import { blinkersTable, directoryTable, feedbackTable } from '../../inspection/list-exports.js'
import { workspaceErrorHandler } from '../../inspection/page-errors.js'
import { sortParam, textParam, tokenParam, type RawQuery } from '../../inspection/page-query.js'
import { exportFile, type ExportFormat, type ExportTable } from '../../inspection/table-export.js'

const text = { type: 'string', maxLength: 200 }
const lang = { enum: ['fr', 'nl', 'en'] }
const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const fileAnswer = (format: ExportFormat) => ({ 200: { description: 'The list as a file (headers in the chosen language)', content: { [format === 'csv' ? 'text/csv' : XLSX]: { schema: { type: 'string', ...(format === 'csv' ? {} : { format: 'binary' }) } } } } })
const kboParams = { type: 'object', required: ['kbo'], properties: { kbo: { type: 'string', pattern: '^[0-9]{10}$', description: 'KBO number of the CPAS.' } }, additionalProperties: false }
const FORMATS = ['csv', 'xlsx'] as const
const CURSOR = /^[A-Za-z0-9_-]{1,96}$/
const FILE_NOTE = 'CSV: UTF-8 with BOM, `;`, CRLF, RFC 4180 quoting; a text starting with = + - @ gets a leading apostrophe (CSV and xlsx).'

async function sendFile<R>(reply: FastifyReply, table: ExportTable<R>, format: ExportFormat): Promise<FastifyReply> {
  const file = await exportFile(table, format)
  return reply.header('content-disposition', `attachment; filename="${file.filename}"`).header('cache-control', 'no-store').type(file.type).send(file.body)
}

const servedByName = (request: FastifyRequest) => (id: string) => request.envCtx.parties.parties.get(id)?.name ?? id

export async function cpasPageRoutes(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(workspaceErrorHandler)
  const config = { roles: ['inspection'] as const }
  const tags = ['dashboard']

  app.get<{ Querystring: RawQuery }>(
    '/dashboard/cpas',
    {
      config,
      schema: {
        summary: 'CPAS directory (HTML)',
        description: 'Every CPAS of the environment (the CPAS directory and the parties file) with its name in the chosen language and who serves it (a software house, or Excel lists); search by name (either language) or number, sortable by column.',
        tags,
        querystring: { type: 'object', properties: { q: { ...text, description: 'Part of a name or number.' }, sort: { ...text, description: 'name, kbo or servedBy; a leading - sorts descending.' }, lang }, additionalProperties: false },
        response: htmlPage,
      },
    },
    async (request, reply) => {
      const view = pageView(request)
      const q = textParam(request.query, 'q')
      const sort = sortParam(request.query, 'sort', DIRECTORY_SORTS, 'name')
      const rows = sortDirectory(searchDirectory(await cpasDirectory(request.envCtx), q), sort, view, servedByName(request))
      return sendHtml(reply, 200, renderPage(view, { title: t(view.lang, 'cpas.directory.title'), body: directoryPageBody(view, rows, q, sort, servedByName(request)), active: 'cpas' }))
    },
  )

  for (const format of FORMATS) {
    app.get<{ Querystring: RawQuery }>(
      `/dashboard/cpas.${format}`,
      { config, schema: { summary: `CPAS directory as ${format}`, description: `The directory (or the CPAS matching q) with both names and who serves it. ${FILE_NOTE}`, tags, querystring: { type: 'object', properties: { q: text, lang }, additionalProperties: false }, response: fileAnswer(format) } },
      async (request, reply) => {
        const view = pageView(request)
        const rows = searchDirectory(await cpasDirectory(request.envCtx), textParam(request.query, 'q'))
        return sendFile(reply, directoryTable(view.lang, rows, servedByName(request)), format)
      },
    )
  }

  app.get<{ Params: { kbo: string }; Querystring: RawQuery }>(
    '/dashboard/cpas/:kbo',
    {
      config,
      schema: {
        summary: 'One CPAS (HTML)',
        description: 'Who serves it, its rate per year and regime (trend), its blinkers with status and age, its feedback with the decisions (each list 100 per page, sortable by its column headers, downloadable as CSV and xlsx) and its follow-ups.',
        tags,
        params: kboParams,
        querystring: { type: 'object', properties: { bsort: text, fsort: text, bafter: text, fafter: text, lang }, additionalProperties: false },
        response: htmlPage,
      },
    },
    async (request, reply) => {
      const view = pageView(request)
      const { kbo } = request.params
      if (!isValidKbo(kbo)) return sendErrorPage(request, reply, 404, 'cpas.page.unknown')
      const sorts = { blinkers: sortParam(request.query, 'bsort', BLINKER_SORTS, 'publishedAt'), feedback: sortParam(request.query, 'fsort', FEEDBACK_SORTS, 'receivedAt') }
      const bafter = tokenParam(request.query, 'bafter', CURSOR)
      const fafter = tokenParam(request.query, 'fafter', CURSOR)
      const data = await cpasPageData(request.envCtx, request.party, kbo, view.lang, { ...(bafter && { blinkersAfter: bafter }), ...(fafter && { feedbackAfter: fafter }), followUps: () => followUpSection(request.envCtx, kbo, view) })
      return sendHtml(reply, 200, renderPage(view, { title: t(view.lang, 'cpas.page.title', { name: data.name, kbo }), body: cpasPageBody(view, data, sorts), active: 'cpas' }))
    },
  )

  for (const format of FORMATS) {
    const exportSchema = (what: string) => ({ summary: `A CPAS's ${what} as ${format}`, description: `Every ${what === 'blinkers' ? 'blinker' : 'feedback message'} of the CPAS (at most 20 000 rows), oldest first. ${FILE_NOTE}`, tags, params: kboParams, querystring: { type: 'object', properties: { lang }, additionalProperties: false }, response: fileAnswer(format) })
    app.get<{ Params: { kbo: string } }>(`/dashboard/cpas/:kbo/blinkers.${format}`, { config, schema: exportSchema('blinkers') }, async (request, reply) => {
      const view = pageView(request)
      const { kbo } = request.params
      if (!isValidKbo(kbo)) return sendErrorPage(request, reply, 404, 'cpas.page.unknown')
      return sendFile(reply, blinkersTable(view.lang, kbo, await allCpasBlinkers(request.envCtx, request.party, kbo)), format)
    })
    app.get<{ Params: { kbo: string } }>(`/dashboard/cpas/:kbo/feedback.${format}`, { config, schema: exportSchema('feedback') }, async (request, reply) => {
      const view = pageView(request)
      const { kbo } = request.params
      if (!isValidKbo(kbo)) return sendErrorPage(request, reply, 404, 'cpas.page.unknown')
      return sendFile(reply, feedbackTable(view.lang, kbo, await allCpasFeedback(request.envCtx, request.party, kbo)), format)
    })
  }
}
