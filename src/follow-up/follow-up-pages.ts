/**
 * The follow-up pages (role inspection; a browser session reaches them, see src/accounts/):
 *   GET  /dashboard/follow-ups?status=      the list, the headline, the CPAS above 10 % without one
 *   POST /dashboard/follow-ups              form cpasKbo, period, reason → 303 to the new follow-up
 *   GET  /dashboard/follow-ups/{id}         one follow-up with its forms
 *   POST /dashboard/follow-ups/{id}         form op=visit|action|toggle|status → 303 back here
 * Forms are plain HTML (no script) and carry the session's CSRF token (field `csrf`, checked by
 * the accounts hook on every POST under /{env}/dashboard/). A form goes through the same service
 * and the same body schema as the API; a refusal changes nothing and comes back as a message on
 * the page (`?error=GW_ERR_…`), a success as `?notice=…` (post/redirect/get: a reload never
 * applies a form twice). A path or query the pages cannot serve is an HTML error page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import { html } from '../dashboard/html.js'
import { GatewayError } from '../errors.js'
import { t } from '../i18n/index.js'
import { renderPage } from '../pages/layout.js'
import { pageView } from '../pages/page-view.js'
import { pageErrorHandler, sendHtml } from '../pages/send.js'
import { ajv } from '../validation/json-schemas.js'
import { followUpDetail } from './follow-up-detail-view.js'
import { followUpOverview } from './follow-up-overview.js'
import { whoOf } from './follow-up-routes.js'
import { cpasParams, openBody, patchBody } from './follow-up-schemas.js'
import { getFollowUpById, openFollowUp, patchFollowUp, type PatchRequest } from './follow-up-service.js'
import { flaggedTable, followUpTable, headline, pagesBase, statusText } from './follow-up-views.js'
import { FOLLOW_UP_ID_PATTERN, FOLLOW_UP_STATUSES, type FollowUpStatus } from './model.js'

type Form = Record<string, string | string[]>

const NOTICES = ['opened', 'visit', 'action', 'toggle', 'status'] as const
const htmlPage = { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } }
const redirect = { 303: { description: 'Back to the page (post/redirect/get), with ?notice= or ?error=', type: 'null' } }
const pageQuery = {
  type: 'object',
  properties: {
    status: { enum: [...FOLLOW_UP_STATUSES] },
    notice: { enum: [...NOTICES] },
    error: { type: 'string', pattern: '^GW_ERR_[A-Z_]{1,40}$' },
    lang: { enum: ['fr', 'nl', 'en'] },
  },
  additionalProperties: false,
} as const
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: FOLLOW_UP_ID_PATTERN } }, additionalProperties: false } as const
const formBody = { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { csrf: { type: 'string' } } } } } }

const validPatch = ajv.compile(patchBody)
const validOpen = ajv.compile(openBody)
const validKbo = ajv.compile(cpasParams)

/** A urlencoded form, keeping repeated names (the findings checkboxes) as arrays. */
export function parseForm(body: string): Form {
  const out: Form = {}
  for (const [k, v] of new URLSearchParams(body)) {
    const seen = out[k]
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v]
  }
  return out
}

const one = (form: Form, name: string): string | undefined => {
  const v = form[name]
  return Array.isArray(v) ? v.at(-1) : v
}
const many = (form: Form, name: string): string[] => {
  const v = form[name]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

/** The form of the detail page as a PATCH body (the API's schema then judges it). */
export function patchOfForm(form: Form): PatchRequest | undefined {
  switch (one(form, 'op')) {
    case 'visit': {
      const notes = one(form, 'notes')?.trim()
      return { visits: [{ date: one(form, 'date') ?? '', inspector: one(form, 'inspector') ?? '', findings: many(form, 'findings') as never, ...(notes ? { notes } : {}) }] }
    }
    case 'action':
      return { actions: [{ text: one(form, 'text') ?? '', owner: one(form, 'owner') ?? '', dueDate: one(form, 'dueDate') ?? '' }] }
    case 'toggle':
      return { actions: [{ id: one(form, 'actionId') ?? '', done: one(form, 'done') === 'true' }] }
    case 'status':
      return { status: (one(form, 'status') ?? '') as FollowUpStatus }
    default:
      return undefined
  }
}

const back = (reply: FastifyReply, path: string, outcome: string) => reply.code(303).header('location', `${path}?${outcome}`).send()

async function listPage(envCtx: EnvContext, request: FastifyRequest<{ Querystring: { status?: FollowUpStatus; notice?: string; error?: string } }>): Promise<string> {
  const view = pageView(request)
  const lang = view.lang
  const o = await followUpOverview(envCtx)
  const wanted = request.query.status
  const items = wanted ? o.followUps.filter((f) => f.status === wanted) : o.followUps
  const names = await cpasNames(envCtx, [...items.map((f) => f.cpasKbo), ...o.flagged.map((c) => c.cpasKbo)], lang)
  const base = `${pagesBase(view)}/follow-ups`
  const filters = [undefined, ...FOLLOW_UP_STATUSES].map((s) => {
    const label = s ? statusText(lang, s) : t(lang, 'followUp.list.all')
    return s === wanted ? html`<b>${label}</b> ` : html`<a href="${s ? `${base}?status=${s}` : base}">${label}</a> `
  })
  const error = request.query.error
  const notice = request.query.notice ? html`<p class="wide good" id="notice" role="status">${t(lang, `followUp.notice.${request.query.notice}`)}</p>` : ''
  const problem = error ? html`<p class="wide bad" id="notice" role="alert">${t(lang, errorKey(error))}</p>` : ''
  const body = html`${notice}${problem}<section class="wide" id="headline-section"><h2>${t(lang, 'followUp.headline.title')}</h2><div class="kpis">${headline(view, o.headline)}</div><p class="muted">${t(lang, 'followUp.target.rule')}</p></section>
<section class="wide" id="list-section"><h2>${t(lang, 'followUp.list.title', { n: items.length })}</h2><p>${t(lang, 'followUp.list.filter')}: ${filters}</p>${followUpTable(view, items, names)}</section>
<section class="wide" id="flagged-section"><h2 class="bad">${t(lang, 'followUp.flagged.title', { period: o.latestPeriod ?? '–', n: o.flagged.length })}</h2>${flaggedTable(view, o.latestPeriod, o.flagged, names)}</section>`
  return renderPage(view, { title: t(lang, 'followUp.title'), body, active: 'follow-ups' })
}

const KNOWN_ERRORS = new Set(['GW_ERR_VALIDATION', 'GW_ERR_ILLEGAL_TRANSITION', 'GW_ERR_BUSINESS_RULE', 'GW_ERR_NOT_FOUND'])
const errorKey = (code: string) => `followUp.errors.${KNOWN_ERRORS.has(code) ? code : 'other'}`

/** Runs a form's change; a refusal (GatewayError below 500) becomes `error=CODE`, anything else is thrown. */
async function attempt(change: () => Promise<string>): Promise<string> {
  try {
    return await change()
  } catch (err) {
    if (err instanceof GatewayError && err.status < 500) return `error=${err.code}`
    throw err
  }
}

export async function followUpPageRoutes(app: FastifyInstance): Promise<void> {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) app.removeContentTypeParser('application/x-www-form-urlencoded')
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => done(null, parseForm(body as string)))
  // A bad query or an unknown follow-up is an HTML error page in the chosen language (src/pages/send.ts).
  app.setErrorHandler(pageErrorHandler)
  const config = { roles: ['inspection'] as const }
  const tags = ['dashboard']

  app.get<{ Querystring: { status?: FollowUpStatus; notice?: string; error?: string } }>(
    '/dashboard/follow-ups',
    { config, schema: { summary: 'Follow-ups of CPAS (HTML)', description: 'The headline "CPAS at or above 5 %" with its trend, every follow-up (or one status) with its trajectory chart and target flag, and the CPAS above 10 % in the latest period without an active follow-up, each with a form that opens one.', tags, querystring: pageQuery, response: htmlPage } },
    async (request, reply) => sendHtml(reply, 200, await listPage(request.envCtx, request)),
  )

  app.post<{ Body: Form }>(
    '/dashboard/follow-ups',
    { config, schema: { summary: 'Open a follow-up (form)', description: 'Form cpasKbo, period, reason (and csrf): opens the follow-up as POST /v1/cpas/{kbo}/follow-ups does, then 303 to its page; a refusal 303 back to the list with ?error=.', tags, body: formBody, response: redirect } },
    async (request, reply) => {
      const base = `/${request.envCtx.env}/dashboard/follow-ups`
      const kbo = one(request.body ?? {}, 'cpasKbo')
      const body = { reason: one(request.body ?? {}, 'reason') ?? '', period: one(request.body ?? {}, 'period') ?? '' }
      let path = base
      const outcome = await attempt(async () => {
        if (!validKbo({ kbo }) || !validOpen(body)) throw new GatewayError('GW_ERR_VALIDATION')
        const fu = await openFollowUp(request.envCtx, kbo as string, body, whoOf(request))
        path = `${base}/${fu.id}`
        return 'notice=opened'
      })
      return back(reply, path, outcome)
    },
  )

  app.get<{ Params: { id: string }; Querystring: { notice?: (typeof NOTICES)[number]; error?: string } }>(
    '/dashboard/follow-ups/:id',
    { config, schema: { summary: 'One follow-up (HTML)', description: 'Its trajectory (chart and table) and target flag, status with the next move, visits, improvement plan and history, with the forms that change them.', tags, params: idParams, querystring: pageQuery, response: htmlPage } },
    async (request, reply) => {
      const view = pageView(request)
      const fu = await getFollowUpById(request.envCtx, request.params.id)
      const name = (await cpasNames(request.envCtx, [fu.cpasKbo], view.lang)).get(fu.cpasKbo) ?? fu.cpasKbo
      const { notice, error } = request.query
      const outcome = notice ? { kind: 'ok' as const, key: `followUp.notice.${notice}` } : error ? { kind: 'error' as const, key: errorKey(error) } : undefined
      const title = t(view.lang, 'followUp.detail.title', { id: fu.id, name })
      return sendHtml(reply, 200, renderPage(view, { title, body: followUpDetail(view, fu, name, outcome), active: 'follow-ups' }))
    },
  )

  app.post<{ Params: { id: string }; Body: Form }>(
    '/dashboard/follow-ups/:id',
    { config, schema: { summary: 'Change a follow-up (form)', description: 'Form op=visit (date, inspector, findings, notes), op=action (text, owner, dueDate), op=toggle (actionId, done) or op=status (status), with csrf: the same change as PATCH /v1/cpas/{kbo}/follow-ups/{id}, then 303 back to the page.', tags, params: idParams, body: formBody, response: redirect } },
    async (request, reply) => {
      const path = `/${request.envCtx.env}/dashboard/follow-ups/${request.params.id}`
      const fu = await getFollowUpById(request.envCtx, request.params.id)
      const form = request.body ?? {}
      const outcome = await attempt(async () => {
        const patch = patchOfForm(form)
        if (!patch || !validPatch(patch)) throw new GatewayError('GW_ERR_VALIDATION')
        await patchFollowUp(request.envCtx, fu.cpasKbo, fu.id, patch, whoOf(request))
        return `notice=${one(form, 'op') as string}`
      })
      return back(reply, path, outcome)
    },
  )
}
