/**
 * The dashboard's timeliness panel in French, Dutch and English: the chart's rows carry each
 * measure's count and median, the data table shows the same figures formatted in the page's
 * language with the previous period and the trend, and the per-flow and per-software-house tables
 * list what happened. Events at controlled times (two periods), figures derived in the test.
 */
import t from 'tap'
import type { Blinker } from '../../src/domain/model.js'
import { fmt, type Lang } from '../../src/i18n/index.js'
import { formatDuration } from '../../src/timeliness/timeliness-panel.js'
import { BROWSER, loginCookie } from '../accounts/login-helpers.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { acceptance, DAY, eventAt, feedbackAt, HOUR, publishAt } from './helpers.js'

const of = (year: string): Blinker => blinker(CPAS.alpha1, { flow: 'WORK_INCOME_DIMONA', detectedAt: `${year}-03-01T08:00:00Z`, form: { type: 'B', reference: 'B-TL', periodStart: `${year}-02-01` } })

t.test('the timeliness panel in three languages', async (t) => {
  const gw = await startGateway(t)
  const ctx = acceptance(gw)
  // 2025: three blinkers published 2 h after detection, delivered 30 min later, feedback after 4 days.
  for (let i = 0; i < 3; i++) {
    const b = of('2025')
    const at = Date.parse('2025-03-01T10:00:00Z')
    await publishAt(ctx, b, at, 'alpha')
    await eventAt(ctx, b.blinkerId, 'DELIVER', at + HOUR / 2)
    await feedbackAt(ctx, b, 131, at + HOUR / 2 + 4 * DAY)
  }
  // 2024: one blinker published 9 days after detection (the trend: faster in 2025).
  await publishAt(ctx, of('2024'), Date.parse('2024-03-10T08:00:00Z'), 'alpha')
  const put = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/statistics/files', headers: auth(TOKENS.acceptance.publisher), payload: { period: '2025', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 100 }] } })
  t.equal(put.statusCode, 204)
  const api = (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/statistics?period=2025', headers: auth(TOKENS.acceptance.inspection) })).json().timeliness
  const detect = api.measures.find((m: { measure: string }) => m.measure === 'detect_publish').all
  t.equal(detect.n, 3)
  t.ok(detect.medianMs > HOUR && detect.medianMs <= 3 * HOUR, 'the 2 h lag sits in the 1–3 h bucket')
  t.equal(detect.trend, 'faster', '2 h against 9 days the year before')
  const cookie = await loginCookie(gw)

  const words: Record<Lang, string[]> = {
    fr: ['Délais — période 2025', 'Détection → publication', 'Remise → premier retour', 'plus rapide', 'Médiane 2024', 'Médianes par flux', 'Médianes par maison de logiciels'],
    nl: ['Doorlooptijden — periode 2025', 'Detectie → publicatie', 'Aflevering → eerste feedback', 'sneller', 'Mediaan 2024', 'Medianen per stroom', 'Medianen per softwarehuis'],
    en: ['Timeliness — period 2025', 'Detection → publication', 'Delivery → first feedback', 'faster', 'Median 2024', 'Medians per flow', 'Medians per software house'],
  }
  for (const lang of ['fr', 'nl', 'en'] as const) {
    const res = await gw.app.inject({ method: 'GET', url: `/acceptance/dashboard?period=2025&lang=${lang}`, headers: { cookie, ...BROWSER } })
    t.equal(res.statusCode, 200)
    const body = res.body
    t.match(body, `<html lang="${lang}">`)
    const panel = /<section id="timeliness"[\s\S]*?<\/section>/.exec(body)?.[0] ?? ''
    t.ok(panel.length > 0, `${lang}: the panel is on the dashboard`)
    for (const w of words[lang]) t.match(panel, w, `${lang}: ${w}`)
    t.match(panel, `data-measure="detect_publish" data-n="3" data-median-ms="${detect.medianMs}"`, 'the chart row carries the API figure')
    t.match(panel, 'data-measure="code2_formd" data-n="0"', 'a measure without events is drawn empty')
    const row = /<tr data-measure="deliver_feedback">([\s\S]*?)<\/tr>/.exec(panel)?.[1] ?? ''
    const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])
    const feedback = api.measures.find((m: { measure: string }) => m.measure === 'deliver_feedback').all
    t.same(cells.slice(0, 3), [fmt(lang).number(3), formatDuration(lang, feedback.medianMs), formatDuration(lang, feedback.p90Ms)], `${lang}: count, median, p90 of delivery → feedback`)
    t.ok(feedback.medianMs > 3 * DAY && feedback.medianMs <= 7 * DAY, 'the 4-day reaction sits in the 3–7 day bucket')
    t.match(panel, 'id="timeliness-per-software-house"')
    t.match(panel, '<th scope="row">alpha</th>')
    t.notMatch(panel, /style=/, 'no style attribute (CSP)')
  }
  t.equal(formatDuration('en', 90 * 60_000), '1.5 h')
  t.equal(formatDuration('fr', 12 * DAY), '12 j')
  t.equal(formatDuration('nl', 5 * 60_000), '5 min')
})
