/**
 * The dashboard's timeliness panel (issue 19 item 2): one row per measure — the median as a bar,
 * the p90 as a whisker, the previous period's median as a mark — on a log time axis (durations
 * run from minutes to months), then the same figures as a table with the trend, and the medians
 * per flow and per software house. Server-rendered SVG like the other charts (svg-charts.ts:
 * its width, the `html` escaping tag), no script, no style attribute; texts from the catalogues.
 */
import { flowLabel, fmt, t, type Lang } from '../i18n/index.js'
import { tableBox } from '../pages/layout.js'
import { html, type Html } from '../dashboard/html.js'
import { CHART_WIDTH } from '../dashboard/svg-charts.js'
import type { TimelinessFigure } from './timeliness-figures.js'
import type { MeasureReport, TimelinessReport } from './timeliness-report.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Axis ticks (ms): a minute to a year. */
const TICKS = [MIN, HOUR, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY]
const COLORS = { median: '#0b3d91', p90: '#8250df', previous: '#cf222e', grid: '#d8dee4', axis: '#57606a' } as const

/** A duration for people: minutes under an hour, hours under a day, days beyond. */
export function formatDuration(lang: Lang, ms: number | null): string {
  if (ms === null) return '–'
  const f = fmt(lang)
  if (ms < HOUR) return t(lang, 'timeliness.unit.min', { n: f.number(Math.max(0, ms) / MIN) })
  if (ms < DAY) return t(lang, 'timeliness.unit.h', { n: f.number(ms / HOUR, 1) })
  return t(lang, 'timeliness.unit.d', { n: f.number(ms / DAY, ms < 10 * DAY ? 1 : 0) })
}

const trendText = (lang: Lang, fig: TimelinessFigure): string => t(lang, `timeliness.trend.${fig.trend ?? 'none'}`)

function chart(report: TimelinessReport, lang: Lang): Html {
  const W = CHART_WIDTH
  const left = 200
  const right = 16
  const top = 34
  const rowH = 34
  const plotW = W - left - right
  const H = top + report.measures.length * rowH + 26
  const lo = Math.log(MIN / 2)
  const hi = Math.log(TICKS.at(-1) as number)
  const x = (ms: number) => left + ((Math.min(hi, Math.max(lo, Math.log(Math.max(ms, 1)))) - lo) / (hi - lo)) * plotW
  const grid = TICKS.map(
    (v) => html`<g class="x-tick"><line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top - 4}" y2="${H - 22}" stroke="${COLORS.grid}"/><text x="${x(v).toFixed(1)}" y="${H - 8}" text-anchor="middle" fill="${COLORS.axis}">${formatDuration(lang, v)}</text></g>`,
  )
  const rows = report.measures.map((m, i) => {
    const y = top + i * rowH
    const a = m.all
    const label = html`<text x="4" y="${y + 15}">${t(lang, `timeliness.measure.${m.measure}`)}</text>`
    if (a.medianMs === null) return html`<g class="measure" data-measure="${m.measure}" data-n="0">${label}<text x="${left + 4}" y="${y + 15}" fill="${COLORS.axis}">${t(lang, 'timeliness.none')}</text></g>`
    const title = t(lang, 'timeliness.chart.row', { median: formatDuration(lang, a.medianMs), p90: formatDuration(lang, a.p90Ms), n: fmt(lang).number(a.n) })
    const bar = html`<rect class="median" x="${left}" y="${y + 4}" width="${Math.max(1, x(a.medianMs) - left).toFixed(1)}" height="16" fill="${COLORS.median}"><title>${title}</title></rect>`
    const whisker = a.p90Ms === null ? '' : html`<line class="p90" x1="${x(a.medianMs).toFixed(1)}" x2="${x(a.p90Ms).toFixed(1)}" y1="${y + 12}" y2="${y + 12}" stroke="${COLORS.p90}" stroke-width="3"/><line x1="${x(a.p90Ms).toFixed(1)}" x2="${x(a.p90Ms).toFixed(1)}" y1="${y + 5}" y2="${y + 19}" stroke="${COLORS.p90}" stroke-width="3"/>`
    const prev = a.previous.medianMs === null ? '' : html`<path class="previous" d="M${x(a.previous.medianMs).toFixed(1)},${y + 22} l5,8 h-10 z" fill="${COLORS.previous}"/>`
    return html`<g class="measure" data-measure="${m.measure}" data-n="${a.n}" data-median-ms="${a.medianMs}">${label}${bar}${whisker}${prev}</g>`
  })
  const key = (kx: number, color: string, text: string) => html`<rect x="${kx}" y="6" width="12" height="12" fill="${color}"/><text x="${kx + 16}" y="16">${text}</text>`
  return html`<svg class="chart" id="timeliness-chart" role="img" aria-label="${t(lang, 'timeliness.chart.label')}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="13">
${key(left, COLORS.median, t(lang, 'timeliness.legend.median'))}${key(left + 130, COLORS.p90, t(lang, 'timeliness.legend.p90'))}${key(left + 260, COLORS.previous, t(lang, 'timeliness.legend.previous', { period: report.previousPeriod }))}${grid}${rows}</svg>`
}

function dataTable(lang: Lang, id: string, head: Html, rows: Html[]): Html {
  const label = t(lang, 'common.dataTable')
  return html`<details class="chart-data" id="${id}"><summary>${label}</summary>${tableBox(label, html`<table><thead>${head}</thead><tbody>${rows}</tbody></table>`)}</details>`
}

function figuresTable(report: TimelinessReport, lang: Lang): Html {
  const f = fmt(lang)
  const col = (key: string, num = true) => html`<th scope="col"${num ? html` class="num"` : ''}>${t(lang, `timeliness.col.${key}`, { period: report.previousPeriod })}</th>`
  const rows = report.measures.map(
    (m) =>
      html`<tr data-measure="${m.measure}"><th scope="row">${t(lang, `timeliness.measure.${m.measure}`)}</th><td class="num">${f.number(m.all.n)}</td><td class="num">${formatDuration(lang, m.all.medianMs)}</td><td class="num">${formatDuration(lang, m.all.p90Ms)}</td><td class="num">${formatDuration(lang, m.all.previous.medianMs)}</td><td>${trendText(lang, m.all)}</td></tr>`,
  )
  return dataTable(lang, 'timeliness-data', html`<tr>${col('measure', false)}${col('n')}${col('median')}${col('p90')}${col('previous')}${col('trend', false)}</tr>`, rows)
}

/** Medians per flow or software house: one row each, one column per measure. */
function perTable(report: TimelinessReport, lang: Lang, id: string, kind: 'perFlow' | 'perSoftwareHouse'): Html {
  const names = new Set<string>()
  const key = (x: { flow?: string; softwareHouse?: string }) => (kind === 'perFlow' ? x.flow : x.softwareHouse) ?? ''
  for (const m of report.measures) for (const x of m[kind]) names.add(key(x))
  if (names.size === 0) return html``
  const cell = (m: MeasureReport, name: string) => {
    const fig = m[kind].find((x) => key(x) === name)
    return html`<td class="num">${fig && fig.n > 0 ? html`${formatDuration(lang, fig.medianMs)} <span class="muted">(${fmt(lang).number(fig.n)})</span>` : '–'}</td>`
  }
  const head = html`<tr><th scope="col">${t(lang, `timeliness.col.${kind === 'perFlow' ? 'flow' : 'softwareHouse'}`)}</th>${report.measures.map((m) => html`<th scope="col" class="num">${t(lang, `timeliness.measure.${m.measure}`)}</th>`)}</tr>`
  const rows = [...names].map((name) => html`<tr><th scope="row">${kind === 'perFlow' ? flowLabel(lang, name) : name}</th>${report.measures.map((m) => cell(m, name))}</tr>`)
  const title = t(lang, `timeliness.${kind}Title`)
  return html`<h3>${title}</h3>${tableBox(title, html`<table id="${id}"><thead>${head}</thead><tbody>${rows}</tbody></table>`)}`
}

/** The panel (a dashboard section); `report` undefined or without events: a short note. */
export function timelinessPanel(report: TimelinessReport | undefined, lang: Lang): Html {
  if (!report) return html``
  const title = t(lang, 'timeliness.title', { period: report.period })
  const any = report.measures.some((m) => m.all.n > 0 || m.all.previous.n > 0)
  if (!any) return html`<section id="timeliness" class="wide"><h2>${title}</h2><p class="muted">${t(lang, 'timeliness.empty')}</p></section>`
  return html`<section id="timeliness" class="wide"><h2>${title}</h2>${chart(report, lang)}${figuresTable(report, lang)}
${perTable(report, lang, 'timeliness-per-flow', 'perFlow')}${perTable(report, lang, 'timeliness-per-software-house', 'perSoftwareHouse')}
<p class="muted">${t(lang, 'timeliness.hint')}</p></section>`
}
