/**
 * The page shell on its own: landmarks, the person and the logout form, the language switch,
 * pageView reading the session's person, the error handler's HTML and problem+json answers,
 * CPAS lists collapsed beyond 20 rows, and the chart helpers (ticks, labels moved apart).
 */
import Fastify from 'fastify'
import t from 'tap'
import { ageLabel, cpasList, VISIBLE_ROWS } from '../../src/dashboard/dashboard-page.js'
import { dodge, niceTicks, rateHistogram, shareBars, trendChart } from '../../src/dashboard/svg-charts.js'
import { GatewayError } from '../../src/errors.js'
import { rememberLang } from '../../src/i18n/index.js'
import { langHref, renderPage, type PageView } from '../../src/pages/layout.js'
import { pageView, queryOf } from '../../src/pages/page-view.js'
import { badParameters, isPagePath, pageErrorHandler, sendErrorPage } from '../../src/pages/send.js'
import type { CpasRate } from '../../src/statistics/compute.js'

const view: PageView = { env: 'acceptance', lang: 'nl', path: '/acceptance/dashboard/cpas', query: { sort: 'rate' } }

t.test('renderPage: one shell, landmarks, switch, person', async (t) => {
  const anonymous = renderPage(view, { title: 'Titel <x>', body: '<section><h2>A</h2></section>', active: 'cpas' })
  t.match(anonymous, /^<!doctype html><html lang="nl">/)
  t.match(anonymous, '<title>Titel &lt;x&gt; — Knipperlichtengateway</title>', 'the title is escaped')
  t.match(anonymous, '<main id="main" tabindex="-1"><h1>Titel &lt;x&gt;</h1><section><h2>A</h2></section></main>')
  t.match(anonymous, '<nav class="main" aria-label="Hoofdnavigatie">')
  t.match(anonymous, '<nav class="langs" aria-label="Taal">')
  t.match(anonymous, 'href="/acceptance/dashboard/cpas" aria-current="page">OCMW&#39;s</a>')
  t.match(anonymous, 'href="/acceptance/dashboard/cpas?sort=rate&amp;lang=fr" lang="fr" hreflang="fr">Français</a>')
  t.match(anonymous, 'hreflang="nl" aria-current="true">Nederlands</a>')
  t.notMatch(anonymous, 'logout', 'no logout form without a person')
  t.notMatch(anonymous, '<script', 'no script')
  const person = renderPage({ ...view, person: { id: 'jan.peeters', name: 'Jan <Peeters>' }, csrf: 'tok123' }, { title: 'T', body: '' })
  t.match(person, 'Aangemeld: Jan &lt;Peeters&gt;')
  t.match(person, '<form method="post" action="/acceptance/dashboard/logout"><input type="hidden" name="csrf" value="tok123"><button type="submit">Afmelden</button></form>')
  t.notMatch(person, 'aria-current="page">', 'no current entry unless said')
  t.equal(langHref({ path: '/p', query: { lang: 'fr', a: 'x y' } }, 'en'), '/p?lang=en&a=x+y', 'lang replaced, the rest kept')
})

t.test('pageView: language, path, query, and the session when set', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-person']) Object.assign(request, { person: { id: 'marie', name: 'Marie', extra: 1 }, csrf: 'c1' })
  })
  app.get('/acceptance/page', async (request) => pageView(request))
  const plain = (await app.inject({ method: 'GET', url: '/acceptance/page?x=1&lang=en' })).json()
  t.same(plain, { env: 'acceptance', lang: 'en', path: '/acceptance/page', query: { x: '1', lang: 'en' } }, 'the env from the path when no envCtx')
  const session = (await app.inject({ method: 'GET', url: '/acceptance/page', headers: { 'x-person': '1' } })).json()
  t.same(session.person, { id: 'marie', name: 'Marie' })
  t.equal(session.csrf, 'c1')
  t.same(queryOf('/p'), {})
})

t.test('the pages error handler: HTML for pages, problem+json for API clients', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/acceptance/dashboard/fail', { errorHandler: pageErrorHandler }, async (request) => {
    const kind = (request.query as { kind?: string }).kind
    if (kind === 'auth') throw new GatewayError('GW_ERR_UNAUTHENTICATED')
    if (kind === 'role') throw new GatewayError('GW_ERR_FORBIDDEN_ROLE')
    if (kind === 'busy') throw new GatewayError('GW_ERR_RATE_LIMITED', undefined, undefined, { 'retry-after': '3' })
    if (kind === 'gone') throw new GatewayError('GW_ERR_NOT_FOUND')
    throw new Error('boom')
  })
  app.get('/acceptance/dashboard/page-error', async (request, reply) => sendErrorPage(request, reply, 409, 'errors.csrf'))
  const html = { accept: 'text/html' }
  const crash = await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?lang=en', headers: html })
  t.equal(crash.statusCode, 500)
  t.match(crash.body, 'An unexpected error occurred.')
  t.notMatch(crash.body, 'boom', 'no internal detail')
  t.equal((await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail' })).json().code, 'GW_ERR_INTERNAL', 'an API client: problem+json')
  const auth = await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?kind=auth', headers: html })
  t.equal(auth.statusCode, 401)
  t.match(auth.body, 'Veuillez vous connecter.')
  t.equal((await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?kind=auth' })).json().code, 'GW_ERR_UNAUTHENTICATED')
  const role = await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?kind=role', headers: { ...html, 'accept-language': 'nl' } })
  t.equal(role.statusCode, 403)
  t.match(role.body, 'voorbehouden aan de inspectiedienst')
  const busy = await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?kind=busy', headers: html })
  t.equal(busy.statusCode, 429)
  t.equal(busy.headers['retry-after'], '3', 'the error headers are kept')
  const gone = await app.inject({ method: 'GET', url: '/acceptance/dashboard/fail?kind=gone' })
  t.equal(gone.statusCode, 404)
  t.match(gone.headers['content-type'], /^text\/html/, 'a missing thing on a page: HTML whoever asks')
  const own = await app.inject({ method: 'GET', url: '/acceptance/dashboard/page-error?lang=en' })
  t.equal(own.statusCode, 409)
  t.match(own.body, 'The form has expired')
  t.equal(badParameters(['querystring:/period', 'querystring:/period', 'querystring:/', undefined]), 'period')
  t.equal(badParameters([]), '?')
  t.equal(badParameters(['querystring:/85073003328']), 'querystring:/[niss]'.replace('querystring:/', ''), 'a NISS as a parameter name is masked')
  t.ok(isPagePath('/acceptance/dashboard') && isPagePath('/acceptance/dashboard?x=1') && isPagePath('/production/dashboard/cpas/1'))
  t.notOk(isPagePath('/acceptance/dashboards') || isPagePath('/acceptance/v1/dashboard') || isPagePath('/dashboard'))
  const cookie = Fastify()
  t.teardown(() => cookie.close())
  cookie.get('/x', async (_request, reply) => {
    rememberLang(reply, 'a;b', 'fr')
    return 'ok'
  })
  t.notOk((await cookie.inject({ method: 'GET', url: '/x' })).headers['set-cookie'], 'an odd env never shapes a cookie')
})

const rate = (i: number): CpasRate => ({ cpasKbo: String(1000000000 + i), name: i % 2 ? `CPAS ${i}` : undefined, files: 100 + i, filesWithBlinker: i, rate: i / (100 + i), blinkersPer100Files: i % 3 ? i : null, channel: i % 2 ? 'electronic' : 'excel', softwareHouse: i % 2 ? 'alpha' : undefined }) as unknown as CpasRate

t.test('CPAS lists: 20 rows, the rest behind "show all"', async (t) => {
  const short = cpasList(view, [rate(1), rate(2)], 'l', 'label').value
  t.equal(short.match(/<tr>/g)?.length, 3, 'a header and two rows')
  t.notMatch(short, '<details')
  const long = cpasList({ ...view, lang: 'fr' }, Array.from({ length: 25 }, (_, i) => rate(i + 1)), 'l', 'label').value
  const [visible, hidden] = long.split('<details')
  t.equal(visible?.match(/<tr>/g)?.length, VISIBLE_ROWS + 1, 'the first 20 on screen')
  t.equal(hidden?.match(/<tr>/g)?.length, 5 + 1, 'the other 5 behind the summary')
  t.match(long, '<summary>Afficher les 25</summary>')
  t.match(long, 'href="/acceptance/dashboard/cpas/1000000001">CPAS 1</a>', 'each CPAS links to its page')
  t.match(long, '>1000000002</a>', 'no name: the number')
  t.match(long, 'électronique (alpha)')
  t.match(long, 'listes Excel')
  t.match(cpasList(view, [], 'empty', 'x').value, '<p class="muted" id="empty">Geen.</p>')
  t.equal(ageLabel('en', { fromDays: 0, toDays: 30 }), 'under 30 days')
  t.equal(ageLabel('nl', { fromDays: 30, toDays: 90 }), '30 tot 90 dagen')
  t.equal(ageLabel('fr', { fromDays: 365 }), 'plus de 365 jours')
})

t.test('charts: ticks, values, labels apart, scaled to the panel', async (t) => {
  t.same(niceTicks(7, 4, true), [0, 2, 4, 6, 8])
  t.same(niceTicks(0.13, 4), [0, 0.05, 0.1, 0.15])
  t.same(niceTicks(1, 4, true), [0, 1])
  t.same(niceTicks(0), [0, 1])
  t.same(dodge([100, 105, 50]), [100, 113, 50], 'a label too close moves down')
  const trend = trendChart(['2015', '2016'], [{ label: 'a', color: '#000', values: [0.0704, null] }, { label: 'b', color: '#111', values: [0.0712, 0.08] }], 'fr').value
  t.match(trend, '>7,04\u00a0%</text>', 'values written on the trend')
  t.equal(trend.match(/class="value"/g)?.length, 3)
  t.ok((trend.match(/class="y-tick"/g)?.length ?? 0) >= 3, 'y-axis ticks')
  t.notMatch(/^<svg[^>]*>/.exec(trend)?.[0], / width=/, 'no fixed width: CSS makes it as wide as its panel')
  t.match(trend, 'viewBox="0 0 640 300"')
  const histogram = rateHistogram(Array.from({ length: 60 }, (_, i) => i / 100), 'en').value
  t.match(histogram, 'target 5%')
  t.match(histogram, '>50%</text>', 'x labels every 10 points when the bins are many')
  t.notMatch(histogram, '>45%</text>')
  const bars = shareBars([{ flow: 'PENSION', label: 'Pensioen', justified: 3, unjustified: 1 }, { flow: 'UNEMPLOYMENT', label: 'Werkloosheid', justified: 0, unjustified: 0 }], 'nl').value
  t.match(bars, '25\u00a0% ont. (4)')
  t.match(bars, 'geen feedback')
  t.match(bars, 'data-flow="PENSION"')
})
