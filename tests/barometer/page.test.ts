/**
 * The barometer page as an inspector's browser session reads it: the table parties × domains
 * (each cell's score as text and class, the same as the API's), the drill-down of one party with
 * every evaluation of the cycle, the cycle selector, the three languages, HTML error pages, the
 * short address and the login wall.
 */
import t from 'tap'
import { BROWSER, loginCookie } from '../accounts/login-helpers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { loadControlledTraffic, recordPass } from './traffic.js'

interface Dom { domain: string; score: string }

t.test('the barometer page', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  await loadControlledTraffic(ctx)
  await recordPass(ctx, 'alpha')
  const cookie = await loginCookie(gw)
  const page = (url: string) => gw.app.inject({ method: 'GET', url: `/acceptance${url}`, headers: { cookie, ...BROWSER } })
  const api = (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/barometer?cycle=2024-2025', headers: auth(TOKENS.acceptance.inspection) })).json() as { parties: { partyId: string; domains: Dom[] }[] }

  const en = await page('/dashboard/barometer?cycle=2024-2025&lang=en')
  t.equal(en.statusCode, 200, en.body.slice(0, 400))
  t.match(en.headers['content-security-policy'], /default-src 'none'/)
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /<h1>Quality barometer<\/h1>/)
  t.match(en.body, /id="cycle-info" data-cycle="2024-2025" data-final="true"/)
  t.match(en.body, /Final evaluation\./)
  t.match(en.body, /<option value="2024-2025" selected>/, 'the selector shows the cycle read')
  t.match(en.body, /<option value="2016-2017">/, 'back to the first cycle')
  t.match(en.body, /href="\/schemas\/barometer-thresholds.json"/)
  t.match(en.body, /aria-current="page"[^>]*>Barometer</, 'the navigation marks the page')
  for (const p of api.parties) {
    const row = new RegExp(`<tr data-party="${p.partyId}">(.*?)</tr>`).exec(en.body)?.[1] ?? ''
    t.ok(row, `a row for ${p.partyId}`)
    const cells = [...row.matchAll(/data-score="([A-Z_]+)"><span aria-hidden="true">[^<]*<\/span>([^<]+)/g)].map((m) => [m[1], m[2]])
    t.same(cells.map((c) => c[0]), p.domains.map((d) => d.score), `${p.partyId}: the API's scores, domain by domain`)
    const words: Record<string, string> = { GOOD: 'Good', LESS_GOOD: 'Less good', BAD: 'Bad', NOT_APPLICABLE: 'Not applicable' }
    t.same(cells.map((c) => c[1]), p.domains.map((d) => words[d.score]), `${p.partyId}: every score in words, not colour alone`)
  }
  t.match(en.body, /class="score score-bad" data-score="BAD"/)
  t.match(en.body, /Choose a party in the table/, 'no party chosen: the hint')

  const drill = await page('/dashboard/barometer?cycle=2024-2025&party=alpha&lang=en')
  t.equal(drill.statusCode, 200)
  t.match(drill.body, /<section class="wide" id="drill" data-party="alpha"><h2>Detail: Alpha Software \(demo\)<\/h2>/)
  t.equal([...drill.body.matchAll(/<table class="drill-table"/g)].length, 6, 'one table per domain')
  t.match(drill.body, /<th scope="col">2024H1<\/th><th scope="col">2024H2<\/th><th scope="col">2025H1<\/th><th scope="col">2025H2<\/th>/, 'every evaluation of the cycle')
  const median = /<tr data-indicator="deliveryToFeedbackMedian">(.*?)<\/tr>/.exec(drill.body)?.[1] ?? ''
  t.same([...median.matchAll(/data-score="([A-Z_]+)"/g)].map((m) => m[1]), ['GOOD', 'BAD', 'BAD', 'BAD'], 'the median: good in 2024H1, bad once the late answers came')
  t.match(median, /n = 20/)
  t.match(median, /n = 60/)
  t.match(median, /= unchanged/, 'the latest trend')
  t.match(drill.body, /href="\/acceptance\/v1\/barometer\/alpha\/report.xlsx\?cycle=2024-2025&amp;lang=en" download/)
  t.match(drill.body, /aria-current="true">Alpha Software \(demo\)</, 'the row of the party drilled into')
  const beta = await page('/dashboard/barometer?cycle=2024-2025&party=beta&lang=en')
  t.match(beta.body, /approved software houses only/, 'why timeliness is not judged for beta')
  t.match(beta.body, /not yet approved/)

  for (const [lang, title, bad] of [['fr', 'Baromètre de qualité', 'Mauvais'], ['nl', 'Kwaliteitsbarometer', 'Slecht']] as const) {
    const res = await page(`/dashboard/barometer?cycle=2024-2025&party=alpha&lang=${lang}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, `<html lang="${lang}">`)
    t.match(res.body, `<h1>${title}</h1>`)
    t.match(res.body, `</span>${bad}`)
    t.notMatch(res.body, /Quality barometer|Less good|Not applicable/, `${lang}: no English left`)
  }

  const badCycle = await page('/dashboard/barometer?cycle=2017-2018&lang=en')
  t.equal(badCycle.statusCode, 400)
  t.match(badCycle.headers['content-type'], /text\/html/)
  t.match(badCycle.body, /id="error" data-status="400"/)
  const unknown = await page('/dashboard/barometer?party=nobody&lang=en')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /text\/html/)
  t.equal((await page('/dashboard/barometer?sort=x')).statusCode, 400, 'an unknown parameter: an HTML 400')

  const short = await gw.app.inject({ method: 'GET', url: '/acceptance/barometer?cycle=2024-2025' })
  t.equal(short.statusCode, 303)
  t.equal(short.headers.location, '/acceptance/dashboard/barometer', 'the short address leads to the page')
  const anonymous = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/barometer', headers: BROWSER })
  t.equal(anonymous.statusCode, 401, 'not logged in: the login form')
  t.match(anonymous.body, /name="password"/)
})
