/**
 * The pending-decisions page: the filter form (GET), the export links, and per message the
 * blinker's finding, the software house's code and comment, and the decision form — plain HTML
 * forms, no script: POST with the session's CSRF token, answered by a 303 back to this list.
 */
import { html, raw, type Html } from '../dashboard/html.js'
import { loadCatalogue } from '../domain/feedback-codes.js'
import { CATALOGUE_FLOWS } from '../flows/flow-catalogue.js'
import { codeLabel, flowLabel, fmt, t } from '../i18n/index.js'
import type { PageView } from '../pages/layout.js'
import { filterQuery, type PendingFilters, type PendingItem, type PendingPage } from './pending-model.js'
import { exportLinks } from './page-parts.js'

export interface Notice {
  key: string
  params: Record<string, string | number>
  /** Shown as a success (a decision recorded) or as a warning. */
  ok: boolean
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${raw(selected ? ' selected' : '')}>${label}</option>`
}

function filterForm(view: PageView, page: PendingPage): Html {
  const l = view.lang
  const f = page.filters
  const any = t(l, 'pending.filters.any')
  const codes = loadCatalogue().codes
  return html`<section class="wide" id="filters"><h2>${t(l, 'pending.filters.legend')}</h2>
<form method="get" action="/${view.env}/dashboard/pending" class="filters" style="display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-end">
<input type="hidden" name="lang" value="${l}">
<label style="max-width:100%;min-width:0">${t(l, 'pending.filters.cpas')}<br><input name="cpas" id="f-cpas" inputmode="numeric" size="12" maxlength="14" value="${f.cpas ?? ''}"></label>
<label style="max-width:100%;min-width:0">${t(l, 'pending.filters.flow')}<br><select name="flow" id="f-flow" style="width:100%">${option('', any, f.flow === undefined)}${CATALOGUE_FLOWS.map((x) => option(x, flowLabel(l, x), f.flow === x))}</select></label>
<label style="max-width:100%;min-width:0">${t(l, 'pending.filters.code')}<br><select name="code" id="f-code" style="width:100%">${option('', any, f.code === undefined)}${codes.map((c) => option(String(c.code), `${c.code} — ${codeLabel(l, c.code)}`, f.code === c.code))}</select></label>
<label style="max-width:100%;min-width:0">${t(l, 'pending.filters.softwareHouse')}<br><select name="softwareHouse" id="f-sh" style="width:100%">${option('', any, f.softwareHouse === undefined)}${page.softwareHouses.map((s) => option(s.id, s.name, f.softwareHouse === s.id))}</select></label>
<label style="max-width:100%;min-width:0">${t(l, 'pending.filters.olderThan')}<br><input name="olderThan" id="f-age" type="number" min="0" max="3650" size="5" value="${f.olderThan ?? ''}"></label>
<p style="margin:4px 0"><button type="submit">${t(l, 'pending.filters.apply')}</button> <a href="/${view.env}/dashboard/pending?lang=${l}">${t(l, 'pending.filters.reset')}</a></p>
</form></section>`
}

function decisionForm(view: PageView, item: PendingItem, filters: PendingFilters): Html {
  const l = view.lang
  const id = `r-${item.messageId}`
  const hidden = Object.entries({ ...filterQuery(filters), lang: l }).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)
  return html`<form method="post" action="/${view.env}/dashboard/pending/${item.messageId}/decision" class="decision">
<input type="hidden" name="csrf" value="${view.csrf ?? ''}">${hidden}
<fieldset><legend>${t(l, 'pending.decide.legend')}</legend>
<label for="${id}">${t(l, 'pending.decide.reason')}</label><br><textarea id="${id}" name="reason" rows="2" maxlength="500" style="width:100%"></textarea><br>
<button type="submit" name="decision" value="ACCEPTED">${t(l, 'pending.decide.accept')}</button> <button type="submit" name="decision" value="REFUSED" style="background:#fff;color:#0b3d91">${t(l, 'pending.decide.refuse')}</button>
</fieldset></form>`
}

function itemSection(view: PageView, item: PendingItem, filters: PendingFilters): Html {
  const l = view.lang
  const f = fmt(l)
  const finding = item.finding
    ? html`<dl><dt>${t(l, 'exports.columns.blinkerId')}</dt><dd><code>${item.blinkerId}</code></dd>
<dt>${t(l, 'pending.item.findingPeriod')}</dt><dd>${f.date(item.finding.periodStart)}${item.finding.periodEnd ? html` – ${f.date(item.finding.periodEnd)}` : ''}</dd>
${item.finding.amountCents === undefined ? '' : html`<dt>${t(l, 'pending.item.amount')}</dt><dd>${f.number(item.finding.amountCents / 100, 2)} €</dd>`}
<dt>${t(l, 'exports.columns.finding')}</dt><dd>${item.finding.description}</dd></dl>`
    : html`<p class="muted">${t(l, 'pending.item.missingBlinker')} <code>${item.blinkerId}</code></p>`
  return html`<section class="pending-item" id="m-${item.messageId}" data-message-id="${item.messageId}" aria-labelledby="h-${item.messageId} id-${item.messageId}">
<h2 id="h-${item.messageId}"><a href="/${view.env}/dashboard/cpas/${item.cpasKbo}">${item.cpasName}</a> — ${flowLabel(l, item.flow)}</h2>
<p class="muted">${t(l, 'pending.item.received', { date: f.dateTime(item.receivedAt), days: f.number(item.ageDays) })} · <code id="id-${item.messageId}">${item.messageId}</code></p>
<h3>${t(l, 'pending.item.finding')}</h3>${finding}
<h3>${t(l, 'pending.item.answer')} (${item.softwareHouseName})</h3>
<p><b>${item.code}</b> — ${codeLabel(l, item.code)}</p>
<p>${item.comment ? html`<b>${t(l, 'pending.item.comment')}</b> <q>${item.comment}</q>` : html`<span class="muted">${t(l, 'pending.item.noComment')}</span>`}</p>
${decisionForm(view, item, filters)}
</section>`
}

function pager(view: PageView, page: PendingPage): Html {
  const l = view.lang
  const q = (extra: Record<string, string>) => new URLSearchParams({ ...filterQuery(page.filters), lang: l, ...extra }).toString()
  const first = page.after ? html`<a href="/${view.env}/dashboard/pending?${q({})}">${t(l, 'pending.first')}</a> ` : ''
  const next = page.next ? html`<a rel="next" href="/${view.env}/dashboard/pending?${q({ after: page.next })}">${t(l, 'pending.next')}</a>` : ''
  return html`<p class="pager">${first}${next}</p>`
}

export function pendingPageBody(view: PageView, page: PendingPage, notice?: Notice): Html {
  const l = view.lang
  const note = notice ? html`<section class="wide notice ${notice.ok ? 'good' : 'warn'}" id="notice" role="status"><p>${t(l, notice.key, notice.params)}</p></section>` : ''
  const list = page.items.length
    ? page.items.map((item) => itemSection(view, item, page.filters))
    : html`<section class="wide" id="empty"><p>${t(l, 'pending.empty')}</p></section>`
  const base = `/${view.env}/dashboard/pending`
  return html`${note}<section class="wide" id="intro"><p>${t(l, 'pending.intro')}</p><p class="muted" id="count">${t(l, 'pending.shown', { count: fmt(l).number(page.items.length) })}</p>${exportLinks(view, base, filterQuery(page.filters))}${pager(view, page)}</section>
${filterForm(view, page)}${list}${page.next || page.after ? html`<section class="wide">${pager(view, page)}</section>` : ''}`
}
