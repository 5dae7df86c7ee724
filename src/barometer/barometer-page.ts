/**
 * The barometer page for the inspection (/{env}/dashboard/barometer): the cycle selector (a plain
 * GET form), the table parties × domains with each cell's score written out and coloured, its
 * trend against the previous evaluation, and — for the party chosen (?party=) — the drill-down:
 * per domain its indicators with value, n and score at every evaluation of the cycle, and the
 * link to the party's report. Colour is never alone: every cell carries its score's text.
 */
import { html, raw, type Html } from '../dashboard/html.js'
import { fmt, t, type Lang } from '../i18n/index.js'
import { renderPage, tableBox, type PageView } from '../pages/layout.js'
import type { BarometerList, PartyBarometer, EvaluationScores } from './barometer-service.js'
import { reasonText, scoreClass, scoreText, trendText, valueText } from './barometer-labels.js'
import { BAROMETER_DOMAINS } from './indicators.js'
import type { DomainScore } from './scores.js'
import type { Thresholds } from './thresholds.js'

/** Score colours (WCAG AA: every text colour ≥ 4.5:1 on its background), kept with the page that uses them. */
export const BAROMETER_CSS = `
.score { font-weight: 600; white-space: nowrap; }
.score-good { background: #dafbe1; color: #0f5323; }
.score-less-good { background: #fff8c5; color: #5c3b00; }
.score-bad { background: #ffebe9; color: #8c1d18; }
.score-not-applicable { background: #f6f8fa; color: #57606a; font-weight: 400; }
.score .trend { display: block; font-weight: 400; font-size: 12px; }
.barometer-form { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: end; }
#barometer-table th[scope="row"], .drill-table th[scope="row"] { min-width: 9em; max-width: 15em; white-space: normal; }
.domain-score { padding: 1px 6px; border-radius: 3px; }
`

export interface BarometerPageData {
  list: BarometerList
  names: ReadonlyMap<string, string>
  cycles: readonly string[]
  currentCycle: string
  thresholds: Thresholds
  /** The party drilled into, with every evaluation. */
  party?: PartyBarometer
}

const MARK: Record<string, string> = { GOOD: '✓', LESS_GOOD: '~', BAD: '✗', NOT_APPLICABLE: '–' }

function scoreCell(lang: Lang, d: Pick<DomainScore, 'score' | 'trend'>, extra?: Html | string): Html {
  return html`<td class="${scoreClass(d.score)}" data-score="${d.score}"><span aria-hidden="true">${MARK[d.score]} </span>${scoreText(lang, d.score)}${extra ?? ''}${d.trend ? html`<span class="trend">${trendText(lang, d.trend)}</span>` : ''}</td>`
}

function cycleSection(view: PageView, d: BarometerPageData): Html {
  const l = view.lang
  const f = fmt(l)
  const c = d.list.cycle
  const options = d.cycles.map((id) => html`<option value="${id}"${raw(id === c.id ? ' selected' : '')}>${id === d.currentCycle ? t(l, 'barometer.current', { id }) : id}</option>`)
  const latest = c.evaluations.at(-1)
  const status = c.final ? t(l, 'barometer.final') : t(l, 'barometer.interim', { evaluation: latest?.id ?? '–', date: f.date(c.asOf) })
  return html`<section class="wide" id="cycle-section"><p>${t(l, 'barometer.intro')}</p>
<form class="barometer-form" method="get" action="${view.path}"><input type="hidden" name="lang" value="${l}"><label>${t(l, 'barometer.cycleLabel')}<br><select name="cycle" id="cycle">${options}</select></label><button type="submit">${t(l, 'barometer.show')}</button></form>
<p id="cycle-info" data-cycle="${c.id}" data-final="${String(c.final)}"><b>${c.id}</b> · ${t(l, 'barometer.period', { start: f.date(c.start), end: f.date(c.end) })}. ${status}</p>
<p class="muted">${t(l, 'barometer.thresholds', { version: d.list.thresholdsVersion, status: t(l, `barometer.thresholdsStatus.${d.thresholds.status}`) })} <a href="/schemas/barometer-thresholds.json">${t(l, 'barometer.thresholdsLink')}</a> · ${t(l, 'barometer.legend')}</p></section>`
}

function partyHref(view: PageView, cycle: string, partyId: string): string {
  return `${view.path}?${new URLSearchParams({ cycle, party: partyId, lang: view.lang }).toString()}#drill`
}

function tableSection(view: PageView, d: BarometerPageData): Html {
  const l = view.lang
  const parties = d.list.parties
  const title = t(l, 'barometer.tableTitle', { count: parties.length })
  if (parties.length === 0) return html`<section class="wide" id="barometer-section"><h2>${title}</h2><p class="muted">${t(l, 'barometer.noParties')}</p></section>`
  const head = html`<thead><tr><th scope="col">${t(l, 'barometer.col.party')}</th><th scope="col">${t(l, 'barometer.col.kind')}</th>${BAROMETER_DOMAINS.map((dom) => html`<th scope="col">${t(l, `barometer.domain.${dom}`)}</th>`)}</tr></thead>`
  const rows = parties.map((p) => {
    const byDomain = new Map(p.domains.map((x) => [x.domain, x]))
    const current = d.party?.partyId === p.partyId
    return html`<tr data-party="${p.partyId}"><th scope="row"><a href="${partyHref(view, d.list.cycle.id, p.partyId)}"${raw(current ? ' aria-current="true"' : '')}>${d.names.get(p.partyId) ?? p.partyId}</a><br><span class="muted">${p.partyId}</span></th><td>${t(l, `barometer.kind.${p.kind}`)}<br><span class="muted">${t(l, `barometer.approved.${p.approved ? 'yes' : 'no'}`)}</span></td>${BAROMETER_DOMAINS.map((dom) => scoreCell(l, byDomain.get(dom) ?? { score: 'NOT_APPLICABLE' }))}</tr>`
  })
  const caption = t(l, 'barometer.tableCaption', { evaluation: parties[0]?.evaluation ?? '–' })
  return html`<section class="wide" id="barometer-section"><h2>${title}</h2>${tableBox(caption, html`<table id="barometer-table"><caption>${caption}</caption>${head}<tbody>${rows}</tbody></table>`)}</section>`
}

function domainTable(view: PageView, th: Thresholds, evaluations: readonly EvaluationScores[], latest: DomainScore): Html {
  const l = view.lang
  const caption = t(l, 'barometer.drillCaption', { domain: t(l, `barometer.domain.${latest.domain}`) })
  const rows = latest.indicators.map((i) => {
    const cells = evaluations.map((e) => {
      const x = e.domains.find((dd) => dd.domain === latest.domain)?.indicators.find((ii) => ii.indicator === i.indicator)
      if (!x) return html`<td>–</td>`
      return scoreCell(l, { score: x.score }, html`<br><span class="value">${valueText(l, x)}</span> <span class="n">n = ${fmt(l).number(x.n)}</span>`)
    })
    const why = reasonText(l, th, i)
    return html`<tr data-indicator="${i.indicator}"><th scope="row">${t(l, `barometer.indicator.${i.indicator}`)}${i.provisional ? html` <span class="muted">(${t(l, 'barometer.provisional')})</span>` : ''}${why ? html`<br><span class="muted">${why}</span>` : ''}</th>${cells}<td>${trendText(l, i.trend)}</td></tr>`
  })
  const head = html`<thead><tr><th scope="col">${t(l, 'barometer.col.indicator')}</th>${evaluations.map((e) => html`<th scope="col">${e.id}</th>`)}<th scope="col">${t(l, 'barometer.col.trend')}</th></tr></thead>`
  return html`<h3>${t(l, `barometer.domain.${latest.domain}`)}</h3><p>${t(l, 'barometer.domainScore')} <span class="${scoreClass(latest.score)} domain-score" data-score="${latest.score}">${scoreText(l, latest.score)}</span>${latest.reason ? html` <span class="muted">(${reasonText(l, th, latest)})</span>` : ''}</p>${tableBox(caption, html`<table class="drill-table" data-domain="${latest.domain}"><caption>${caption}</caption>${head}<tbody>${rows}</tbody></table>`)}`
}

function drillSection(view: PageView, d: BarometerPageData): Html {
  const l = view.lang
  const p = d.party
  if (!p) return html`<section class="wide" id="drill"><p class="muted">${t(l, 'barometer.drillHint')}</p></section>`
  const name = d.names.get(p.partyId) ?? p.partyId
  const report = `/${view.env}/v1/barometer/${encodeURIComponent(p.partyId)}/report.xlsx?${new URLSearchParams({ cycle: d.list.cycle.id, lang: l }).toString()}`
  const evaluations = p.evaluations ?? []
  return html`<section class="wide" id="drill" data-party="${p.partyId}"><h2>${t(l, 'barometer.drillTitle', { party: name })}</h2>
<p>${t(l, `barometer.kind.${p.kind}`)} · ${t(l, `barometer.approved.${p.approved ? 'yes' : 'no'}`)} · <a id="report-link" href="${report}" download>${t(l, 'barometer.report', { party: name })}</a></p>
${p.domains.map((dom) => domainTable(view, d.thresholds, evaluations, dom))}</section>`
}

export function barometerPage(view: PageView, d: BarometerPageData): string {
  const body = html`${cycleSection(view, d)}${tableSection(view, d)}${drillSection(view, d)}`
  return renderPage(view, { title: t(view.lang, 'barometer.title'), body, active: 'barometer', css: BAROMETER_CSS })
}
