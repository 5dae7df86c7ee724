/**
 * The report a software house downloads (GET /v1/barometer/{partyId}/report.xlsx): its own
 * barometer so it can adapt its method (seed), in one workbook in the chosen language:
 *   Summary     — cycle, evaluation, approved, thresholds version, one row per domain (score, trend);
 *   Indicators  — the latest evaluation: domain, indicator, value, n, score, reason, trend, definition;
 *   Evaluations — every evaluation of the cycle side by side (score and value per indicator);
 *   Thresholds  — the bounds and minimum n it was judged by.
 * Numbers are written as numbers (shares as 0..1 with a percent format), texts through safeText.
 */
import type { EnvContext } from '../context.js'
import { fmt, t, type Lang } from '../i18n/index.js'
import { safeText, XLSX_TYPE } from '../inspection/table-export.js'
import { loadExcel } from '../transition/excel.js'
import type { CycleView, PartyBarometer } from './barometer-service.js'
import { partyNames, reasonText, scoreText, trendText } from './barometer-labels.js'
import { INDICATORS } from './indicators.js'
import type { Thresholds } from './thresholds.js'

export { XLSX_TYPE }

type Report = PartyBarometer & { cycle: CycleView; thresholdsVersion: string }
type Row = (string | number | null)[]

const cell = (v: string | number | null): string | number | null => (typeof v === 'string' ? safeText(v) : v)

export async function barometerWorkbook(b: Report, th: Thresholds, lang: Lang, ctx: EnvContext): Promise<Buffer> {
  const l = (key: string, params?: Record<string, string | number>) => t(lang, `barometer.${key}`, params)
  const name = (await partyNames(ctx, [b.partyId], lang)).get(b.partyId) ?? b.partyId
  const wb = new (await loadExcel()).Workbook()
  wb.creator = 'blinker-gateway'
  wb.title = l('reportTitle', { party: name, cycle: b.cycle.id })
  const sheet = (key: string, widths: number[], rows: Row[], percentCols: number[] = []) => {
    const ws = wb.addWorksheet(l(`reportSheet.${key}`).slice(0, 31))
    ws.columns = widths.map((width) => ({ width }))
    for (const r of rows) ws.addRow(r.map(cell))
    for (const c of percentCols) ws.getColumn(c).numFmt = '0.0%'
    return ws
  }
  const f = fmt(lang)

  const summary = sheet('summary', [34, 44], [
    [l('reportTitle', { party: name, cycle: b.cycle.id })],
    [l('col.party'), `${name} (${b.partyId})`],
    [l('col.kind'), l(`kind.${b.kind}`)],
    [l('col.approved'), l(`approved.${b.approved ? 'yes' : 'no'}`)],
    [l('col.cycle'), `${b.cycle.id} — ${l('period', { start: f.date(b.cycle.start), end: f.date(b.cycle.end) })}`],
    [l('col.evaluation'), `${b.evaluation} — ${b.cycle.final ? l('final') : l('interim', { evaluation: b.evaluation, date: f.date(b.cycle.asOf) })}`],
    [l('col.thresholdsVersion'), l('thresholds', { version: b.thresholdsVersion, status: l(`thresholdsStatus.${th.status}`) })],
    [],
    [l('col.domain'), l('col.score'), l('col.trend'), l('col.reason')],
    ...b.domains.map((d) => [l(`domain.${d.domain}`), scoreText(lang, d.score), trendText(lang, d.trend), reasonText(lang, th, d)]),
  ])
  summary.getRow(1).font = { bold: true, size: 14 }
  summary.getRow(9).font = { bold: true }
  summary.getColumn(3).width = 18
  summary.getColumn(4).width = 40

  // Shares as fractions in a percent column, days in their own: a spreadsheet can compute on both.
  const isShare = (indicator: string) => INDICATORS.find((d) => d.indicator === indicator)?.unit !== 'days'
  const indicatorRows: Row[] = [[l('col.domain'), l('col.indicator'), `${l('col.value')} (%)`, `${l('col.value')} (${l('days', { value: '' }).trim()})`, l('col.n'), l('col.score'), l('col.reason'), l('col.trend'), l('col.definition')]]
  for (const d of b.domains) {
    for (const i of d.indicators) {
      const share = isShare(i.indicator)
      indicatorRows.push([l(`domain.${d.domain}`), l(`indicator.${i.indicator}`), share ? i.value : null, share ? null : i.value, i.n, `${scoreText(lang, i.score)}${i.provisional ? ` (${l('provisional')})` : ''}`, reasonText(lang, th, i), trendText(lang, i.trend), INDICATORS.find((x) => x.indicator === i.indicator)?.definition ?? ''])
    }
  }
  const ind = sheet('indicators', [30, 44, 12, 12, 10, 20, 34, 16, 80], indicatorRows, [3])
  ind.getColumn(4).numFmt = '0.0'
  ind.getRow(1).font = { bold: true }
  ind.views = [{ state: 'frozen', ySplit: 1 }]

  const evaluations = b.evaluations ?? []
  const evalRows: Row[] = [[l('col.indicator'), ...evaluations.flatMap((e) => [`${e.id} ${l('col.score')}`, `${e.id} ${l('col.value')}`, `${e.id} ${l('col.n')}`])]]
  for (const def of INDICATORS) {
    evalRows.push([
      l(`indicator.${def.indicator}`),
      ...evaluations.flatMap((e) => {
        const i = e.domains.flatMap((d) => d.indicators).find((x) => x.indicator === def.indicator)
        return [i ? scoreText(lang, i.score) : '', i?.value ?? null, i?.n ?? 0]
      }),
    ])
  }
  const ev = sheet('evaluations', [44, ...evaluations.flatMap(() => [16, 12, 10])], evalRows)
  ev.getRow(1).font = { bold: true }
  evaluations.forEach((_, k) => (ev.getColumn(3 + k * 3).numFmt = '0.000'))

  const thRows: Row[] = [[l('col.indicator'), l('col.good'), l('col.lessGood'), l('col.minN'), l('col.definition')]]
  for (const def of INDICATORS) {
    const x = th.indicators[def.indicator]
    if (x) thRows.push([l(`indicator.${def.indicator}`), x.good, x.lessGood, x.minN, x.note ?? ''])
  }
  const ths = sheet('thresholds', [44, 12, 14, 10, 90], thRows)
  ths.getRow(1).font = { bold: true }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
