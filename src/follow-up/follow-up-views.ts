/**
 * HTML fragments of the follow-ups, shared by the follow-up pages, the dashboard (followUpPanel)
 * and the CPAS page (followUpSection): the "CPAS at or above 5 %" headline with its trend, the
 * list of follow-ups with their trajectory charts and target flag, and the CPAS above 10 % without
 * a follow-up, each with a form that opens one (POST with the session's CSRF token).
 */
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import { html, type Html } from '../dashboard/html.js'
import { fmt, t, type Lang } from '../i18n/index.js'
import { tableBox, type PageView } from '../pages/layout.js'
import type { CpasRate } from '../statistics/compute.js'
import { listCpasFollowUps } from './follow-up-service.js'
import { followUpOverview, type HeadlinePoint } from './follow-up-overview.js'
import type { FollowUp } from './model.js'
import { trajectoryFigure } from './trajectory-chart.js'

export const pagesBase = (view: Pick<PageView, 'env'>) => `/${view.env}/dashboard`
export const statusText = (lang: Lang, status: string) => t(lang, `followUp.status.${status}`)
const csrfField = (view: PageView) => html`<input type="hidden" name="csrf" value="${view.csrf ?? ''}">`

/** "CPAS at or above 5 %: n (trend)", the trend as the change since the first period and every period's figure. */
export function headline(view: PageView, points: readonly HeadlinePoint[]): Html {
  const lang = view.lang
  const last = points.at(-1)
  if (!last) return html`<p class="muted" id="fu-headline">${t(lang, 'followUp.headline.noData')}</p>`
  const first = points[0] as HeadlinePoint
  const delta = last.atOrAbove5 - first.atOrAbove5
  const trendKey = points.length < 2 ? 'single' : delta < 0 ? 'down' : delta > 0 ? 'up' : 'flat'
  const trend = t(lang, `followUp.headline.trend.${trendKey}`, { n: fmt(lang).number(Math.abs(delta)), period: first.period })
  const cls = delta < 0 ? 'good' : delta > 0 ? 'bad' : 'muted'
  return html`<div class="kpi" id="fu-headline" data-count="${last.atOrAbove5}" data-delta="${delta}"><span class="muted">${t(lang, 'followUp.headline.label', { period: last.period })}</span>
<b>${t(lang, 'followUp.headline.value', { n: fmt(lang).number(last.atOrAbove5), rated: fmt(lang).number(last.rated) })}</b><span class="${cls}">${trend}</span>
<span class="muted"> · ${points.map((p) => `${p.period}: ${fmt(lang).number(p.atOrAbove5)}`).join(' · ')}</span></div>`
}

/** The follow-ups as a table: id, CPAS, status, period, latest rate, trajectory, target flag. */
export function followUpTable(view: PageView, items: readonly FollowUp[], names: ReadonlyMap<string, string>, id = 'follow-ups'): Html {
  const lang = view.lang
  const f = fmt(lang)
  if (items.length === 0) return html`<p class="muted" id="${id}">${t(lang, 'followUp.none')}</p>`
  const base = pagesBase(view)
  const rows = items.map((fu) => {
    const name = names.get(fu.cpasKbo) ?? fu.cpasKbo
    const latest = fu.trajectory.filter((p) => p.rate !== null).at(-1)
    const label = t(lang, 'followUp.chart.label', { name })
    return html`<tr data-id="${fu.id}" data-status="${fu.status}" data-target-met="${String(fu.targetMet)}"><td><a href="${base}/follow-ups/${fu.id}">${fu.id}</a></td>
<td><a href="${base}/cpas/${fu.cpasKbo}">${name}</a><br><span class="muted">${fu.cpasKbo}</span></td><td>${statusText(lang, fu.status)}</td><td>${fu.period}</td>
<td class="num">${f.percent(latest?.rate ?? null)}</td><td>${trajectoryFigure(lang, fu.trajectory, label)}</td>
<td class="${fu.targetMet ? 'good' : 'bad'}">${t(lang, fu.targetMet ? 'followUp.target.met' : 'followUp.target.notMet')}</td></tr>`
  })
  const c = (key: string, num = false) => html`<th scope="col"${num ? html` class="num"` : ''}>${t(lang, `followUp.col.${key}`)}</th>`
  return tableBox(
    t(lang, 'followUp.list.title', { n: items.length }),
    html`<table id="${id}"><thead><tr>${c('id')}${c('cpas')}${c('status')}${c('period')}${c('latest', true)}${c('trajectory')}${c('target')}</tr></thead><tbody>${rows}</tbody></table>`,
  )
}

/** The form that opens a follow-up for one CPAS (reason prefilled, editable). */
export function openForm(view: PageView, kbo: string, period: string, rate: number | null): Html {
  const lang = view.lang
  const reason = t(lang, 'followUp.open.defaultReason', { period, rate: fmt(lang).percent(rate) })
  return html`<form method="post" action="${pagesBase(view)}/follow-ups" class="open-follow-up">${csrfField(view)}<input type="hidden" name="cpasKbo" value="${kbo}"><input type="hidden" name="period" value="${period}">
<label>${t(lang, 'followUp.open.reason')} <input type="text" name="reason" value="${reason}" maxlength="2000" required></label> <button type="submit">${t(lang, 'followUp.open.button')}</button></form>`
}

/** CPAS above 10 % in the latest period without an active follow-up, each with the form. */
export function flaggedTable(view: PageView, period: string | undefined, flagged: readonly CpasRate[], names: ReadonlyMap<string, string>, limit = Infinity): Html {
  const lang = view.lang
  if (!period || flagged.length === 0) return html`<p class="good" id="flagged">${t(lang, 'followUp.flagged.none')}</p>`
  const rows = flagged.slice(0, limit).map(
    (c) => html`<tr data-kbo="${c.cpasKbo}"><td><a href="${pagesBase(view)}/cpas/${c.cpasKbo}">${names.get(c.cpasKbo) ?? c.cpasKbo}</a><br><span class="muted">${c.cpasKbo}</span></td><td class="num bad">${fmt(lang).percent(c.rate)}</td><td>${openForm(view, c.cpasKbo, period, c.rate)}</td></tr>`,
  )
  const more = flagged.length > limit ? html`<p><a href="${pagesBase(view)}/follow-ups#flagged">${t(lang, 'followUp.flagged.more', { n: flagged.length - limit })}</a></p>` : ''
  return html`${tableBox(t(lang, 'followUp.flagged.title', { period, n: flagged.length }), html`<table id="flagged"><thead><tr><th scope="col">${t(lang, 'followUp.col.cpas')}</th><th scope="col" class="num">${t(lang, 'followUp.col.rate')}</th><th scope="col">${t(lang, 'followUp.col.open')}</th></tr></thead><tbody>${rows}</tbody></table>`)}${more}`
}

/** Most follow-ups and flagged CPAS the dashboard panel lists (the follow-ups page lists all). */
export const PANEL_ROWS = 20

/** The dashboard's follow-up panel: the headline, the active follow-ups, the flagged CPAS. */
export async function followUpPanel(ctx: EnvContext, view: PageView): Promise<string> {
  const o = await followUpOverview(ctx)
  const active = o.followUps.filter((f) => f.status !== 'CLOSED')
  const names = await cpasNames(ctx, [...active.map((f) => f.cpasKbo), ...o.flagged.slice(0, PANEL_ROWS).map((c) => c.cpasKbo)], view.lang)
  const lang = view.lang
  return html`<section id="follow-up-panel" class="wide"><h2>${t(lang, 'followUp.panel.title')}</h2><div class="kpis">${headline(view, o.headline)}</div>
<p class="muted">${t(lang, 'followUp.target.rule')}</p>
<h3>${t(lang, 'followUp.panel.active', { n: active.length })}</h3>${followUpTable(view, active.slice(0, PANEL_ROWS), names, 'panel-follow-ups')}
<p><a href="${pagesBase(view)}/follow-ups">${t(lang, 'followUp.panel.all', { n: o.followUps.length })}</a></p>
<h3 class="bad">${t(lang, 'followUp.flagged.title', { period: o.latestPeriod ?? '–', n: o.flagged.length })}</h3>${flaggedTable(view, o.latestPeriod, o.flagged, names, PANEL_ROWS)}</section>`.value
}

/** The follow-ups of one CPAS, for the CPAS page; a form to open one when none is active. */
export async function followUpSection(ctx: EnvContext, kbo: string, view: PageView): Promise<string> {
  const lang = view.lang
  const items = await listCpasFollowUps(ctx, kbo)
  const names = await cpasNames(ctx, [kbo], lang)
  const active = items.some((f) => f.status !== 'CLOSED')
  const o = active ? undefined : await followUpOverview(ctx)
  const latest = o?.latestPeriod
  const rate = o?.above10.find((c) => c.cpasKbo === kbo)?.rate ?? null
  return html`<section id="follow-up-section"><h2>${t(lang, 'followUp.section.title', { n: items.length })}</h2>
${items.length === 0 ? html`<p class="muted">${t(lang, 'followUp.section.none')}</p>` : followUpTable(view, items, names, 'cpas-follow-ups')}
${!active && latest ? html`<h3>${t(lang, 'followUp.open.button')}</h3>${openForm(view, kbo, latest, rate)}` : ''}</section>`.value
}
