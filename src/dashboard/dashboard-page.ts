/**
 * The dashboard page, in the page shell of src/pages/layout.ts: plain
 * server-rendered HTML with SVG, no script (the route's CSP forbids any). Every text comes from
 * the catalogues, every number and date from fmt(lang); every data value goes through the
 * escaping `html` tag.
 */
import { REGIMES } from '../domain/model.js'
import { codeLabel, flowLabel, fmt, t, type Lang } from '../i18n/index.js'
import { renderPage, tableBox, type PageView } from '../pages/layout.js'
import type { CpasRate } from '../statistics/compute.js'
import type { OpenByAge } from '../statistics/statistics-service.js'
import { histogramTable, shareTable, trendTable } from './chart-tables.js'
import type { DashboardData } from './dashboard-data.js'
import { html, type Html } from './html.js'
import { rateHistogram, shareBars, trendChart, type Series } from './svg-charts.js'
import { timelinessPanel } from '../timeliness/timeliness-panel.js'

/** Rows of a CPAS list shown before "show all". */
export const VISIBLE_ROWS = 20

function cpasRows(view: PageView, rows: readonly CpasRate[], names: ReadonlyMap<string, string>): Html[] {
  const f = fmt(view.lang)
  const l = view.lang
  return rows.map(
    (c) =>
      html`<tr><td><a href="/${view.env}/dashboard/cpas/${c.cpasKbo}">${names.get(c.cpasKbo) ?? (c.name || c.cpasKbo)}</a></td><td>${c.cpasKbo}</td><td class="num">${f.number(c.files)}</td><td class="num">${f.number(c.filesWithBlinker)}</td><td class="num">${f.percent(c.rate)}</td><td class="num">${c.blinkersPer100Files === null || c.blinkersPer100Files === undefined ? '–' : f.number(c.blinkersPer100Files, 1)}</td><td>${c.channel === 'electronic' ? t(l, 'dashboard.channel.electronic', { softwareHouse: c.softwareHouse ?? '' }) : t(l, 'dashboard.channel.excel')}</td></tr>`,
  )
}

function cpasHead(lang: Lang): Html {
  const c = (key: string, num = false) => html`<th scope="col"${num ? html` class="num"` : ''}>${t(lang, `dashboard.col.${key}`)}</th>`
  return html`<thead><tr>${c('cpas')}${c('kbo')}${c('files', true)}${c('withBlinker', true)}${c('rate', true)}${c('per100', true)}${c('channel')}</tr></thead>`
}

/** A CPAS list: the first VISIBLE_ROWS rows, the rest behind "show all" (<details>, no script). */
export function cpasList(view: PageView, rows: readonly CpasRate[], id: string, label: string, names: ReadonlyMap<string, string> = new Map(), visible = VISIBLE_ROWS): Html {
  if (rows.length === 0) return html`<p class="muted" id="${id}">${t(view.lang, 'common.none')}</p>`
  const all = cpasRows(view, rows, names)
  const head = cpasHead(view.lang)
  const first = tableBox(label, html`<table>${head}<tbody>${all.slice(0, visible)}</tbody></table>`)
  if (rows.length <= visible) return html`<div id="${id}" class="cpas-list">${first}</div>`
  const rest = tableBox(label, html`<table>${head}<tbody>${all.slice(visible)}</tbody></table>`)
  return html`<div id="${id}" class="cpas-list">${first}<details class="show-all"><summary>${t(view.lang, 'common.showAll', { count: fmt(view.lang).number(rows.length) })}</summary>${rest}</details></div>`
}

/** "under 30 days", "30 to 90 days", … from the bucket's bounds. */
export function ageLabel(lang: Lang, a: Pick<OpenByAge[number], 'fromDays' | 'toDays'>): string {
  if (a.toDays === undefined) return t(lang, 'dashboard.age.over', { from: a.fromDays })
  if (a.fromDays === 0) return t(lang, 'dashboard.age.under', { to: a.toDays })
  return t(lang, 'dashboard.age.range', { from: a.fromDays, to: a.toDays })
}

/** The blinkers of flows not accepted by the software house: on transition lists instead of mailboxes (src/flows/). */
function notAcceptedLine(d: DashboardData, l: Lang, period: string): Html {
  const f = fmt(l)
  const held = d.notAccepted ?? { count: 0, flows: [] }
  const detail = held.flows.map((x, i) => html`${i ? ', ' : ''}<span data-flow="${x.flow}">${t(l, 'dashboard.notAcceptedDetail', { flow: flowLabel(l, x.flow), count: f.number(x.count) })}</span>`)
  return html`<p id="flows-not-accepted" data-count="${held.count}"${held.count > 0 ? html` class="warn"` : ''}>${t(l, 'dashboard.notAccepted', { period, count: f.number(held.count) })}${held.count > 0 ? html` (${detail})` : ''}<br><span class="muted">${t(l, 'dashboard.notAcceptedHint')}</span></p>`
}

export function dashboardPage(d: DashboardData, view: PageView): string {
  const l = view.lang
  const f = fmt(l)
  const s = d.stats
  const title = t(l, 'dashboard.title')
  if (!s || !d.period) {
    const body = html`<section class="wide"><h2>${t(l, 'dashboard.noStats.title')}</h2><p>${t(l, 'dashboard.noStats.body', { env: d.env })} <code>npm run demo:data</code></p></section>`
    return renderPage(view, { title, body, active: 'dashboard' })
  }
  const five = f.percent(0.05, 0)
  const ten = f.percent(0.1, 0)
  const rated = s.cpas.filter((c) => c.rate !== null).map((c) => c.rate as number)
  const dist = s.distribution
  const files = (withBlinker: number, total: number) => t(l, 'dashboard.kpiFiles', { withBlinker: f.number(withBlinker), files: f.number(total) })
  const byRegime = s.perRegime.map((r) => html`<div class="kpi"><span class="muted">${t(l, `dashboard.regime.${r.regime}`)}</span><b>${f.percent(r.rate)}</b>${files(r.filesWithBlinker, r.files)}</div>`)
  const periodLinks = d.periods.map((p) => (p === d.period ? html`<b aria-current="true">${p}</b> ` : html`<a href="?period=${p}">${p}</a> `))
  const series: Series[] = [
    ...REGIMES.map((r, k) => ({ label: t(l, `dashboard.regimeShort.${r}`), color: ['#0b3d91', '#8250df'][k] as string, values: d.trend.map((p) => p.perRegime[r].rate) })),
    { label: t(l, 'dashboard.regimeShort.ALL'), color: '#57606a', values: d.trend.map((p) => p.all.rate) },
  ]
  const periods = d.trend.map((p) => p.period)
  const flows = s.feedback.perFlow.map((x) => ({ flow: x.flow, label: flowLabel(l, x.flow), justified: x.justified, unjustified: x.unjustified, accepted: x.cancellationsAccepted, refused: x.cancellationsRefused }))
  const under = dist.under.map((u) => t(l, 'dashboard.under', { share: f.percent(u.share, 0), threshold: f.percent(u.threshold, 0) })).join(' ; ')
  const col = (key: string, num = false) => html`<th scope="col"${num ? html` class="num"` : ''}>${t(l, `dashboard.col.${key}`)}</th>`
  const body = html`
<section id="summary" class="wide"><h2>${t(l, 'dashboard.summaryTitle', { period: d.period })}</h2><div class="kpis">${byRegime}
<div class="kpi"><span class="muted">${t(l, 'dashboard.regime.ALL')}</span><b>${f.percent(s.totals.rate)}</b>${files(s.totals.filesWithBlinker, s.totals.files)}</div>
<div class="kpi"><span class="muted">${t(l, 'dashboard.kpiCpas')}</span><b>${f.number(dist.count)}</b>${t(l, 'dashboard.kpiChannels', { electronic: f.number(d.channels.electronic), excel: f.number(d.channels.excel) })}</div></div>
<p>${t(l, 'dashboard.periods')} ${periodLinks}</p>
<p id="barometer-link"><a href="/${view.env}/dashboard/barometer">${t(l, 'barometer.title')}</a> · ${t(l, 'barometer.intro')}</p>
<p class="muted">${t(l, 'dashboard.quartiles', { q1: f.percent(dist.q1), median: f.percent(dist.median), q3: f.percent(dist.q3) })} · ${under} · ${t(l, 'dashboard.withoutCount', { count: f.number(s.withoutBlinker.length) })} · ${t(l, 'dashboard.highest', { max: f.percent(dist.max) })}.
${t(l, 'dashboard.target', { five, ten })}</p></section>
<section id="distribution"><h2>${t(l, 'dashboard.distributionTitle', { period: d.period })}</h2>${rateHistogram(rated, l)}${histogramTable(rated, l)}</section>
<section id="trend-section"><h2>${t(l, 'dashboard.trendTitle')}</h2>${trendChart(periods, series, l)}${trendTable(periods, series, l)}</section>
<section id="flows"><h2>${t(l, 'dashboard.flowsTitle', { period: d.period })}</h2>${shareBars(flows, l)}${shareTable(flows, l)}
<p class="muted">${t(l, 'dashboard.flowsHint')} ${t(l, 'dashboard.decisionsHint')}</p>${notAcceptedLine(d, l, d.period)}</section>
${timelinessPanel(s.timeliness, l)}
<section id="above10-section"><h2 class="bad">${t(l, 'dashboard.above10', { ten, count: s.above10.length })}</h2>${cpasList(view, s.above10, 'above10', t(l, 'dashboard.above10', { ten, count: s.above10.length }), d.names)}</section>
<section id="between-section"><h2 class="warn">${t(l, 'dashboard.between', { five, ten, count: s.between5And10.length })}</h2>${cpasList(view, s.between5And10, 'between5And10', t(l, 'dashboard.between', { five, ten, count: s.between5And10.length }), d.names)}
<p class="muted">${t(l, 'dashboard.without', { count: s.withoutBlinker.length })} ${s.withoutBlinker.map((k, i) => html`${i ? ', ' : ''}<a href="/${view.env}/dashboard/cpas/${k}">${k}</a>`)}${s.missingFiles.length ? html`<br><span class="warn">${t(l, 'dashboard.missingFiles', { count: s.missingFiles.length })} ${s.missingFiles.map((k, i) => html`${i ? ', ' : ''}<a href="/${view.env}/dashboard/cpas/${k}">${k}</a>`)}</span>` : ''}</p></section>
<section id="operations"><h2>${t(l, 'dashboard.openByAge')}</h2><table id="open-by-age"><thead><tr>${col('age')}${col('count', true)}</tr></thead><tbody>${s.openByAge.map((a) => html`<tr><td>${ageLabel(l, a)}</td><td class="num">${f.number(a.count)}</td></tr>`)}</tbody></table>
<h2>${t(l, 'dashboard.deadLetters')}</h2><table id="dead-letters"><thead><tr>${col('queue')}${col('count', true)}</tr></thead><tbody>${d.deadLetters.map((q) => html`<tr><td>${q.queue}</td><td class="num ${q.count > 0 ? 'bad' : 'good'}">${f.number(q.count)}</td></tr>`)}</tbody></table></section>
<section id="inbox" class="wide"><h2>${t(l, 'dashboard.inboxTitle', { count: d.inbox.length })}</h2>${
    d.inbox.length === 0
      ? html`<p class="muted">${t(l, 'common.empty')}</p>`
      : tableBox(
          t(l, 'dashboard.inboxTitle', { count: d.inbox.length }),
          html`<table><thead><tr>${col('received')}${col('blinker')}${col('cpas')}${col('flow')}${col('code')}${col('from')}${col('comment')}</tr></thead><tbody>${d.inbox.map(
            (i) =>
              html`<tr><td>${i.receivedAt ? f.dateTime(i.receivedAt) : ''}</td><td>${i.feedback.blinkerId ?? ''}</td><td>${i.feedback.cpasKbo ? html`<a href="/${view.env}/dashboard/cpas/${i.feedback.cpasKbo}">${d.names.get(i.feedback.cpasKbo) ?? i.feedback.cpasKbo}</a>` : ''}</td><td>${i.blinker.flow ? flowLabel(l, i.blinker.flow) : ''}</td><td>${i.feedback.code === undefined ? '' : html`<b>${i.feedback.code}</b> <span class="muted">${codeLabel(l, i.feedback.code)}</span>`}</td><td>${i.softwareHouse}</td><td>${i.feedback.comment ?? ''}</td></tr>`,
          )}</tbody></table>`,
        )
  }</section>
<section id="cpas-section" class="wide"><h2>${t(l, 'dashboard.allCpas', { count: s.cpas.length })}</h2>${cpasList(view, s.cpas, 'all-cpas', t(l, 'dashboard.allCpas', { count: s.cpas.length }), d.names)}
<p class="muted">${t(l, 'common.generatedAt', { when: f.dateTime(d.generatedAt) })}</p></section>`
  return renderPage(view, { title, body, active: 'dashboard' })
}
