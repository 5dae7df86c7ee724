/**
 * The follow-up pages, as an inspector uses them in a browser session: the list with the headline
 * and the flagged CPAS, opening a follow-up from the "above 10 %" list, the detail page's forms
 * (visit, action, done, status) with post/redirect/get, refusals shown on the page and changing
 * nothing, a form without the CSRF token refused (403, nothing changed), the person in history and
 * audit, the three languages, HTML error pages; and the fragments for the dashboard and CPAS page.
 */
import t from 'tap'
import type { Test } from 'tap'
import { followUpPanel, followUpSection } from '../../src/follow-up/follow-up-views.js'
import { readAuditEntry } from '../../src/security/audit-chain.js'
import { auditWriter } from '../../src/security/audit-trail.js'
import { keys } from '../../src/store/keys.js'
import { BROWSER, csrfOf, FORM, loginCookie } from '../accounts/login-helpers.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { A, get, open, patch, rateFor } from './helpers.js'

async function setup(t: Test) {
  const gw = await startGateway(t)
  // alpha1 above 10 % in 2015, 4 % in 2016; alpha2 12 % in 2016 (flagged); beta 6 % in 2016.
  await rateFor(t, gw, CPAS.alpha1, 2015, { DIS: 100, LAW_1965: 20 }, 15)
  await rateFor(t, gw, CPAS.alpha1, 2016, { DIS: 80, LAW_1965: 20 }, 4)
  await rateFor(t, gw, CPAS.alpha2, 2016, { DIS: 80, LAW_1965: 20 }, 12)
  await rateFor(t, gw, CPAS.beta, 2016, { DIS: 50, LAW_1965: 0 }, 3)
  const cookie = await loginCookie(gw)
  const csrf = await csrfOf(gw, cookie)
  return { gw, cookie, csrf }
}

const page = (gw: TestGateway, cookie: string, url: string) => gw.app.inject({ method: 'GET', url: `/acceptance/dashboard${url}`, headers: { cookie, ...BROWSER } })
const form = (gw: TestGateway, cookie: string, url: string, fields: [string, string][]) =>
  gw.app.inject({ method: 'POST', url: `/acceptance/dashboard${url}`, headers: { cookie, ...BROWSER, ...FORM }, payload: new URLSearchParams(fields).toString() })

t.test('an inspector opens a follow-up from the list and works it through the forms', async (t) => {
  const { gw, cookie, csrf } = await setup(t)
  const list = await page(gw, cookie, '/follow-ups?lang=en')
  t.equal(list.statusCode, 200, list.body.slice(0, 300))
  t.match(list.headers['content-security-policy'], /default-src 'none'/)
  t.match(list.body, /<html lang="en">/)
  t.match(list.body, /CPAS at or above 5 % \(2016\)/)
  t.match(list.body, /id="fu-headline" data-count="2" data-delta="1"/, '2016: alpha2 and beta at or above 5 %; 2015: alpha1 only')
  t.match(list.body, /1 more since 2015/)
  t.match(list.body, new RegExp(`<tr data-kbo="${CPAS.alpha2}">`), 'alpha2 above 10 % without a follow-up is flagged')
  t.notMatch(list.body, new RegExp(`<tr data-kbo="${CPAS.beta}">`), 'beta (6 %) is not flagged')
  t.match(list.body, `name="csrf" value="${csrf}"`)

  // Opening it: 303 to the new follow-up (post/redirect/get), the person as openedBy.
  const opened = await form(gw, cookie, '/follow-ups', [['csrf', csrf], ['cpasKbo', CPAS.alpha2], ['period', '2016'], ['reason', 'Above 10 % in 2016']])
  t.equal(opened.statusCode, 303, opened.body)
  t.match(opened.headers.location, /^\/acceptance\/dashboard\/follow-ups\/FU-\d{6}\?notice=opened$/)
  const id = /FU-\d{6}/.exec(String(opened.headers.location))?.[0] as string
  const api = async () => (await get(gw, `/v1/cpas/${CPAS.alpha2}/follow-ups/${id}`)).json()
  t.match(await api(), { status: 'OPEN', openedBy: 'marie.dubois', reason: 'Above 10 % in 2016' })
  t.notMatch((await page(gw, cookie, '/follow-ups?lang=en')).body, new RegExp(`<tr data-kbo="${CPAS.alpha2}">`), 'no longer flagged')

  const detail = await page(gw, cookie, `/follow-ups/${id}?notice=opened&lang=en`)
  t.equal(detail.statusCode, 200)
  t.match(detail.body, /Follow-up opened\./)
  t.match(detail.body, /<svg class="chart trajectory"/)
  t.match(detail.body, /<circle class="traj-point" data-period="2016" data-rate="0.120000"/)
  t.match(detail.body, /<table class="trajectory-table">/, 'the data-table alternative')
  t.match(detail.body, /data-target-met="false"/)
  t.match(detail.body, /name="findings" value="ISP_EXEMPTION_NOT_DECLARED"/)

  const visit = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'visit'], ['date', '2017-02-03'], ['inspector', 'Marie Dubois'], ['findings', 'FORM_B_PARTNER_INCOME_MISSING'], ['findings', 'ISP_EXEMPTION_NOT_DECLARED'], ['notes', 'Seen 20 files']])
  t.equal(visit.statusCode, 303)
  t.equal(visit.headers.location, `/acceptance/dashboard/follow-ups/${id}?notice=visit`)
  t.match((await api()).visits, [{ date: '2017-02-03', inspector: 'Marie Dubois', findings: ['FORM_B_PARTNER_INCOME_MISSING', 'ISP_EXEMPTION_NOT_DECLARED'], notes: 'Seen 20 files', addedBy: 'marie.dubois' }])

  // PLAN_AGREED before any action: refused, shown on the page, nothing changed.
  const early = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'status'], ['status', 'PLAN_AGREED']])
  t.equal(early.headers.location, `/acceptance/dashboard/follow-ups/${id}?error=GW_ERR_BUSINESS_RULE`)
  t.match((await page(gw, cookie, `/follow-ups/${id}?error=GW_ERR_BUSINESS_RULE&lang=en`)).body, /needs at least one action before it is agreed/)
  t.equal((await api()).status, 'OPEN')

  const action = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'action'], ['text', 'Declare the ISP exemption'], ['owner', 'Social service'], ['dueDate', '2017-06-30']])
  t.equal(action.headers.location, `/acceptance/dashboard/follow-ups/${id}?notice=action`)
  const actionId = (await api()).actions[0].id as string
  const badAction = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'action'], ['text', 'no owner'], ['dueDate', '2017-06-30']])
  t.equal(badAction.headers.location, `/acceptance/dashboard/follow-ups/${id}?error=GW_ERR_VALIDATION`)
  t.equal((await api()).actions.length, 1, 'the invalid action was not added')
  const unknownOp = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'explode']])
  t.equal(unknownOp.headers.location, `/acceptance/dashboard/follow-ups/${id}?error=GW_ERR_VALIDATION`)

  t.equal((await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'toggle'], ['actionId', actionId], ['done', 'true']])).statusCode, 303)
  t.equal((await api()).actions[0].done, true)
  t.equal((await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'status'], ['status', 'PLAN_AGREED']])).headers.location, `/acceptance/dashboard/follow-ups/${id}?notice=status`)
  const skip = await form(gw, cookie, `/follow-ups/${id}`, [['csrf', csrf], ['op', 'status'], ['status', 'CLOSED']])
  t.equal(skip.headers.location, `/acceptance/dashboard/follow-ups/${id}?error=GW_ERR_ILLEGAL_TRANSITION`)
  const state = await api()
  t.equal(state.status, 'PLAN_AGREED', 'the skipped step changed nothing')
  t.ok(state.history.every((h: { by: string }) => h.by === 'marie.dubois'), 'every change by the person')

  // A form without the CSRF token (or with another one): 403, nothing changed.
  for (const token of [undefined, 'x'.repeat(43)]) {
    const fields: [string, string][] = [['op', 'status'], ['status', 'MONITORING']]
    if (token) fields.push(['csrf', token])
    const forged = await form(gw, cookie, `/follow-ups/${id}`, fields)
    t.equal(forged.statusCode, 403, `csrf ${token ? 'wrong' : 'missing'}`)
    t.match(forged.headers['content-type'], /text\/html/)
  }
  const forgedOpen = await form(gw, cookie, '/follow-ups', [['cpasKbo', CPAS.beta], ['period', '2016'], ['reason', 'forged']])
  t.equal(forgedOpen.statusCode, 403)
  t.same(await api(), state, 'nothing changed by the forged forms')
  t.equal((await get(gw, '/v1/follow-ups')).json().items.length, 1, 'no follow-up opened by a forged form')

  // The audit trail names the person for every form that changed something.
  const ctx = gw.contexts.get('acceptance') as never
  await auditWriter(ctx)?.drain()
  const rows = (await gw.redis.xrange(keys.audit((ctx as { keys: string }).keys), '-', '+')).map(([, flat]) => readAuditEntry(flat))
  const mine = rows.flatMap((r) => (typeof r !== 'string' && r.fields.route.startsWith('/dashboard/follow-ups') && r.fields.status === '303' ? [r.fields] : []))
  t.ok(mine.length >= 8, `page forms audited (${mine.length})`)
  t.ok(mine.every((r) => r.person === 'marie.dubois' && r.party === 'inspection'), 'with the person and the party')
  t.ok(mine.some((r) => r.cpas === CPAS.alpha2), 'the opening form names the CPAS')

  // The detail page shows the history with the person, in the three languages.
  for (const [lang, words] of [
    ['fr', ['Plan convenu', 'Visites sur place (1)', 'par marie.dubois', 'Passer à : En suivi']],
    ['nl', ['Plan afgesproken', 'Bezoeken ter plaatse (1)', 'door marie.dubois', 'Naar: Opvolging']],
    ['en', ['Plan agreed', 'On-site visits (1)', 'by marie.dubois', 'Move to: Monitoring']],
  ] as const) {
    const res = await page(gw, cookie, `/follow-ups/${id}?lang=${lang}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, `<html lang="${lang}">`)
    for (const w of words) t.match(res.body, w, `${lang}: ${w}`)
  }
})

t.test('list in three languages, filters, numbers in the locale, HTML errors', async (t) => {
  const { gw, cookie } = await setup(t)
  const fu = (await open(gw, CPAS.alpha1, { reason: 'Above 10 % in 2015', period: '2015' })).json()
  for (const [lang, words] of [
    ['fr', ['CPAS à 5 % ou plus (2016)', '12,50\u00a0%', 'objectif atteint', 'Ouvrir un suivi']],
    ['nl', ["OCMW&#39;s op of boven 5 % (2016)", '12,50\u00a0%', 'doel bereikt', 'Opvolging starten']],
    ['en', ['CPAS at or above 5 % (2016)', '12.50%', 'target met', 'Open a follow-up']],
  ] as const) {
    const res = await page(gw, cookie, `/follow-ups?lang=${lang}`)
    t.equal(res.statusCode, 200)
    for (const w of words) t.match(res.body, w, `${lang}: ${w}`)
    t.match(res.body, new RegExp(`<tr data-id="${fu.id}" data-status="OPEN" data-target-met="true">`))
  }
  const closedOnly = await page(gw, cookie, '/follow-ups?status=CLOSED&lang=en')
  t.notMatch(closedOnly.body, `data-id="${fu.id}"`, 'the status filter')
  t.match(closedOnly.body, /No follow-up\./)

  for (const [url, status] of [
    ['/follow-ups/FU-999999', 404],
    ['/follow-ups/nope', 400],
    ['/follow-ups?status=NOPE', 400],
    ['/follow-ups?period=2016', 400],
  ] as const) {
    const res = await page(gw, cookie, `${url}${url.includes('?') ? '&' : '?'}lang=en`)
    t.equal(res.statusCode, status, url)
    t.match(res.headers['content-type'], /text\/html/, `${url}: an HTML error page`)
    t.match(res.body, /id="error"/)
  }
  const unknown = await form(gw, cookie, '/follow-ups/FU-999999', [['csrf', await csrfOf(gw, cookie)], ['op', 'status'], ['status', 'PLAN_AGREED']])
  t.equal(unknown.statusCode, 404)
  const badKbo = await form(gw, cookie, '/follow-ups', [['csrf', await csrfOf(gw, cookie)], ['cpasKbo', '0212344877'], ['period', '2016'], ['reason', 'r']])
  t.equal(badKbo.headers.location, '/acceptance/dashboard/follow-ups?error=GW_ERR_VALIDATION')
  t.match((await page(gw, cookie, '/follow-ups?error=GW_ERR_VALIDATION&lang=en')).body, /missing or invalid/)

  // Roles: a software house's token gets no page; the API token of the inspection does.
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/follow-ups', headers: auth(A.alpha) })).statusCode, 403)
  const bearer = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/follow-ups', headers: auth(A.inspection) })
  t.equal(bearer.statusCode, 200)

  // A CLOSED follow-up's page: read only (no forms), a visit without findings, the done action.
  const steps = [
    { visits: [{ date: '2016-03-01', inspector: 'Jan', findings: [] }], actions: [{ text: 'a', owner: 'o', dueDate: '2016-06-01', done: true }], status: 'PLAN_AGREED' },
    { status: 'MONITORING' },
    { actions: [{ text: 'b', owner: 'o', dueDate: '2016-07-01' }], status: 'CLOSED' },
  ]
  for (const body of steps) t.equal((await patch(gw, CPAS.alpha1, fu.id, body)).statusCode, 200)
  const closed = await gw.app.inject({ method: 'GET', url: `/acceptance/dashboard/follow-ups/${fu.id}?lang=en`, headers: { ...auth(A.inspection), ...BROWSER } })
  t.equal(closed.statusCode, 200)
  t.match(closed.body, /This follow-up is closed\./)
  t.match(closed.body, /no finding/)
  t.match(closed.body, /data-done="true"/)
  t.match(closed.body, /data-done="false"/)
  t.notMatch(closed.body, /<form method="post" action="\/acceptance\/dashboard\/follow-ups\//, 'no forms on a closed follow-up')
  t.match(closed.body, /status Monitoring → Closed/)
  t.match(closed.body, /by inspection/, 'changes through the API: by the party')
  t.match((await page(gw, cookie, '/follow-ups?status=CLOSED&lang=en')).body, `data-id="${fu.id}"`)
})

t.test('the dashboard panel and the CPAS page section', async (t) => {
  const { gw } = await setup(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  const fu = (await open(gw, CPAS.alpha1, { reason: 'r', period: '2015' })).json()
  const view = { env: 'acceptance', lang: 'fr' as const, path: '/acceptance/dashboard', query: {}, csrf: 'tok' }
  const panel = await followUpPanel(ctx, view)
  t.match(panel, /<section id="follow-up-panel"/)
  t.match(panel, `href="/acceptance/dashboard/follow-ups/${fu.id}"`)
  t.match(panel, /Suivis en cours \(1\)/)
  t.match(panel, new RegExp(`<tr data-kbo="${CPAS.alpha2}">`), 'the flagged CPAS with its form')
  t.match(panel, /name="csrf" value="tok"/)
  t.match(panel, /data-count="2"/)

  const section = await followUpSection(ctx, CPAS.alpha1, { ...view, lang: 'nl' })
  t.match(section, /Opvolgingen \(1\)/)
  t.match(section, `data-id="${fu.id}"`)
  t.notMatch(section, /class="open-follow-up"/, 'an active follow-up: no form to open another')
  const none = await followUpSection(ctx, CPAS.alpha2, { ...view, lang: 'en' })
  t.match(none, /No follow-up for this CPAS\./)
  t.match(none, /class="open-follow-up"/)
  t.match(none, /name="period" value="2016"/)
  t.match(none, /12.00% of files with a blinker in 2016/)

  // Without any statistics: the headline says so, nothing is flagged.
  const empty = await startGateway(t)
  const emptyCtx = empty.contexts.get('acceptance')
  if (!emptyCtx) throw new Error('no context')
  const bare = await followUpPanel(emptyCtx, view)
  t.match(bare, /Pas encore de statistiques/)
  t.match(bare, /Chaque CPAS au-delà de 10 % a un suivi/)
})
