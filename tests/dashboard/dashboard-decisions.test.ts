/**
 * The dashboard's per-flow chart shows the inspection's decisions beside the feedback shares:
 * accepted and refused cancellations as a second bar per flow, and the same figures in the chart's
 * data table, in French, Dutch and English. The figures come from decisions made in this test.
 */
import t from 'tap'
import type { Blinker, Flow } from '../../src/domain/model.js'
import { CHART_WIDTH } from '../../src/dashboard/svg-charts.js'
import { fmt, type Lang } from '../../src/i18n/index.js'
import { BROWSER, loginCookie } from '../accounts/login-helpers.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, decideOn, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'

t.test('accepted and refused cancellations per flow: chart and data table in three languages', async (t) => {
  const gw = await startGateway(t)
  const t2025 = { type: 'B' as const, reference: 'R', periodStart: '2025-04-01', periodEnd: '2025-04-30' }
  const cancel = async (flow: Flow, code: number, decision?: 'ACCEPTED' | 'REFUSED') => {
    const b: Blinker = await published(t, gw, CPAS.alpha1, { flow, form: t2025 })
    const f = feedbackFor(b, { code })
    t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
    if (decision) t.equal((await decideOn(gw, f.messageId, decision, decision === 'REFUSED' ? 'right' : undefined)).statusCode, 200)
  }
  // DIMONA: 3 accepted, 1 refused; insurability: 2 refused, 1 undecided; pension: none decided.
  for (const d of ['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'REFUSED'] as const) await cancel('WORK_INCOME_DIMONA', 131, d)
  await cancel('INSURABILITY', 170, 'REFUSED')
  await cancel('INSURABILITY', 170, 'REFUSED')
  await cancel('INSURABILITY', 170)
  await cancel('PENSION', 150)
  const put = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/statistics/files', headers: auth(A.publisher), payload: { period: '2025', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 100 }] } })
  t.equal(put.statusCode, 204)
  const cookie = await loginCookie(gw)

  const words: Record<Lang, string[]> = {
    fr: ['annulation acceptée', 'annulation refusée', 'annulations refusées', 'part refusée', 'aucune décision', 'des éditeurs annulent des clignotants fondés'],
    nl: ['annulering aanvaard', 'annulering geweigerd', 'geweigerde annuleringen', 'aandeel geweigerd', 'geen beslissing', 'terechte knipperlichten annuleren'],
    en: ['cancellation accepted', 'cancellation refused', 'cancellations refused', 'refused share', 'no decision', 'cancel blinkers that were right'],
  }
  for (const lang of ['fr', 'nl', 'en'] as const) {
    const res = await gw.app.inject({ method: 'GET', url: `/acceptance/dashboard?period=2025&lang=${lang}`, headers: { cookie, ...BROWSER } })
    t.equal(res.statusCode, 200)
    const body = res.body
    t.match(body, `<html lang="${lang}">`)
    for (const w of words[lang]) t.match(body, w, `${lang}: ${w}`)
    t.match(body, 'data-flow="WORK_INCOME_DIMONA" data-accepted="3" data-refused="1"')
    t.match(body, 'data-flow="INSURABILITY" data-accepted="0" data-refused="2"')
    t.match(body, 'data-flow="PENSION" data-accepted="0" data-refused="0"')
    // The decision bar's parts are the shares of the decided cancellations: 3/4 and 1/4 of the plot.
    const group = /<g class="flow-share" data-flow="WORK_INCOME_DIMONA"[\s\S]*?<\/g><\/g>/.exec(body)?.[0] ?? ''
    const plotW = CHART_WIDTH - 8 - 150
    t.match(group, `class="accepted" x="8.0" y="`, 'accepted starts at the left')
    t.match(group, `width="${((3 / 4) * plotW).toFixed(1)}"`, 'accepted: 3 of 4')
    t.match(group, `class="refused" x="${(8 + (3 / 4) * plotW).toFixed(1)}"`)
    t.match(group, `width="${((1 / 4) * plotW).toFixed(1)}"`, 'refused: 1 of 4')
    // The data table: justified, unjustified, share, accepted, refused, refused share.
    const f = fmt(lang)
    const table = /<details class="chart-data" id="flow-shares-data">[\s\S]*?<\/details>/.exec(body)?.[0] ?? ''
    const row = (label: string) => new RegExp(`<th scope="row">${label}</th>((?:<td class="num">[^<]*</td>)+)</tr>`).exec(table)?.[1]?.split('</td>').filter((x) => x !== '').map((x) => x.replace('<td class="num">', ''))
    t.same(row('[^<]*\\(Dimona\\)'), [f.number(0), f.number(4), f.percent(1), f.number(3), f.number(1), f.percent(0.25)], `${lang}: the DIMONA row`)
  }
})
