/**
 * The body of one follow-up's page: the CPAS and its trajectory (chart and table, target flag),
 * the visits with their findings and a form to add one, the improvement plan (actions) with forms
 * to add an action and mark one done or to do again, the status with the one move allowed, and
 * the history (who changed what, when). Every form POSTs to the same page with the CSRF token and
 * an `op`; the page answers 303 back here (post/redirect/get).
 */
import { html, type Html } from '../dashboard/html.js'
import { fmt, t } from '../i18n/index.js'
import { tableBox, type PageView } from '../pages/layout.js'
import { FINDINGS, FOLLOW_UP_STATUSES, type FollowUp, type FollowUpHistoryEntry } from './model.js'
import { trajectoryFigure } from './trajectory-chart.js'
import { pagesBase, statusText } from './follow-up-views.js'

const csrfField = (view: PageView) => html`<input type="hidden" name="csrf" value="${view.csrf ?? ''}">`

function form(view: PageView, fu: FollowUp, op: string, inner: Html, cls = ''): Html {
  return html`<form method="post" action="${pagesBase(view)}/follow-ups/${fu.id}" class="${cls}">${csrfField(view)}<input type="hidden" name="op" value="${op}">${inner}</form>`
}

function historyText(view: PageView, h: FollowUpHistoryEntry): string {
  const lang = view.lang
  const params = {
    from: h.from ? statusText(lang, h.from) : '',
    to: h.status ? statusText(lang, h.status) : '',
    fields: (h.fields ?? []).map((f) => t(lang, `followUp.action.field.${f}`)).join(', '),
  }
  return t(lang, `followUp.history.${h.change}`, params)
}

function visitsPart(view: PageView, fu: FollowUp): Html {
  const lang = view.lang
  const f = fmt(lang)
  const list =
    fu.visits.length === 0
      ? html`<p class="muted">${t(lang, 'followUp.visit.none')}</p>`
      : html`<ul id="visits">${fu.visits.map(
          (v) => html`<li data-visit="${v.id}"><b>${f.date(v.date)}</b> — ${v.inspector}: ${v.findings.length === 0 ? t(lang, 'followUp.visit.noFindings') : v.findings.map((x) => t(lang, `followUp.finding.${x}`)).join('; ')}${v.notes ? html`<br><span class="muted">${v.notes}</span>` : ''}</li>`,
        )}</ul>`
  if (fu.status === 'CLOSED') return html`<section id="visits-section"><h2>${t(lang, 'followUp.visit.title', { n: fu.visits.length })}</h2>${list}</section>`
  const boxes = FINDINGS.map((x) => html`<label><input type="checkbox" name="findings" value="${x}"> ${t(lang, `followUp.finding.${x}`)}</label><br>`)
  const add = form(
    view,
    fu,
    'visit',
    html`<fieldset><legend>${t(lang, 'followUp.visit.add')}</legend><label>${t(lang, 'followUp.visit.date')} <input type="date" name="date" required></label>
<label>${t(lang, 'followUp.visit.inspector')} <input type="text" name="inspector" value="${view.person?.name ?? ''}" maxlength="200" required></label>
<fieldset><legend>${t(lang, 'followUp.visit.findings')}</legend>${boxes}</fieldset>
<label>${t(lang, 'followUp.visit.notes')}<br><textarea name="notes" rows="3" maxlength="4000"></textarea></label><br><button type="submit">${t(lang, 'followUp.visit.submit')}</button></fieldset>`,
    'add-visit',
  )
  return html`<section id="visits-section"><h2>${t(lang, 'followUp.visit.title', { n: fu.visits.length })}</h2>${list}${add}</section>`
}

function actionsPart(view: PageView, fu: FollowUp): Html {
  const lang = view.lang
  const f = fmt(lang)
  const closed = fu.status === 'CLOSED'
  const rows = fu.actions.map(
    (a) => html`<tr data-action="${a.id}" data-done="${String(a.done)}"><td>${a.text}</td><td>${a.owner}</td><td>${f.date(a.dueDate)}</td><td class="${a.done ? 'good' : 'warn'}">${t(lang, a.done ? 'followUp.action.done' : 'followUp.action.todo')}</td>
<td>${closed ? '' : form(view, fu, 'toggle', html`<input type="hidden" name="actionId" value="${a.id}"><input type="hidden" name="done" value="${a.done ? 'false' : 'true'}"><button type="submit">${t(lang, a.done ? 'followUp.action.reopen' : 'followUp.action.markDone')}</button>`)}</td></tr>`,
  )
  const c = (key: string) => html`<th scope="col">${t(lang, `followUp.action.${key}`)}</th>`
  const table =
    fu.actions.length === 0
      ? html`<p class="muted">${t(lang, 'followUp.action.none')}</p>`
      : tableBox(t(lang, 'followUp.action.title', { n: fu.actions.length }), html`<table id="actions"><thead><tr>${c('text')}${c('owner')}${c('dueDate')}${c('state')}${c('change')}</tr></thead><tbody>${rows}</tbody></table>`)
  const add = closed
    ? ''
    : form(
        view,
        fu,
        'action',
        html`<fieldset><legend>${t(lang, 'followUp.action.add')}</legend><label>${t(lang, 'followUp.action.text')} <input type="text" name="text" maxlength="1000" required></label>
<label>${t(lang, 'followUp.action.owner')} <input type="text" name="owner" maxlength="200" required></label> <label>${t(lang, 'followUp.action.dueDate')} <input type="date" name="dueDate" required></label> <button type="submit">${t(lang, 'followUp.action.submit')}</button></fieldset>`,
        'add-action',
      )
  return html`<section id="actions-section"><h2>${t(lang, 'followUp.action.title', { n: fu.actions.length })}</h2>${table}${add}</section>`
}

function statusPart(view: PageView, fu: FollowUp): Html {
  const lang = view.lang
  const next = FOLLOW_UP_STATUSES[FOLLOW_UP_STATUSES.indexOf(fu.status) + 1]
  const steps = FOLLOW_UP_STATUSES.map((s) => (s === fu.status ? html`<b aria-current="step">${statusText(lang, s)}</b>` : html`<span>${statusText(lang, s)}</span>`))
  const move = next
    ? form(view, fu, 'status', html`<input type="hidden" name="status" value="${next}"><button type="submit">${t(lang, 'followUp.move.next', { status: statusText(lang, next) })}</button>`, 'move-status')
    : html`<p class="muted">${t(lang, 'followUp.move.final')}</p>`
  const hint = next === 'PLAN_AGREED' && fu.actions.length === 0 ? html`<p class="muted">${t(lang, 'followUp.move.needsAction')}</p>` : ''
  return html`<section id="status-section"><h2>${t(lang, 'followUp.detail.status')}</h2><p id="status" data-status="${fu.status}">${steps.map((s, i) => (i === 0 ? s : html` → ${s}`))}</p>${move}${hint}</section>`
}

/** The page body; `notice` is the outcome of the last form (success or a refusal's code). */
export function followUpDetail(view: PageView, fu: FollowUp, cpasName: string, notice?: { kind: 'ok' | 'error'; key: string }): Html {
  const lang = view.lang
  const f = fmt(lang)
  const base = pagesBase(view)
  const label = t(lang, 'followUp.chart.label', { name: cpasName })
  const history = fu.history.map((h) => html`<li><span class="muted">${f.dateTime(h.at)}</span> — ${historyText(view, h)} <span class="muted">(${t(lang, 'followUp.history.by', { by: h.byName ? `${h.byName} · ${h.by}` : h.by })})</span></li>`)
  return html`${notice ? html`<p class="wide ${notice.kind === 'ok' ? 'good' : 'bad'}" id="notice" role="status">${t(lang, notice.key)}</p>` : ''}
<section id="summary"><h2>${t(lang, 'followUp.detail.cpas')}</h2><p><a href="${base}/cpas/${fu.cpasKbo}">${cpasName}</a> <span class="muted">${fu.cpasKbo}</span></p>
<p>${t(lang, 'followUp.detail.opened', { when: f.dateTime(fu.openedAt), by: fu.openedBy, period: fu.period })}</p><p>${t(lang, 'followUp.detail.reason')}: ${fu.reason}</p>
<p id="target" data-target-met="${String(fu.targetMet)}" class="${fu.targetMet ? 'good' : 'bad'}">${t(lang, fu.targetMet ? 'followUp.target.met' : 'followUp.target.notMet')}</p>
<h3>${t(lang, 'followUp.detail.trajectory', { period: fu.period })}</h3>${trajectoryFigure(lang, fu.trajectory, label, true)}</section>
${statusPart(view, fu)}${visitsPart(view, fu)}${actionsPart(view, fu)}
<section id="history-section"><h2>${t(lang, 'followUp.detail.history')}</h2><ol id="history">${history}</ol><p><a href="${base}/follow-ups">${t(lang, 'followUp.detail.back')}</a></p></section>`
}
