/**
 * A follow-up's trajectory as a small inline SVG (no script): the rate per period with the 5 %
 * target line, and the same figures as a table for people who cannot read the chart (screen
 * readers, print). Labels come from the catalogues, numbers from fmt(lang).
 */
import { html, raw, type Html } from '../dashboard/html.js'
import { fmt, t, type Lang } from '../i18n/index.js'
import { tableBox } from '../pages/layout.js'
import { TARGET_RATE } from '../statistics/compute.js'
import type { TrajectoryPoint } from './model.js'

const W = 220
const H = 64
const PAD = { left: 6, right: 6, top: 8, bottom: 14 }

/** The small chart; `big` draws it larger (the detail page). */
export function trajectoryChart(lang: Lang, points: readonly TrajectoryPoint[], label: string, big = false): Html {
  const f = fmt(lang)
  const rated = points.filter((p) => p.rate !== null) as (TrajectoryPoint & { rate: number })[]
  const top = Math.max(0.12, ...rated.map((p) => p.rate)) * 1.1
  const plotW = W - PAD.left - PAD.right
  const plotH = H - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (points.length <= 1 ? plotW / 2 : (i * plotW) / (points.length - 1))
  const y = (rate: number) => PAD.top + plotH - (rate / top) * plotH
  const summary = points.map((p) => `${p.period}: ${f.percent(p.rate, 1)}`).join(', ')
  const coords = points.map((p, i) => (p.rate === null ? null : `${x(i).toFixed(1)},${y(p.rate).toFixed(1)}`)).filter((c): c is string => c !== null)
  const targetY = y(TARGET_RATE).toFixed(1)
  const dots = points.map((p, i) =>
    p.rate === null
      ? ''
      : html`<circle class="traj-point" data-period="${p.period}" data-rate="${p.rate.toFixed(6)}" cx="${x(i).toFixed(1)}" cy="${y(p.rate).toFixed(1)}" r="2.8" fill="${p.rate < TARGET_RATE ? '#1a7f37' : '#b3261e'}"><title>${p.period}: ${f.percent(p.rate, 1)}</title></circle>`,
  )
  const ticks = points.map((p, i) => html`<text x="${x(i).toFixed(1)}" y="${H - 3}" text-anchor="middle">${p.period}</text>`)
  return html`<svg class="chart trajectory" viewBox="0 0 ${W} ${H}" width="${big ? W * 2 : W}" role="img" aria-label="${label}: ${summary}" ${raw('font-family="system-ui, sans-serif" font-size="8"')}>
<line class="target-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${targetY}" y2="${targetY}" stroke="#1a7f37" stroke-dasharray="3 2"><title>${t(lang, 'followUp.chart.target')}</title></line>
${coords.length > 1 ? html`<polyline points="${coords.join(' ')}" fill="none" stroke="#0b3d91" stroke-width="1.5"/>` : ''}${dots}${ticks}</svg>`
}

/** The chart's figures as a table (the data-table alternative), scrolling in its box on a narrow screen. */
export function trajectoryTable(lang: Lang, points: readonly TrajectoryPoint[], caption: string): Html {
  const f = fmt(lang)
  return tableBox(caption, html`<table class="trajectory-table"><caption>${caption}</caption><thead><tr><th scope="col">${t(lang, 'followUp.col.period')}</th><th scope="col" class="num">${t(lang, 'followUp.col.rate')}</th><th scope="col" class="num">${t(lang, 'followUp.col.filesWithBlinker')}</th><th scope="col" class="num">${t(lang, 'followUp.col.files')}</th></tr></thead><tbody>
${points.map((p) => html`<tr><td>${p.period}</td><td class="num">${f.percent(p.rate)}</td><td class="num">${f.number(p.filesWithBlinker)}</td><td class="num">${f.number(p.files)}</td></tr>`)}</tbody></table>`)
}

/** Chart plus its table, folded in a <details> so lists stay short. */
export function trajectoryFigure(lang: Lang, points: readonly TrajectoryPoint[], label: string, big = false): Html {
  if (points.length === 0) return html`<span class="muted">${t(lang, 'followUp.chart.noData')}</span>`
  return html`${trajectoryChart(lang, points, label, big)}<details><summary>${t(lang, 'common.dataTable')}</summary>${trajectoryTable(lang, points, label)}</details>`
}
