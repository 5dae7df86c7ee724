/**
 * The same data as each chart, as a table in a <details> below it: for screen readers, for
 * reading exact values, and for narrow screens where a chart's text gets small.
 */
import { fmt, t, type Lang } from '../i18n/index.js'
import { tableBox } from '../pages/layout.js'
import { html, type Html } from './html.js'
import type { Series, ShareRow } from './svg-charts.js'
import { histogramBins } from './svg-charts.js'

function dataTable(lang: Lang, id: string, head: Html, rows: Html[]): Html {
  const label = t(lang, 'common.dataTable')
  return html`<details class="chart-data" id="${id}"><summary>${label}</summary>${tableBox(label, html`<table><thead>${head}</thead><tbody>${rows}</tbody></table>`)}</details>`
}

export function histogramTable(rates: readonly number[], lang: Lang, bin = 0.01): Html {
  const f = fmt(lang)
  const rows = histogramBins(rates, bin).map((count, i) => html`<tr><td>${f.percent(i * bin, 0)}–${f.percent((i + 1) * bin, 0)}</td><td class="num">${f.number(count)}</td></tr>`)
  return dataTable(lang, 'rate-histogram-data', html`<tr><th scope="col">${t(lang, 'dashboard.col.range')}</th><th scope="col" class="num">${t(lang, 'dashboard.col.cpasCount')}</th></tr>`, rows)
}

export function shareTable(rows: readonly ShareRow[], lang: Lang): Html {
  const f = fmt(lang)
  const body = rows.map((r) => {
    const total = r.justified + r.unjustified
    const accepted = r.accepted ?? 0
    const refused = r.refused ?? 0
    const decided = accepted + refused
    return html`<tr><th scope="row">${r.label}</th><td class="num">${f.number(r.justified)}</td><td class="num">${f.number(r.unjustified)}</td><td class="num">${total ? f.percent(r.unjustified / total) : '–'}</td><td class="num">${f.number(accepted)}</td><td class="num">${f.number(refused)}</td><td class="num">${decided ? f.percent(refused / decided) : '–'}</td></tr>`
  })
  const col = (key: string) => html`<th scope="col" class="num">${t(lang, `dashboard.col.${key}`)}</th>`
  return dataTable(lang, 'flow-shares-data', html`<tr><th scope="col">${t(lang, 'dashboard.col.flow')}</th>${col('justified')}${col('unjustified')}${col('unjustifiedShare')}${col('accepted')}${col('refused')}${col('refusedShare')}</tr>`, body)
}

export function trendTable(periods: readonly string[], series: readonly Series[], lang: Lang): Html {
  const f = fmt(lang)
  const rows = periods.map((p, i) => html`<tr><th scope="row">${p}</th>${series.map((s) => html`<td class="num">${f.percent(s.values[i] ?? null)}</td>`)}</tr>`)
  return dataTable(lang, 'trend-data', html`<tr><th scope="col">${t(lang, 'dashboard.col.period')}</th>${series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}</tr>`, rows)
}
