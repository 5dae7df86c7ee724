/**
 * The CPAS page: who serves it, its rate per year and regime (trend), its blinkers with status
 * and age, its feedback and decisions (each list sortable by its column headers, paged, and
 * downloadable as CSV / xlsx), and the follow-ups section src/follow-up/ renders.
 */
import { html, raw, type Html } from '../dashboard/html.js'
import { REGIMES } from '../domain/model.js'
import { codeLabel, flowLabel, fmt, LOCALES, statusLabel, t } from '../i18n/index.js'
import { tableBox, type PageView } from '../pages/layout.js'
import { blinkerSortKey, feedbackSortKey, type BlinkerSort, type CpasPageData, type FeedbackSort } from './cpas-model.js'
import type { RateCell } from './cpas-trend.js'
import { exportLinks, sortHeader, sorted, type SortState } from './page-parts.js'

/** Rows shown before "show all" (the rest in a <details>, as the dashboard's CPAS lists): 20. */
export const VISIBLE_ROWS = 20

/** A table of the first VISIBLE_ROWS rows, the others behind "show all". */
function collapsed(view: PageView, id: string, caption: string, head: Html, rows: readonly Html[]): Html {
  const table = (suffix: string, part: readonly Html[]) => html`<table id="${id}${suffix}"><caption>${caption}</caption>${head}<tbody>${part}</tbody></table>`
  const first = tableBox(caption, table('', rows.slice(0, VISIBLE_ROWS)))
  if (rows.length <= VISIBLE_ROWS) return first
  return html`${first}<details class="show-all"><summary>${t(view.lang, 'common.showAll', { count: fmt(view.lang).number(rows.length) })}</summary>${tableBox(`${caption} (${VISIBLE_ROWS + 1}–${rows.length})`, table('-rest', rows.slice(VISIBLE_ROWS)))}</details>`
}

export interface CpasSorts {
  blinkers: SortState<BlinkerSort>
  feedback: SortState<FeedbackSort>
}

function trendSection(view: PageView, d: CpasPageData): Html {
  const l = view.lang
  const f = fmt(l)
  const col = (k: string) => t(l, `exports.columns.${k}`)
  const regimes = [...REGIMES.map((r) => ({ key: r, label: t(l, `dashboard.regimeShort.${r}`) })), { key: 'ALL' as const, label: col('allRegimes') }]
  const cellOf = (p: CpasPageData['trend'][number], r: (typeof regimes)[number]['key']): RateCell => (r === 'ALL' ? p.all : p.perRegime[r])
  const head = html`<thead><tr><th scope="col">${col('period')}</th>${regimes.map((r) => html`<th scope="col" class="num">${r.label}</th>`)}</tr></thead>`
  const rows = d.trend.map(
    (p) =>
      html`<tr><th scope="row">${p.period}</th>${regimes.map((r) => {
        const c = cellOf(p, r.key)
        return html`<td class="num"><b>${f.percent(c.rate)}</b><br><span class="muted">${f.number(c.filesWithBlinker)} / ${f.number(c.files)}</span></td>`
      })}</tr>`,
  )
  const body = d.trend.length
    ? tableBox(t(l, 'cpas.page.trend'), html`<table id="trend"><caption>${t(l, 'cpas.page.trend')} — ${col('rate')} (${col('filesWithBlinker')} / ${col('files')})</caption>${head}<tbody>${rows}</tbody></table>`)
    : html`<p class="muted">${t(l, 'cpas.page.noTrend')}</p>`
  return html`<section id="trend-section"><h2>${t(l, 'cpas.page.trend')}</h2>${body}</section>`
}

function pageLinks(view: PageView, param: string, after: string | undefined, next: string | undefined, anchor: string): Html {
  const l = view.lang
  const q = (value?: string) => {
    const query: Record<string, string> = { ...view.query, lang: l }
    delete query[param]
    if (value) query[param] = value
    return `${view.path}?${new URLSearchParams(query).toString()}#${anchor}`
  }
  if (!after && !next) return html``
  return html`<p class="pager">${after ? html`<a href="${q()}">${t(l, 'pending.first')}</a> ` : ''}${next ? html`<a rel="next" href="${q(next)}">${t(l, 'cpas.page.more')}</a>` : ''}</p>`
}

function blinkerSection(view: PageView, d: CpasPageData, sort: SortState<BlinkerSort>): Html {
  const l = view.lang
  const f = fmt(l)
  const col = (k: string) => t(l, `exports.columns.${k}`)
  const h = (label: string, c: BlinkerSort, num = false) => sortHeader(view, label, c, sort, 'bsort', 'blinkers', num)
  const rows = sorted(d.blinkers, blinkerSortKey(sort.column), sort.desc, LOCALES[l]).map(
    (b) =>
      html`<tr data-blinker-id="${b.blinkerId}"><td><code>${b.blinkerId}</code></td><td>${flowLabel(l, b.flow)}</td><td class="status">${statusLabel(l, b.status)}</td><td>${f.date(b.publishedAt)}</td><td class="num">${f.number(b.ageDays)}</td><td>${b.periodStart ? f.date(b.periodStart) : ''}</td></tr>`,
  )
  const head = html`<thead><tr>${h(col('blinkerId'), 'blinkerId')}${h(col('flow'), 'flow')}${h(col('status'), 'status')}${h(col('publishedAt'), 'publishedAt')}${h(col('ageDays'), 'age', true)}${h(col('periodStart'), 'periodStart')}</tr></thead>`
  return html`<section id="blinkers-section" class="wide"><h2>${t(l, 'cpas.page.blinkers')}</h2>${exportLinks(view, `/${view.env}/dashboard/cpas/${d.kbo}/blinkers`, {}, 'blinkers-exports')}
${d.blinkers.length ? collapsed(view, 'blinkers', t(l, 'cpas.page.blinkers'), head, rows) : html`<p class="muted">${t(l, 'cpas.page.noBlinkers')}</p>`}${pageLinks(view, 'bafter', d.blinkersAfter, d.blinkersNext, 'blinkers')}</section>`
}

function feedbackSection(view: PageView, d: CpasPageData, sort: SortState<FeedbackSort>): Html {
  const l = view.lang
  const f = fmt(l)
  const col = (k: string) => t(l, `exports.columns.${k}`)
  const h = (label: string, c: FeedbackSort, num = false) => sortHeader(view, label, c, sort, 'fsort', 'feedback', num)
  const rows = sorted(d.feedback, feedbackSortKey(sort.column), sort.desc, LOCALES[l]).map(
    (m) =>
      html`<tr data-message-id="${m.messageId}"><td>${f.dateTime(m.receivedAt)}</td><td><code>${m.blinkerId}</code></td><td><b>${m.code}</b> <span class="muted">${codeLabel(l, m.code)}</span></td><td>${m.comment ?? ''}</td><td>${m.softwareHouseName}</td><td class="status">${statusLabel(l, m.status)}</td><td>${m.decidedBy ?? ''}${m.decidedAt ? html`<br><span class="muted">${f.dateTime(m.decidedAt)}</span>` : ''}</td><td>${m.reason ?? ''}</td></tr>`,
  )
  const head = html`<thead><tr>${h(col('receivedAt'), 'receivedAt')}${h(col('blinkerId'), 'blinkerId')}${h(col('code'), 'code')}<th scope="col">${col('comment')}</th>${h(col('softwareHouse'), 'softwareHouse')}${h(col('status'), 'status')}<th scope="col">${col('decidedBy')}</th><th scope="col">${col('reason')}</th></tr></thead>`
  return html`<section id="feedback-section" class="wide"><h2>${t(l, 'cpas.page.feedback')}</h2>${exportLinks(view, `/${view.env}/dashboard/cpas/${d.kbo}/feedback`, {}, 'feedback-exports')}
<p><a href="/${view.env}/dashboard/pending?cpas=${d.kbo}&amp;lang=${l}">${t(l, 'cpas.page.pending')}</a></p>
${d.feedback.length ? collapsed(view, 'feedback', t(l, 'cpas.page.feedback'), head, rows) : html`<p class="muted">${t(l, 'cpas.page.noFeedback')}</p>`}${pageLinks(view, 'fafter', d.feedbackAfter, d.feedbackNext, 'feedback')}</section>`
}

export function cpasPageBody(view: PageView, d: CpasPageData, sorts: CpasSorts): Html {
  const l = view.lang
  const served = d.servedBy ? t(l, 'cpas.page.electronic', { name: d.servedBy.name }) : t(l, 'cpas.page.excel')
  return html`<section id="served-section"><h2>${t(l, 'cpas.page.servedBy')}</h2><p id="served-by">${served}</p><p class="muted">${t(l, 'exports.columns.cpasKbo')} ${d.kbo}</p></section>
${trendSection(view, d)}${blinkerSection(view, d, sorts.blinkers)}${feedbackSection(view, d, sorts.feedback)}${raw(d.followUps ?? '')}`
}
