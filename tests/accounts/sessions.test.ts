/**
 * Named inspectors over HTTP (app.inject, real Redis): login by name and password, the session
 * cookie and what Redis holds, `next`, throttling, idle and absolute expiry, logout killing a
 * copied cookie, the other environment, CSRF on page forms, and who is recorded for a decision.
 */
import { createHash, hash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { keys } from '../../src/store/keys.js'
import { auditWriter } from '../../src/security/audit-trail.js'
import { readAuditEntry } from '../../src/security/audit-chain.js'
import { A, blinkerState, decideOn, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { BROWSER, csrfOf, DEMO_PASSWORDS, FORM, loginCookie, postLogin } from './login-helpers.js'

const sessionKey = (gw: TestGateway, cookie: string, env = 'acceptance') => keys.session(`${gw.prefix}:${env}:`, hash('sha256', cookie.split('=')[1] as string))
const page = (gw: TestGateway, cookie: string, url = '/acceptance/dashboard') => gw.app.inject({ method: 'GET', url, headers: { cookie, ...BROWSER } })

t.test('login by name: a random session id in an HttpOnly, SameSite=Strict cookie; the session lives in Redis', async (t) => {
  const gw = await startGateway(t)
  const form = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/login?lang=nl', headers: BROWSER })
  t.equal(form.statusCode, 200)
  t.match(form.body, /<form method="post" action="\/acceptance\/dashboard\/login\?lang=nl"/)
  t.match(form.body, /Gebruikersnaam/, 'in the chosen language')
  t.notMatch(form.body, /login-oidc/, 'no identity provider configured: no OIDC link')

  const ok = await postLogin(gw, { name: ' Marie.Dubois ', password: DEMO_PASSWORDS.acceptance.marie })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/acceptance/dashboard')
  const setCookie = String(ok.headers['set-cookie'])
  t.match(setCookie, /^bgw_session=[A-Za-z0-9_-]{43}; Path=\/acceptance; Max-Age=28800; HttpOnly; SameSite=Strict$/)
  t.notMatch(setCookie, /demo-acc|marie/, 'the cookie carries neither a password nor a name')
  const cookie = setCookie.split(';')[0] as string
  const stored = await gw.redis.hgetall(sessionKey(gw, cookie))
  t.match(stored, { person: 'marie.dubois', name: 'Marie Dubois', env: 'acceptance', csrf: /^[A-Za-z0-9_-]{43}$/, created: /^\d+$/, seen: /^\d+$/ })
  const pttl = await gw.redis.pttl(sessionKey(gw, cookie))
  t.ok(pttl > 29 * 60_000 && pttl <= 30 * 60_000, `Redis forgets it after the idle timeout (${pttl} ms)`)
  t.equal(await gw.redis.exists(keys.session(`${gw.prefix}:acceptance:`, cookie.split('=')[1] as string)), 0, 'stored under the hash of the id, not the id')

  const dashboard = await page(gw, cookie)
  t.equal(dashboard.statusCode, 200)
  t.match(dashboard.body, 'Marie Dubois')

  // A second login rotates: the old id dies, the new one works.
  const again = await postLogin(gw, { name: 'marie.dubois', password: DEMO_PASSWORDS.acceptance.marie }, 'acceptance', { cookie })
  const rotated = String(again.headers['set-cookie']).split(';')[0] as string
  t.not(rotated, cookie)
  t.equal((await page(gw, cookie)).statusCode, 401, 'the id held before login is dead')
  t.equal((await page(gw, rotated)).statusCode, 200)
})

t.test('a wrong name or password: the form again, 200, no cookie; next only to a path of this environment', async (t) => {
  const gw = await startGateway(t)
  for (const [name, password] of [['marie.dubois', 'wrong'], ['marie.dubois', DEMO_PASSWORDS.production.marie], ['jan.peeters', DEMO_PASSWORDS.acceptance.marie], ['nobody', 'x'], ['', ''], ['marie.dubois', 'x'.repeat(1024)]]) {
    const res = await postLogin(gw, { name: name as string, password: password as string })
    t.equal(res.statusCode, 200, `refused: ${name}`)
    t.match(res.body, /id="login-error"/)
    t.notOk(res.headers['set-cookie'])
  }
  const kept = await postLogin(gw, { name: 'jan.peeters', password: 'nope', next: '/acceptance/dashboard/cpas' })
  t.match(kept.body, /name="next" value="\/acceptance\/dashboard\/cpas"/, 'the form keeps where to go')
  t.match(kept.body, /value="jan.peeters"/, 'and the name typed')

  const cases: [string, string][] = [
    ['/acceptance/dashboard/cpas?sort=rate', '/acceptance/dashboard/cpas?sort=rate'],
    ['/acceptance/v1/transition/lists/2025-03.csv', '/acceptance/v1/transition/lists/2025-03.csv'],
    ['//evil.example/acceptance/', '/acceptance/dashboard'],
    ['https://evil.example/acceptance/x', '/acceptance/dashboard'],
    ['/acceptance/\\evil', '/acceptance/dashboard'],
    ['/production/dashboard', '/acceptance/dashboard'],
    ['/acceptance/dashboard/login', '/acceptance/dashboard'],
    ['/acceptance/../production/dashboard', '/acceptance/dashboard'],
  ]
  for (const [next, location] of cases) {
    const res = await postLogin(gw, { name: 'jan.peeters', password: DEMO_PASSWORDS.acceptance.jan, next })
    t.equal(res.headers.location, location, `next=${next}`)
  }
  const form = await gw.app.inject({ method: 'GET', url: `/acceptance/dashboard/login?next=${encodeURIComponent('//evil.example/')}`, headers: BROWSER })
  t.notMatch(form.body, /name="next"/, 'an unsafe next is not even put in the form')
})

t.test('a browser that is not logged in gets the login form (401) with next; an API client problem+json', async (t) => {
  const gw = await startGateway(t)
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?period=2025', headers: BROWSER })
  t.equal(res.statusCode, 401)
  t.match(res.body, /name="next" value="\/acceptance\/dashboard\?period=2025"/)
  t.match(res.body, /id="login-message"/)
  const api = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard' })
  t.equal(api.statusCode, 401)
  t.equal(api.json().code, 'GW_ERR_UNAUTHENTICATED')
})

t.test('failed logins are throttled (src/security/auth-throttle.ts): 429 with Retry-After, even for the right password', async (t) => {
  // The test harness turns the throttle off (AUTH_FAILURES_PER_ADDRESS=0); here it is what is tested, with its defaults.
  const gw = await startGateway(t, { AUTH_FAILURES_PER_ADDRESS: '20' })
  for (let i = 0; i < 5; i++) t.equal((await postLogin(gw, { name: 'marie.dubois', password: `guess-${i}` })).statusCode, 200, `failure ${i + 1}: the form again`)
  const blocked = await postLogin(gw, { name: 'marie.dubois', password: DEMO_PASSWORDS.acceptance.marie })
  t.equal(blocked.statusCode, 429, 'the 6th attempt for that name from that address: refused before the password is checked')
  t.ok(Number(blocked.headers['retry-after']) > 200 && Number(blocked.headers['retry-after']) <= 300, `Retry-After ${blocked.headers['retry-after']} s`)
  t.match(blocked.body, /id="login-error"/)
  t.notOk(blocked.headers['set-cookie'])
  const colleague = await postLogin(gw, { name: 'jan.peeters', password: DEMO_PASSWORDS.acceptance.jan })
  t.equal(colleague.statusCode, 303, 'another person on the same address still logs in')
  const other = await gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/login', remoteAddress: '10.1.2.3', headers: { ...FORM, ...BROWSER }, payload: `name=marie.dubois&password=${DEMO_PASSWORDS.acceptance.marie}` })
  t.equal(other.statusCode, 303, 'the real inspector on another address is not locked out')
  // Guessing across names from one address: the address allowance (AUTH_FAILURES_PER_ADDRESS).
  const many = await startGateway(t, { AUTH_FAILURES_PER_ADDRESS: '3' })
  const names = ['a.a', 'b.b', 'c.c']
  for (const name of names) t.equal((await postLogin(many, { name, password: 'x' })).statusCode, 200)
  const fourth = await postLogin(many, { name: 'd.d', password: 'x' })
  t.equal(fourth.statusCode, 429, 'the failure over the address allowance answers 429 at once')
  t.equal((await postLogin(many, { name: 'marie.dubois', password: DEMO_PASSWORDS.acceptance.marie })).statusCode, 429, 'then even a right password waits')
})

t.test('idle timeout (sliding) and absolute lifetime are checked on the stored times', async (t) => {
  const gw = await startGateway(t)
  const now = Date.now()
  const idle = await loginCookie(gw)
  await gw.redis.hset(sessionKey(gw, idle), 'seen', String(now - 29 * 60_000))
  t.equal((await page(gw, idle)).statusCode, 200, '29 minutes idle: alive')
  t.ok(Number(await gw.redis.hget(sessionKey(gw, idle), 'seen')) >= now, 'the request slid last-seen forward')
  await gw.redis.hset(sessionKey(gw, idle), 'seen', String(now - 31 * 60_000))
  const expired = await page(gw, idle)
  t.equal(expired.statusCode, 401, '31 minutes idle: the login form')
  t.match(String(expired.headers['set-cookie']), /^bgw_session=; Path=\/acceptance; Max-Age=0/)
  t.equal(await gw.redis.exists(sessionKey(gw, idle)), 0, 'an ended session is deleted')

  const old = await loginCookie(gw)
  await gw.redis.hset(sessionKey(gw, old), 'created', String(now - 8 * 3_600_000 + 60_000))
  t.equal((await page(gw, old)).statusCode, 200, '7 h 59 after login: alive')
  const left = await gw.redis.pttl(sessionKey(gw, old))
  t.ok(left <= 60_000, `Redis forgets it when the 8 hours are up (${left} ms left)`)
  await gw.redis.hset(sessionKey(gw, old), 'created', String(now - 8 * 3_600_000 - 1000))
  t.equal((await page(gw, old)).statusCode, 401, 'past 8 hours: gone, however active')
})

t.test('shorter limits from the configuration', async (t) => {
  const gw = await startGateway(t, { SESSION_IDLE_MINUTES: '5', SESSION_MAX_HOURS: '1' })
  const res = await postLogin(gw, { name: 'jan.peeters', password: DEMO_PASSWORDS.acceptance.jan })
  t.match(String(res.headers['set-cookie']), /Max-Age=3600;/)
  const cookie = String(res.headers['set-cookie']).split(';')[0] as string
  t.ok((await gw.redis.pttl(sessionKey(gw, cookie))) <= 5 * 60_000)
  await gw.redis.hset(sessionKey(gw, cookie), 'seen', String(Date.now() - 6 * 60_000))
  t.equal((await page(gw, cookie)).statusCode, 401, '6 minutes idle is past a 5-minute timeout')
  const form = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/login?lang=en', headers: BROWSER })
  t.match(form.body, /after 5 minutes without activity, and at the latest 1 hours/)
})

t.test('logout deletes the session: a copied cookie is dead; logout needs the CSRF token', async (t) => {
  const gw = await startGateway(t)
  const cookie = await loginCookie(gw)
  const copy = cookie
  const csrf = await csrfOf(gw, cookie)
  for (const payload of ['', 'csrf=', `csrf=${csrf.slice(1)}x`, `csrf=${'A'.repeat(43)}`]) {
    const refused = await gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/logout', headers: { cookie, ...FORM, ...BROWSER }, payload })
    t.equal(refused.statusCode, 403, `logout with "${payload}" refused`)
    t.match(refused.headers['content-type'], /^text\/html/)
    t.match(refused.body, /data-status="403"/)
  }
  t.equal((await page(gw, cookie)).statusCode, 200, 'nothing changed: still logged in')
  const out = await gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/logout', headers: { cookie, ...FORM, ...BROWSER }, payload: `csrf=${csrf}` })
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/acceptance/dashboard/login')
  t.equal(await gw.redis.exists(sessionKey(gw, cookie)), 0, 'gone from Redis')
  t.equal((await page(gw, copy)).statusCode, 401, 'the copied cookie is dead')
  const already = await gw.app.inject({ method: 'POST', url: '/acceptance/dashboard/logout', headers: { cookie: copy, ...FORM }, payload: 'csrf=x' })
  t.equal(already.statusCode, 303, 'logging out again without a session: just the login page')
})

t.test('a session of one environment is useless in the other', async (t) => {
  const gw = await startGateway(t)
  const cookie = await loginCookie(gw)
  const there = await page(gw, cookie, '/production/dashboard')
  t.equal(there.statusCode, 401, 'production does not know the acceptance session')
  const api = await gw.app.inject({ method: 'GET', url: '/production/v1/statistics?period=2025', headers: { cookie } })
  t.equal(api.statusCode, 401)
  // Even copied into production's keyspace, the stored environment says acceptance.
  const fields = await gw.redis.hgetall(sessionKey(gw, cookie))
  await gw.redis.hset(sessionKey(gw, cookie, 'production'), fields)
  t.equal((await page(gw, cookie, '/production/dashboard')).statusCode, 401)
  t.equal((await page(gw, cookie)).statusCode, 200, 'still fine where it belongs')
})

t.test('what a session may reach: inspection reads (pages, lists, exports), never an API change', async (t) => {
  const gw = await startGateway(t)
  const cookie = await loginCookie(gw)
  const stats = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/statistics?period=2025', headers: { cookie } })
  t.equal(stats.statusCode, 200, 'a GET of an inspection route: as the inspection')
  const head = await gw.app.inject({ method: 'HEAD', url: '/acceptance/dashboard', headers: { cookie } })
  t.equal(head.statusCode, 200, 'HEAD too')
  const publisherOnly = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters', headers: { cookie } })
  t.equal(publisherOnly.statusCode, 401, 'an operator route: the session gives no party there')
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 140 })
  await postFeedback(gw, A.alpha, f)
  const csrf = await csrfOf(gw, cookie)
  const change = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/decisions', headers: { cookie }, payload: { messageId: f.messageId, decision: 'ACCEPTED', csrf } })
  t.equal(change.statusCode, 401, 'POST /v1/decisions with only the cookie (even with the token): refused')
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FEEDBACK_RECEIVED', 'nothing changed')
  const both = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { cookie, ...auth(A.alpha) } })
  t.equal(both.statusCode, 403, 'a Bearer token decides alone, whatever cookie comes with it')
})

t.test('a decision through the REST API records the party; the person when a session made it', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 140 })
  await postFeedback(gw, A.alpha, f)
  const res = await decideOn(gw, f.messageId, 'ACCEPTED', 'checked')
  t.equal(res.statusCode, 200)
  t.match(res.json().history.at(-1), { status: 'ACCEPTED', by: 'inspection' })
  t.match((await blinkerState(gw, b.blinkerId)).history.at(-1), { status: 'CLOSED', by: 'inspection' })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  await auditWriter(ctx)?.drain()
  const entries = (await gw.redis.xrange(keys.audit(ctx.keys), '-', '+')).map(([, flat]) => readAuditEntry(flat))
  const decision = entries.find((e) => typeof e !== 'string' && e.fields.route === '/v1/decisions')
  t.match(decision, { fields: { party: 'inspection', role: 'inspection', status: '200' } })
  t.notOk(typeof decision !== 'string' && decision?.fields.person, 'no person for a token call')
})

t.test('a decision from the pending page (session + CSRF) records the person in history and audit', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 140 })
  await postFeedback(gw, A.alpha, f)
  const cookie = await loginCookie(gw, 'jan.peeters', DEMO_PASSWORDS.acceptance.jan)
  const csrf = await csrfOf(gw, cookie)
  const url = `/acceptance/dashboard/pending/${f.messageId}/decision`
  const forged = await gw.app.inject({ method: 'POST', url, headers: { cookie, ...FORM, ...BROWSER }, payload: 'decision=ACCEPTED' })
  t.equal(forged.statusCode, 403, 'without the CSRF token: 403')
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FEEDBACK_RECEIVED', 'nothing changed')
  const res = await gw.app.inject({ method: 'POST', url, headers: { cookie, ...FORM, ...BROWSER }, payload: new URLSearchParams({ decision: 'ACCEPTED', reason: 'payslips checked', csrf }).toString() })
  t.equal(res.statusCode, 303)
  const state = await blinkerState(gw, b.blinkerId)
  t.match(state.history.at(-1), { status: 'CLOSED', by: 'jan.peeters' }, 'the blinker\'s history names the person')
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  await auditWriter(ctx)?.drain()
  const entries = (await gw.redis.xrange(keys.audit(ctx.keys), '-', '+')).map(([, flat]) => readAuditEntry(flat))
  const decisions = entries.filter((e) => typeof e !== 'string' && e.fields.route === '/dashboard/pending/:messageId/decision')
  t.match(decisions, [
    { fields: { party: 'inspection', person: 'jan.peeters', status: '403' } },
    { fields: { party: 'inspection', person: 'jan.peeters', status: '303', messageId: f.messageId.toLowerCase() } },
  ], 'both the refused and the accepted post, with the person')
})

t.test('a deployment without inspector accounts: the pages say so and open with a token only', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'bgw-parties-')), 'parties.json')
  const parties = { parties: [{ id: 'insp', role: 'inspection', tokenSha256: [createHash('sha256').update('real-inspection-token').digest('hex')] }] }
  writeFileSync(file, JSON.stringify({ acceptance: parties, production: { parties: [] } }))
  const gw = await startGateway(t, { PARTIES_FILE: file })
  const form = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/login?lang=en', headers: BROWSER })
  t.match(form.body, /No inspector accounts are configured/)
  t.notMatch(form.body, /id="login-form"/)
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: BROWSER })
  t.equal(res.statusCode, 401, 'no login form to offer: the error page')
  t.notMatch(res.body, /id="login-form"/)
  t.equal((await postLogin(gw, { name: 'marie.dubois', password: DEMO_PASSWORDS.acceptance.marie })).statusCode, 200, 'no demo inspectors beside a real parties file')
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { authorization: 'Bearer real-inspection-token' } })).statusCode, 200)
})

