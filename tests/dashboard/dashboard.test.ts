/**
 * The dashboard over HTTP (app.inject): login by name → session cookie → page; deny by default for
 * everyone else; charts, lists and escaped data in the page; the SVG helpers on their own.
 */
import t from 'tap'
import { escapeHtml, html, raw } from '../../src/dashboard/html.js'
import { fmt } from '../../src/i18n/index.js'
import { histogramBins, rateHistogram, trendChart } from '../../src/dashboard/svg-charts.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const BROWSER = { accept: 'text/html,application/xhtml+xml' }

async function login(gw: TestGateway, name: string, password: string) {
  return gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded', ...BROWSER }, payload: new URLSearchParams({ name, password }).toString() })
}

t.test('login, cookie, page; deny by default', async (t) => {
  const gw = await startGateway(t)
  const nasty = await published(t, gw, CPAS.alpha1, { form: { type: 'B', reference: 'R1', periodStart: '2025-03-01' } })
  await published(t, gw, CPAS.beta, { form: { type: 'B', reference: 'R2', periodStart: '2025-03-01' } })
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(nasty, { code: 999, comment: '<script>alert(1)</script>' }))).statusCode, 202)
  const put = await gw.app.inject({
    method: 'PUT',
    url: '/acceptance/v1/statistics/files',
    headers: auth(A.publisher),
    payload: { period: '2025', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 10 }, { cpasKbo: CPAS.beta, regime: 'DIS', files: 50 }] },
  })
  t.equal(put.statusCode, 204)

  // Not logged in: a browser gets the login form (401), an API client problem+json.
  const anonymous = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: BROWSER })
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.headers['content-type'], /^text\/html/)
  t.match(anonymous.body, /name="name"/)
  t.match(anonymous.body, /name="password"/)
  const api = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard' })
  t.equal(api.json().code, 'GW_ERR_UNAUTHENTICATED')
  const wrongRole = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: auth(A.alpha) })
  t.equal(wrongRole.statusCode, 403)
  t.equal(wrongRole.json().code, 'GW_ERR_FORBIDDEN_ROLE')

  // Login by name: a demo inspector of this environment (tests/accounts/ covers the rest).
  for (const [name, password] of [['marie.dubois', 'demo-prod-marie'], ['marie.dubois', A.inspection], ['nobody', 'demo-acc-marie'], ['', '']]) {
    const res = await login(gw, name as string, password as string)
    t.equal(res.statusCode, 200, `login refused for "${name}" / "${password}": the form again`)
    t.match(res.body, /id="login-error"/)
    t.notOk(res.headers['set-cookie'])
  }
  const ok = await login(gw, 'marie.dubois', 'demo-acc-marie')
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/acceptance/dashboard')
  const cookie = String(ok.headers['set-cookie'])
  t.match(cookie, /^bgw_session=[A-Za-z0-9_-]{43}; Path=\/acceptance; Max-Age=28800; HttpOnly; SameSite=Strict$/)

  // English asked by the browser (the default is French: tests/pages/ cover the three languages).
  const page = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { cookie: cookie.split(';')[0] as string, ...BROWSER, 'accept-language': 'en' } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-security-policy'], /default-src 'none'/)
  t.equal(page.headers['cache-control'], 'no-store')
  const body = page.body
  t.notMatch(body, 'demo-acc-marie', 'no password in the page')
  t.match(body, 'Marie Dubois', 'the person is named')
  t.notMatch(body, '<script>', 'no script, and data is escaped')
  t.match(body, /id="rate-histogram"/)
  t.match(body, /data-threshold="0.05"/)
  t.match(body, /data-threshold="0.1"/)
  t.match(body, /id="flow-shares"/)
  t.match(body, /id="trend"/)
  t.match(body, /2 of 60 files/, 'both regimes: 2 files with a blinker of 60')
  t.match(body, /Above 10%: on-site inspection \(0\)/, 'a CPAS at exactly 10 % is not above 10 %…')
  t.match(body, /Between 5% and 10% \(1\)/, '…but between 5 % and 10 %')
  t.match(body, /electronic \(alpha\)/)
  t.match(body, /forward/, 'dead letters per queue')

  // The session never authorizes an API change, and a malformed cookie is no credential.
  const change = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/decisions', headers: { cookie: cookie.split(';')[0] as string }, payload: { messageId: '00000000-0000-4000-8000-000000000000', decision: 'ACCEPTED' } })
  t.equal(change.statusCode, 401, 'the cookie does not authenticate an API change')
  const garbage = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { cookie: 'bgw_session=%E0%A4%A; other=1', ...BROWSER } })
  t.equal(garbage.statusCode, 401, 'a malformed cookie is no credential')
  const bad = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { cookie: 'bgw_session=demo-acc-inspection', ...BROWSER } })
  t.equal(bad.statusCode, 401)
  t.match(String(bad.headers['set-cookie']), /Max-Age=0/, 'a dead session cookie is cleared')

  const csrf = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(body)?.[1]
  t.ok(csrf, 'the page carries the logout form with the session token')
  const out = await gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/logout', headers: { cookie: cookie.split(';')[0] as string, 'content-type': 'application/x-www-form-urlencoded' }, payload: `csrf=${csrf}` })
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/acceptance/dashboard/login', 'back to the login form')
  t.match(String(out.headers['set-cookie']), /^bgw_session=; Path=\/acceptance; Max-Age=0/)
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { cookie: cookie.split(';')[0] as string, ...BROWSER } })).statusCode, 401, 'logged out')
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/login' })).statusCode, 200)
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?period=20x5', headers: auth(A.inspection) })).statusCode, 400)
  const empty = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?period=1999', headers: auth(A.inspection) })
  t.equal(empty.statusCode, 200, 'a period without data still renders')
})

t.test('an environment without data', async (t) => {
  const gw = await startGateway(t)
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?lang=en', headers: auth(A.inspection) })
  t.equal(res.statusCode, 200)
  t.match(res.body, /No statistics yet/)
})

t.test('html escaping and chart helpers', async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  t.equal(html`<p>${'<b>'}${raw('<i>')}${[1, null, false, undefined, 'x']}</p>`.value, '<p>&lt;b&gt;<i>1x</p>')
  t.equal(fmt('en').percent(0.0381), '3.81%')
  t.equal(fmt('fr').percent(null), '–')
  t.same(histogramBins([0, 0.049, 0.05, 0.28]), [1, 0, 0, 0, 1, 1, ...new Array(22).fill(0), 1], 'one-point bins up to the highest rate')
  t.equal(histogramBins([]).length, 16, 'at least 0–15 %')
  const svg = rateHistogram([0.01, 0.02, 0.12]).value
  t.equal(svg.match(/class="bar"/g)?.length, 16)
  t.equal(svg.match(/class="threshold"/g)?.length, 2)
  const trend = trendChart(['2015', '2016'], [{ label: 'a', color: '#000', values: [0.05, null] }]).value
  t.equal(trend.match(/class="point"/g)?.length, 1, 'no point where there is no value')
})
