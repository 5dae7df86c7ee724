/**
 * SVG charts drawn on the server (no script, no build step): a histogram of the CPAS rates with
 * the 5 % target and 10 % inspection lines (the seed's "répartition des dossiers avec
 * clignotants"), stacked justified/unjustified bars per flow, and a line chart of the rates per
 * period. Elements carry classes and data-* attributes the browser test counts.
 */
import { html, percent, raw, type Html } from './html.js'

const W = 760
const FONT = raw('font-family="system-ui, sans-serif" font-size="11"')

export interface HistogramOptions {
  /** Bin width as a rate; default 0.01 (one percentage point). */
  bin?: number
  /** Lines drawn across the chart; default 5 % and 10 %. */
  lines?: readonly { rate: number; label: string; color: string }[]
}

/** Number of CPAS per 1-point rate bin, from 0 to the highest rate (at least 15 %). */
export function histogramBins(rates: readonly number[], bin = 0.01): number[] {
  const top = Math.max(0.15, ...rates)
  const bins = new Array<number>(Math.floor(top / bin + 1e-9) + 1).fill(0)
  for (const r of rates) {
    const i = Math.min(bins.length - 1, Math.floor(r / bin + 1e-9))
    bins[i] = (bins[i] ?? 0) + 1
  }
  return bins
}

export function rateHistogram(rates: readonly number[], opts: HistogramOptions = {}): Html {
  const bin = opts.bin ?? 0.01
  const lines = opts.lines ?? [
    { rate: 0.05, label: 'target 5 %', color: '#1a7f37' },
    { rate: 0.1, label: 'inspection 10 %', color: '#cf222e' },
  ]
  const bins = histogramBins(rates, bin)
  const H = 260
  const left = 40
  const bottom = 30
  const plotW = W - left - 10
  const plotH = H - bottom - 20
  const maxCount = Math.max(1, ...bins)
  const bw = plotW / bins.length
  const x = (rate: number) => left + (rate / bin) * bw
  const y = (count: number) => 20 + plotH - (count / maxCount) * plotH
  const bars = bins.map((count, i) => {
    const from = i * bin
    const fill = from >= 0.1 ? '#f4a3a3' : from >= 0.05 ? '#f7d08a' : '#9fd3a8'
    return html`<rect class="bar" data-count="${count}" x="${(left + i * bw + 1).toFixed(1)}" y="${y(count).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(20 + plotH - y(count)).toFixed(1)}" fill="${fill}"><title>${percent(from, 0)}–${percent(from + bin, 0)}: ${count} CPAS</title></rect>`
  })
  const ticks = bins.map((_, i) =>
    i % 5 === 0 ? html`<text x="${x(i * bin).toFixed(1)}" y="${H - 12}" text-anchor="middle">${Math.round(i * bin * 100)} %</text>` : '',
  )
  const marks = lines.map(
    (l) =>
      html`<g class="threshold" data-threshold="${l.rate}"><line x1="${x(l.rate).toFixed(1)}" x2="${x(l.rate).toFixed(1)}" y1="14" y2="${20 + plotH}" stroke="${l.color}" stroke-width="2" stroke-dasharray="6 3"/><text x="${(x(l.rate) + 4).toFixed(1)}" y="12" fill="${l.color}">${l.label}</text></g>`,
  )
  return html`<svg class="chart" id="rate-histogram" role="img" aria-label="Distribution of CPAS by share of files with a blinker" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT}>
<text x="4" y="12">CPAS</text><line x1="${left}" x2="${W - 10}" y1="${20 + plotH}" y2="${20 + plotH}" stroke="#555"/>
<text x="4" y="${y(maxCount) + 4}">${maxCount}</text>${bars}${ticks}${marks}</svg>`
}

export interface ShareRow {
  label: string
  justified: number
  unjustified: number
}

/** One horizontal bar per flow: justified (blue) then unjustified (orange), as shares of its feedback. */
export function shareBars(rows: readonly ShareRow[]): Html {
  const rowH = 24
  const left = 190
  const plotW = W - left - 90
  const H = rows.length * rowH + 30
  const bars = rows.map((r, i) => {
    const total = r.justified + r.unjustified
    const j = total ? (r.justified / total) * plotW : 0
    const u = total ? (r.unjustified / total) * plotW : 0
    const yy = 20 + i * rowH
    return html`<g class="flow-share" data-flow="${r.label}"><text x="${left - 6}" y="${yy + 14}" text-anchor="end">${r.label}</text>
<rect class="justified" x="${left}" y="${yy}" width="${j.toFixed(1)}" height="${rowH - 6}" fill="#54aeff"/>
<rect class="unjustified" x="${(left + j).toFixed(1)}" y="${yy}" width="${u.toFixed(1)}" height="${rowH - 6}" fill="#fb8f44"/>
<text x="${left + plotW + 6}" y="${yy + 14}">${total ? `${percent(r.unjustified / total, 0)} unj. (${total})` : 'no feedback'}</text></g>`
  })
  return html`<svg class="chart" id="flow-shares" role="img" aria-label="Justified and unjustified feedback per flow" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT}>
<rect x="${left}" y="2" width="10" height="10" fill="#54aeff"/><text x="${left + 14}" y="11">justified</text>
<rect x="${left + 90}" y="2" width="10" height="10" fill="#fb8f44"/><text x="${left + 104}" y="11">unjustified (cancellation)</text>${bars}</svg>`
}

export interface Series {
  label: string
  color: string
  /** One value per x label; null = no point. */
  values: readonly (number | null)[]
}

/** Rates per period, one line per series, with the 5 % and 10 % lines. */
export function trendChart(periods: readonly string[], series: readonly Series[]): Html {
  const H = 220
  const left = 50
  const plotW = W - left - 140
  const plotH = H - 50
  const top = Math.max(0.12, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))) * 1.1
  const x = (i: number) => left + (periods.length <= 1 ? plotW / 2 : (i / (periods.length - 1)) * plotW)
  const y = (v: number) => 20 + plotH - (v / top) * plotH
  const guides = [0.05, 0.1].map(
    (r) => html`<g class="threshold" data-threshold="${r}"><line x1="${left}" x2="${left + plotW}" y1="${y(r).toFixed(1)}" y2="${y(r).toFixed(1)}" stroke="${r === 0.05 ? '#1a7f37' : '#cf222e'}" stroke-dasharray="6 3"/><text x="4" y="${(y(r) + 4).toFixed(1)}">${percent(r, 0)}</text></g>`,
  )
  const lines = series.map((s, k) => {
    const pts = s.values.map((v, i) => (v === null ? null : ([x(i), y(v)] as const))).filter((p): p is readonly [number, number] => p !== null)
    const path = pts.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ')
    return html`<g class="series" data-series="${s.label}"><path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>${pts.map(([px, py]) => html`<circle class="point" cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="4" fill="${s.color}"/>`)}<text x="${left + plotW + 10}" y="${30 + k * 16}" fill="${s.color}">${s.label}</text></g>`
  })
  const labels = periods.map((p, i) => html`<text x="${x(i).toFixed(1)}" y="${H - 10}" text-anchor="middle">${p}</text>`)
  return html`<svg class="chart" id="trend" role="img" aria-label="Share of files with a blinker per period" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT}>${guides}${lines}${labels}</svg>`
}
