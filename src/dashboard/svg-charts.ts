/**
 * SVG charts drawn on the server (no script, no build step): a histogram of the CPAS rates with
 * the 5 % target and 10 % inspection lines (the seed's "répartition des dossiers avec
 * clignotants"), per flow justified/unjustified feedback and accepted/refused cancellations, and a line chart of the rates per period.
 * Each scales to its panel (viewBox, CSS width 100 %), has y-axis ticks, and keeps its labels
 * inside the drawing. Texts and numbers in the page's language; chart-tables.ts gives the same
 * data as tables. Elements carry classes and data-* attributes the browser test counts.
 */
import { DEFAULT_LANG, fmt, t, type Lang } from '../i18n/index.js'
import { html, raw, type Html } from './html.js'

/** The drawing's width in SVG units (it is scaled to the panel's width). */
export const CHART_WIDTH = 640
const W = CHART_WIDTH
const FONT = raw('font-family="system-ui, sans-serif" font-size="13"')
const AXIS = '#57606a'
const GRID = '#d8dee4'

export interface HistogramOptions {
  /** Bin width as a rate; default 0.01 (one percentage point). */
  bin?: number
  /** Lines drawn across the chart; default 5 % (target) and 10 % (inspection). */
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

/** Round tick values from 0 to at least `max`: about `count` steps of 1, 2 or 5 × 10^n. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0, 1]
  const rough = max / count
  const mag = 10 ** Math.floor(Math.log10(rough))
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= rough) ?? 10 * mag
  if (integer) step = Math.max(1, Math.round(step))
  const ticks: number[] = []
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

/** The 5 % and 10 % lines. */
export function thresholdLines(lang: Lang): NonNullable<HistogramOptions['lines']> {
  const f = fmt(lang)
  return [
    { rate: 0.05, label: t(lang, 'dashboard.chart.target', { rate: f.percent(0.05, 0) }), color: '#1a7f37' },
    { rate: 0.1, label: t(lang, 'dashboard.chart.inspection', { rate: f.percent(0.1, 0) }), color: '#b3261e' },
  ]
}

export function rateHistogram(rates: readonly number[], lang: Lang = DEFAULT_LANG, opts: HistogramOptions = {}): Html {
  const f = fmt(lang)
  const bin = opts.bin ?? 0.01
  const lines = opts.lines ?? thresholdLines(lang)
  const bins = histogramBins(rates, bin)
  const H = 300
  const left = 44
  const top = 44
  const bottom = 30
  const plotW = W - left - 12
  const plotH = H - top - bottom
  const yTicks = niceTicks(Math.max(1, ...bins), 4, true)
  const maxCount = yTicks.at(-1) as number
  const bw = plotW / bins.length
  const x = (rate: number) => left + (rate / bin) * bw
  const y = (count: number) => top + plotH - (count / maxCount) * plotH
  const axis = yTicks.map(
    (v) => html`<g class="y-tick"><line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${GRID}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${f.number(v)}</text></g>`,
  )
  const bars = bins.map((count, i) => {
    const from = i * bin
    const fill = from >= 0.1 ? '#f4a3a3' : from >= 0.05 ? '#f7d08a' : '#9fd3a8'
    const title = t(lang, 'dashboard.chart.bin', { from: f.percent(from, 0), to: f.percent(from + bin, 0), count: f.number(count) })
    return html`<rect class="bar" data-count="${count}" x="${(left + i * bw + 1).toFixed(1)}" y="${y(count).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(top + plotH - y(count)).toFixed(1)}" fill="${fill}"><title>${title}</title></rect>`
  })
  // An x label every 5 points, or fewer when the bins are narrow, so labels never collide.
  const every = bins.length > 40 ? 10 : 5
  const ticks = bins.map((_, i) =>
    i % every === 0 ? html`<text x="${x(i * bin).toFixed(1)}" y="${H - 10}" text-anchor="${i === 0 ? 'start' : 'middle'}">${f.percent(i * bin, 0)}</text>` : '',
  )
  // Labels on two rows (the lines may be close), anchored at the end when near the right edge.
  const marks = lines.map((l, k) => {
    const lx = x(l.rate)
    const nearEnd = lx > W - 160
    return html`<g class="threshold" data-threshold="${l.rate}"><line x1="${lx.toFixed(1)}" x2="${lx.toFixed(1)}" y1="${top - 6}" y2="${top + plotH}" stroke="${l.color}" stroke-width="2" stroke-dasharray="6 3"/><text x="${(nearEnd ? lx - 4 : lx + 4).toFixed(1)}" y="${14 + k * 15}" fill="${l.color}" text-anchor="${nearEnd ? 'end' : 'start'}">${l.label}</text></g>`
  })
  return html`<svg class="chart" id="rate-histogram" role="img" aria-label="${t(lang, 'dashboard.chart.histogramLabel')}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" ${FONT}>
<text x="4" y="14">${t(lang, 'dashboard.chart.cpasAxis')}</text>${axis}<line x1="${left}" x2="${W - 12}" y1="${top + plotH}" y2="${top + plotH}" stroke="${AXIS}"/>${bars}${ticks}${marks}</svg>`
}

export interface ShareRow {
  /** The flow (a code; its name comes from the catalogue). */
  flow: string
  label: string
  justified: number
  unjustified: number
  /** Cancellations of the flow the inspection accepted; default 0. */
  accepted?: number
  /** Cancellations of the flow the inspection refused; default 0. */
  refused?: number
}

/** One stacked bar of two parts, as shares of their sum (an empty frame when the sum is 0). */
function stacked(x: number, y: number, width: number, parts: readonly [string, number, string][]): Html {
  const total = parts.reduce((a, [, n]) => a + n, 0)
  let at = x
  const rects = parts.map(([cls, n, color]) => {
    const w = total ? (n / total) * width : 0
    const r = html`<rect class="${cls}" x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="14" fill="${color}"/>`
    at += w
    return r
  })
  return html`<rect x="${x}" y="${y}" width="${width}" height="14" fill="#f6f8fa" stroke="${GRID}"/>${rects}`
}

const COLORS = { justified: '#54aeff', unjustified: '#fb8f44', accepted: '#2da44e', refused: '#cf222e' } as const

/**
 * Two bars per flow, its name above them: its feedback, justified (blue) then unjustified
 * (orange); below, its decided cancellations, accepted (green) then refused (red). Each as shares.
 */
export function shareBars(rows: readonly ShareRow[], lang: Lang = DEFAULT_LANG): Html {
  const f = fmt(lang)
  const rowH = 58
  const left = 8
  const top = 44
  const plotW = W - left - 150
  const H = rows.length * rowH + top + 20
  const bars = rows.map((r, i) => {
    const total = r.justified + r.unjustified
    const accepted = r.accepted ?? 0
    const refused = r.refused ?? 0
    const decided = accepted + refused
    const yy = top + i * rowH
    const value = total ? t(lang, 'dashboard.chart.unjustifiedShare', { share: f.percent(r.unjustified / total, 0), total: f.number(total) }) : t(lang, 'dashboard.chart.noFeedback')
    const decidedValue = decided ? t(lang, 'dashboard.chart.refusedShare', { share: f.percent(refused / decided, 0), total: f.number(decided) }) : t(lang, 'dashboard.chart.noDecision')
    return html`<g class="flow-share" data-flow="${r.flow}" data-accepted="${accepted}" data-refused="${refused}"><text x="${left}" y="${yy + 12}">${r.label}</text>
<g class="feedback-bar">${stacked(left, yy + 17, plotW, [['justified', r.justified, COLORS.justified], ['unjustified', r.unjustified, COLORS.unjustified]])}<text x="${left + plotW + 8}" y="${yy + 29}">${value}</text></g>
<g class="decision-bar">${stacked(left, yy + 35, plotW, [['accepted', accepted, COLORS.accepted], ['refused', refused, COLORS.refused]])}<text x="${left + plotW + 8}" y="${yy + 47}">${decidedValue}</text></g></g>`
  })
  const axis = [0, 0.25, 0.5, 0.75, 1].map((v) => html`<text class="x-tick" x="${(left + v * plotW).toFixed(1)}" y="${H - 4}" text-anchor="${v === 0 ? 'start' : v === 1 ? 'end' : 'middle'}" fill="${AXIS}">${f.percent(v, 0)}</text>`)
  const key = (x: number, y: number, color: string, label: string) => html`<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/><text x="${x + 16}" y="${y + 10}">${label}</text>`
  return html`<svg class="chart" id="flow-shares" role="img" aria-label="${t(lang, 'dashboard.chart.flowLabel')}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" ${FONT}>
${key(left, 4, COLORS.justified, t(lang, 'dashboard.chart.justified'))}${key(left + 220, 4, COLORS.unjustified, t(lang, 'dashboard.chart.unjustified'))}
${key(left, 22, COLORS.accepted, t(lang, 'dashboard.chart.accepted'))}${key(left + 220, 22, COLORS.refused, t(lang, 'dashboard.chart.refused'))}${bars}${axis}</svg>`
}

export interface Series {
  label: string
  color: string
  /** One value per x label; null = no point. */
  values: readonly (number | null)[]
}

/**
 * Places value labels at one x so they stay `gap` apart (greedy, top to bottom), starting from the
 * points' own heights. Returns the label y per input, in input order.
 */
export function dodge(ys: readonly number[], gap = 13): number[] {
  const order = ys.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const out = new Array<number>(ys.length)
  let last = -Infinity
  for (const { v, i } of order) {
    const placed = Math.max(v, last + gap)
    out[i] = placed
    last = placed
  }
  return out
}

/** Rates per period, one line per series with its values written at each point, the 5 % and 10 % lines. */
export function trendChart(periods: readonly string[], series: readonly Series[], lang: Lang = DEFAULT_LANG): Html {
  const f = fmt(lang)
  const H = 300
  const left = 52
  const top = 40
  const right = 70
  const plotW = W - left - right
  const plotH = H - top - 34
  const yTicks = niceTicks(Math.max(0.12, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))) * 1.05, 4)
  const maxY = yTicks.at(-1) as number
  const x = (i: number) => left + (periods.length <= 1 ? plotW / 2 : (i / (periods.length - 1)) * plotW)
  const y = (v: number) => top + plotH - (v / maxY) * plotH
  const axis = yTicks.map(
    (v) => html`<g class="y-tick"><line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${GRID}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${f.percent(v, 0)}</text></g>`,
  )
  const guides = thresholdLines(lang).map(
    (l) => html`<g class="threshold" data-threshold="${l.rate}"><line x1="${left}" x2="${left + plotW}" y1="${y(l.rate).toFixed(1)}" y2="${y(l.rate).toFixed(1)}" stroke="${l.color}" stroke-width="1.5" stroke-dasharray="6 3"/></g>`,
  )
  // Value labels right of each point, moved apart where series are close.
  const labelY = periods.map((_, i) => {
    const at = series.map((s) => s.values[i] ?? null)
    const ys = at.map((v) => (v === null ? Number.NaN : y(v) + 4))
    const present = ys.map((v, k) => ({ v, k })).filter((p) => !Number.isNaN(p.v))
    const placed = dodge(present.map((p) => p.v))
    const out = new Array<number>(series.length).fill(Number.NaN)
    present.forEach((p, n) => (out[p.k] = placed[n] as number))
    return out
  })
  const legend = series.map((s, k) => html`<g class="legend"><rect x="${left + k * 150}" y="6" width="12" height="12" fill="${s.color}"/><text x="${left + k * 150 + 16}" y="16">${s.label}</text></g>`)
  const lines = series.map((s, k) => {
    const pts = s.values.map((v, i) => (v === null ? null : { i, v, px: x(i), py: y(v) })).filter((p): p is { i: number; v: number; px: number; py: number } => p !== null)
    const path = pts.map((p, n) => `${n === 0 ? 'M' : 'L'}${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(' ')
    return html`<g class="series" data-series="${s.label}"><path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>${pts.map(
      (p) =>
        html`<circle class="point" cx="${p.px.toFixed(1)}" cy="${p.py.toFixed(1)}" r="4" fill="${s.color}"/><text class="value" x="${(p.px + 7).toFixed(1)}" y="${(labelY[p.i]?.[k] ?? p.py).toFixed(1)}" fill="${s.color}">${f.percent(p.v)}</text>`,
    )}</g>`
  })
  const labels = periods.map((p, i) => html`<text x="${x(i).toFixed(1)}" y="${H - 10}" text-anchor="middle">${p}</text>`)
  return html`<svg class="chart" id="trend" role="img" aria-label="${t(lang, 'dashboard.chart.trendLabel')}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" ${FONT}>${legend}${axis}${guides}${lines}${labels}</svg>`
}
