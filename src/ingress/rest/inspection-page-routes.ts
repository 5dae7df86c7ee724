/**
 * The pending-decisions page (role inspection; a browser session reaches it, src/accounts/):
 *   GET  /dashboard/pending?cpas=&flow=&code=&softwareHouse=&olderThan=&after=   the list, oldest first
 *   GET  /dashboard/pending.csv | .xlsx (same filters)                            the whole list as a file
 *   POST /dashboard/pending/{messageId}/decision   form decision=ACCEPTED|REFUSED, reason?, csrf → 303 to the list
 * The form goes through the same decision service as POST /v1/decisions, `by` = the person.
 * Errors are HTML pages in the chosen language (src/inspection/page-errors.ts).
 */
import type { FastifyInstance } from 'fastify'
import { t } from '../../i18n/index.js'
import { renderPage } from '../../pages/layout.js'
import { pageView } from '../../pages/page-view.js'
import { sendHtml } from '../../pages/send.js'
import { decideFromForm, NOTICES, noticeFor, type NoticeKind } from '../../inspection/decision-form.js'
import { parseFlatForm, workspaceErrorHandler } from '../../inspection/page-errors.js'
import { onlyKnown, tokenParam, type RawQuery } from '../../inspection/page-query.js'
import { allPending, pendingPage } from '../../inspection/pending-data.js'
import { formFilters, pendingFilters } from '../../inspection/pending-filters.js'
import { FILTER_NAMES, filterQuery } from '../../inspection/pending-model.js'
import { pendingPageBody } from '../../inspection/pending-page.js'
import { pendingTable } from '../../inspection/list-exports.js'
import { exportFile, type ExportFormat } from '../../inspection/table-export.js'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const text = { type: 'string', maxLength: 200 }
const filterProps = {
  cpas: { ...text, description: 'KBO number of one CPAS.' },
  flow: { ...text, description: 'One flow (contract section 3).' },
  code: { ...text, description: 'One feedback code of the catalogue.' },
  softwareHouse: { ...text, description: 'Party id of one software house.' },
  olderThan: { ...text, description: 'Only messages received more than this many days ago (0–3650).' },
  lang: { enum: ['fr', 'nl', 'en'] },
}
const listQuery = {
  type: 'object',
  properties: {
    ...filterProps,
    after: { ...text, description: 'The `next` of the previous page.' },
    notice: { enum: [...NOTICES], description: 'Set by the redirect after a decision.' },
    message: { type: 'string', pattern: UUID, description: 'The message the notice is about.' },
  },
  additionalProperties: false,
}
const exportQuery = { type: 'object', properties: filterProps, additionalProperties: false }
const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }
const fileAnswer = (type: string) => ({ 200: { description: 'The list as a file (headers in the chosen language)', content: { [type]: { schema: { type: 'string', ...(type === 'text/csv' ? {} : { format: 'binary' }) } } } } })
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export async function inspectionPageRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => done(null, parseFlatForm(body as string)))
  app.setErrorHandler(workspaceErrorHandler)
  const config = { roles: ['inspection'] as const }
  const tags = ['dashboard']

  app.get<{ Querystring: RawQuery }>(
    '/dashboard/pending',
    {
      config,
      schema: {
        summary: 'Pending decisions (HTML)',
        description:
          'The feedback FORWARDED to the inspection, oldest first, 25 per page (`next`), filtered by CPAS, flow, code, software house and age; each with the blinker\'s finding, the software house\'s code and comment, and an Accept / Refuse form (POST …/decision with the session\'s CSRF token). A bad filter value is a 400 HTML error page.',
        tags,
        querystring: listQuery,
        response: htmlPage,
      },
    },
    async (request, reply) => {
      const view = pageView(request)
      const query = request.query
      onlyKnown(query, [...FILTER_NAMES, 'after', 'notice', 'message'])
      const filters = pendingFilters(request.envCtx, query)
      const after = tokenParam(query, 'after', /^[A-Za-z0-9_-]{1,96}$/)
      const page = await pendingPage(request.envCtx, request.party, filters, view.lang, after ? { after } : {})
      const notice = query.notice ? await noticeFor(request, query.notice as NoticeKind, query.message, view.lang) : undefined
      return sendHtml(reply, 200, renderPage(view, { title: t(view.lang, 'pending.title'), body: pendingPageBody(view, page, notice), active: 'pending' }))
    },
  )

  for (const format of ['csv', 'xlsx'] as const satisfies readonly ExportFormat[]) {
    app.get<{ Querystring: RawQuery }>(
      `/dashboard/pending.${format}`,
      {
        config,
        schema: {
          summary: `Pending decisions as ${format === 'csv' ? 'CSV' : 'xlsx'}`,
          description: 'Every pending decision of the filters (at most 10 000 rows), oldest first; headers in the chosen language. CSV: UTF-8 with BOM, `;`, CRLF, RFC 4180 quoting; a text starting with = + - @ gets a leading apostrophe (CSV and xlsx).',
          tags,
          querystring: exportQuery,
          response: fileAnswer(format === 'csv' ? 'text/csv' : XLSX),
        },
      },
      async (request, reply) => {
        const view = pageView(request)
        const filters = pendingFilters(request.envCtx, request.query)
        const items = await allPending(request.envCtx, request.party, filters, view.lang)
        const file = await exportFile(pendingTable(view.lang, items), format)
        return reply.header('content-disposition', `attachment; filename="${file.filename}"`).header('cache-control', 'no-store').type(file.type).send(file.body)
      },
    )
  }

  app.post<{ Params: { messageId: string }; Body: Record<string, string> }>(
    '/dashboard/pending/:messageId/decision',
    {
      config,
      schema: {
        summary: 'Decide on a pending feedback (form)',
        description:
          'Form `decision` (ACCEPTED or REFUSED), optional `reason` (≤ 500 characters) and `csrf` (the session\'s token; missing or wrong: 403, nothing done): the same decision service as POST /v1/decisions, recorded with the person\'s id as `by`. Answers 303 to the pending list (same filters) with a notice; a message already decided is reported, never decided twice.',
        tags,
        params: { type: 'object', required: ['messageId'], properties: { messageId: { type: 'string', pattern: UUID } }, additionalProperties: false },
        body: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { csrf: { type: 'string' }, decision: { enum: ['ACCEPTED', 'REFUSED'] }, reason: { type: 'string', maxLength: 500 } } } } } },
        response: { 303: { description: 'Back to the pending list (post/redirect/get), with ?notice=', type: 'null' } },
      },
    },
    async (request, reply) => {
      const form = request.body ?? {}
      const messageId = request.params.messageId.toLowerCase()
      const notice = await decideFromForm(request, messageId, form)
      const lang = form.lang === 'nl' || form.lang === 'en' || form.lang === 'fr' ? form.lang : pageView(request).lang
      const q = new URLSearchParams({ ...filterQuery(formFilters(request.envCtx, form)), lang, notice, message: messageId })
      return reply.code(303).header('location', `/${request.envCtx.env}/dashboard/pending?${q.toString()}#notice`).send()
    },
  )
}
