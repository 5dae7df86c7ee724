/**
 * The pending-decisions page: the list with each message's finding, code and comment, every
 * filter, the three languages, bad queries as HTML error pages; the decision form (CSRF, accept
 * → CLOSED, refuse → REOPENED, with the person in the history; a second post decides nothing).
 */
import t from 'tap'
import { BROWSER, FORM } from '../accounts/login-helpers.js'
import { blinkerState, getStatus, A } from '../helpers/feedback.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, TOKENS } from '../helpers/gateway.js'
import { keys } from '../../src/store/keys.js'
import { page, workspace, type Workspace } from './workspace-fixture.js'

const ids = (body: string) => [...body.matchAll(/data-message-id="([0-9a-f-]{36})"/g)].map((m) => m[1])

const decide = (ws: Workspace, messageId: string, fields: Record<string, string>) =>
  ws.gw.app.inject({ method: 'POST', url: `/acceptance/dashboard/pending/${messageId}/decision`, headers: { cookie: ws.cookie, ...FORM, ...BROWSER }, payload: new URLSearchParams(fields).toString() })

t.test('the list: oldest first, finding, code and comment, filters, languages', async (t) => {
  const ws = await workspace(t)
  const all = [...ws.alpha, ...ws.beta].map((f) => f.messageId)
  const res = await page(ws, '/acceptance/dashboard/pending?lang=en')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-security-policy'], /default-src 'none'/)
  t.match(res.body, /<html lang="en">/)
  t.same(ids(res.body), all, 'every forwarded message, oldest first')
  t.match(res.body, /Dimona declaration for January/, "the blinker's finding")
  t.match(res.body, /pension paid in January/)
  t.match(res.body, /<b>999<\/b>/, 'the code')
  t.match(res.body, /=HYPERLINK\(&quot;http:\/\/x.invalid&quot;/, 'the comment, escaped')
  t.match(res.body, /Beta Informatique \(demo\)/, 'the software house')
  t.match(res.body, new RegExp(`name="csrf" value="${ws.csrf}"`), 'the forms carry the CSRF token')
  t.match(res.body, /href="\/acceptance\/dashboard\/cpas\/0212344876">CPAS de Démoville</, 'the CPAS links to its page')

  const only = async (query: string) => ids((await page(ws, `/acceptance/dashboard/pending?${query}`)).body)
  t.same(await only('softwareHouse=beta'), [ws.beta[0]?.messageId], 'by software house')
  t.same(await only(`cpas=${CPAS.alpha1}`), ws.alpha.map((f) => f.messageId), 'by CPAS')
  t.same(await only('cpas=0212.344.876'), ws.alpha.map((f) => f.messageId), 'a CPAS number typed with dots')
  t.same(await only('flow=PENSION'), [ws.beta[0]?.messageId], 'by flow')
  t.same(await only('code=999'), [ws.alpha[1]?.messageId], 'by code')
  t.same(await only('olderThan=1'), [], 'by age: nothing is older than a day')
  t.same(await only('olderThan=0&flow=WORK_INCOME_DIMONA&code=131'), [ws.alpha[0]?.messageId], 'filters together')
  t.same(await only('limit=1'), [], 'an unknown parameter is refused (no items, error page)')

  const fr = await page(ws, '/acceptance/dashboard/pending?lang=fr')
  t.match(fr.body, /<html lang="fr">/)
  t.match(fr.body, /Décisions en attente/)
  t.match(fr.body, /Accepter/)
  const nl = await page(ws, '/acceptance/dashboard/pending?lang=nl')
  t.match(nl.body, /<html lang="nl">/)
  t.match(nl.body, /Openstaande beslissingen/)
  t.match(nl.body, /Weigeren/)
  t.match(nl.body, /OCMW Voorbeeldstad|CPAS de Démoville/)

  for (const bad of ['cpas=0212344877', 'flow=NOPE', 'code=4242', 'softwareHouse=publisher', 'olderThan=-1', 'after=%25%25', 'notice=nope', 'limit=5']) {
    const r = await page(ws, `/acceptance/dashboard/pending?${bad}&lang=nl`)
    t.equal(r.statusCode, 400, bad)
    t.match(r.headers['content-type'], /text\/html/, `${bad}: an HTML page`)
    t.match(r.body, /<html lang="nl">/, `${bad}: in the chosen language`)
    t.match(r.body, /id="error" data-status="400"/)
  }
  const first = await page(ws, '/acceptance/dashboard/pending?limit=x')
  t.equal(first.statusCode, 400)
})

t.test('paging: next link through the list, no item missed or repeated', async (t) => {
  const ws = await workspace(t)
  const { pendingPage } = await import('../../src/inspection/pending-data.js')
  const ctx = ws.gw.contexts.get('acceptance')
  const inspection = ctx?.parties.parties.get('inspection')
  if (!ctx || !inspection) throw new Error('no context')
  const seen: string[] = []
  let after: string | undefined
  let pages = 0
  do {
    const p = await pendingPage(ctx, inspection, {}, 'fr', { limit: 2, ...(after && { after }) })
    seen.push(...p.items.map((i) => i.messageId))
    if (after) t.equal(p.after, after)
    after = p.next
    pages++
  } while (after && pages < 5)
  t.same(seen, [...ws.alpha, ...ws.beta].map((f) => f.messageId))
  const p1 = await pendingPage(ctx, inspection, {}, 'en', { limit: 2 })
  const html = await page(ws, `/acceptance/dashboard/pending?after=${p1.next}&lang=en`)
  t.same(ids(html.body), [ws.beta[0]?.messageId], 'the page after the cursor')
  t.match(html.body, /First page/)
})

t.test('decisions from the page: CSRF, accept, refuse with reason, no second decision', async (t) => {
  const ws = await workspace(t)
  const [cancel, other] = ws.alpha as [NonNullable<(typeof ws.alpha)[0]>, NonNullable<(typeof ws.alpha)[0]>]
  const blinker = (m: string) => ws.blinkerOf.get(m) as string

  const noToken = await decide(ws, cancel.messageId, { decision: 'ACCEPTED' })
  t.equal(noToken.statusCode, 403, 'no CSRF token: 403')
  const wrong = await decide(ws, cancel.messageId, { decision: 'ACCEPTED', csrf: 'x'.repeat(43) })
  t.equal(wrong.statusCode, 403, 'a wrong token: 403')
  t.equal((await getStatus(ws.gw, A.inspection, cancel.messageId)).json().status, 'FORWARDED', 'nothing changed')
  t.not((await blinkerState(ws.gw, blinker(cancel.messageId))).status, 'CLOSED')

  const accepted = await decide(ws, cancel.messageId, { decision: 'ACCEPTED', csrf: ws.csrf, softwareHouse: 'alpha', lang: 'en' })
  t.equal(accepted.statusCode, 303)
  const location = String(accepted.headers.location)
  t.match(location, /^\/acceptance\/dashboard\/pending\?softwareHouse=alpha&lang=en&notice=done&message=/, 'back to the same filtered list')
  const closed = await blinkerState(ws.gw, blinker(cancel.messageId))
  t.equal(closed.status, 'CLOSED')
  t.match(closed.history.at(-1), { status: 'CLOSED', by: 'marie.dubois' }, "the person's id in the blinker's history")
  const after = await page(ws, location)
  t.match(after.body, /id="notice"/)
  t.match(after.body, /accepted; blinker CLI-[0-9-]+ is now “Closed”/)
  t.notOk(ids(after.body).includes(cancel.messageId), 'no longer pending')
  const reload = await page(ws, location)
  t.equal(reload.statusCode, 200, 'reloading the list decides nothing')

  const again = await decide(ws, cancel.messageId, { decision: 'REFUSED', csrf: ws.csrf, lang: 'fr' })
  t.match(String(again.headers.location), /notice=already/)
  t.match((await page(ws, String(again.headers.location))).body, /a déjà reçu une décision/)
  t.equal((await blinkerState(ws.gw, blinker(cancel.messageId))).history.filter((h) => h.status === 'CLOSED').length, 1, 'decided once')
  t.equal((await getStatus(ws.gw, A.inspection, cancel.messageId)).json().status, 'ACCEPTED')

  const refused = await decide(ws, other.messageId, { decision: 'REFUSED', reason: '  the Dimona is right  ', csrf: ws.csrf, lang: 'nl' })
  t.equal(refused.statusCode, 303)
  const reopened = await blinkerState(ws.gw, blinker(other.messageId))
  t.equal(reopened.status, 'REOPENED')
  t.match(reopened.history.at(-1), { status: 'REOPENED', by: 'marie.dubois', cause: /the Dimona is right$/ })
  t.match((await page(ws, String(refused.headers.location))).body, /geweigerd; knipperlicht/)

  const invalid = await decide(ws, ws.beta[0]?.messageId as string, { decision: 'MAYBE', csrf: ws.csrf })
  t.equal(invalid.statusCode, 400, 'a decision that is neither: 400 page, nothing decided')
  t.match(invalid.headers['content-type'], /text\/html/)
  const long = await decide(ws, ws.beta[0]?.messageId as string, { decision: 'ACCEPTED', reason: 'x'.repeat(501), csrf: ws.csrf })
  t.equal(long.statusCode, 400)
  t.equal((await getStatus(ws.gw, A.inspection, ws.beta[0]?.messageId as string)).json().status, 'FORWARDED')
  const unknown = await decide(ws, '00000000-0000-4000-8000-000000000000', { decision: 'ACCEPTED', csrf: ws.csrf })
  t.match(String(unknown.headers.location), /notice=unknown/)
  t.match((await page(ws, String(unknown.headers.location))).body, /Aucune réaction 00000000/, 'in the language of the form (French by default)')
})

t.test('a decision the blinker or the message can no longer take is a notice, not an error', async (t) => {
  const ws = await workspace(t)
  const [first, second] = ws.alpha as [NonNullable<(typeof ws.alpha)[0]>, NonNullable<(typeof ws.alpha)[0]>]
  // The back office resolved the blinker meanwhile (form D received): CLOSED, the decision cannot apply.
  const resolved = await ws.gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${ws.blinkerOf.get(first.messageId)}/resolve`, headers: auth(TOKENS.acceptance.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200)
  const closed = await decide(ws, first.messageId, { decision: 'ACCEPTED', csrf: ws.csrf, lang: 'en' })
  t.match(String(closed.headers.location), /notice=closed/)
  t.match((await page(ws, String(closed.headers.location))).body, /is closed: the decision can no longer apply/)
  t.equal((await getStatus(ws.gw, A.inspection, first.messageId)).json().status, 'FORWARDED', 'nothing recorded on the message')
  // A blinker in a state the decision cannot leave from (set by hand here; the lifecycle refuses ACCEPT from PUBLISHED).
  const ctx = ws.gw.contexts.get('acceptance')
  await ctx?.redis.hset(keys.blinker(ctx.keys, ws.blinkerOf.get(second.messageId) as string), 'status', 'PUBLISHED')
  const state = await decide(ws, second.messageId, { decision: 'ACCEPTED', csrf: ws.csrf, lang: 'en' })
  t.match(String(state.headers.location), /notice=state/)
  t.match((await page(ws, String(state.headers.location))).body, /is “Published”: the decision cannot apply from there/)
})
