/**
 * The login page (name + password, and "log in with the identity provider" where OIDC is set) and
 * the small pages of the login flow, in the chosen language, inside the pages' shared layout.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { html, type Html } from '../dashboard/html.js'
import { t } from '../i18n/index.js'
import { renderPage } from '../pages/layout.js'
import { pageView } from '../pages/page-view.js'
import { sendHtml } from '../pages/send.js'
import type { Accounts } from './accounts.js'

export interface LoginPageOptions {
  /** i18n key of the message above the form. */
  message?: string
  params?: Record<string, string | number>
  /** The message is an error (red, role=alert), not a notice. */
  error?: boolean
  /** Where to go after login (already checked by safeNext). */
  next?: string
  /** The name typed, kept when the form comes back. */
  name?: string
}

export function loginPage(request: FastifyRequest, accounts: Accounts, opts: LoginPageOptions = {}): string {
  const view = pageView(request)
  const { lang, env } = view
  const L = (key: string, params?: Record<string, string | number>) => t(lang, `login.${key}`, params)
  const message: Html | string = opts.message ? html`<p class="${opts.error ? 'bad' : 'muted'}" id="login-${opts.error ? 'error' : 'message'}" role="${opts.error ? 'alert' : 'status'}">${t(lang, opts.message, opts.params)}</p>` : ''
  const next = opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''
  const local = accounts.inspectors.byId.size > 0
  const form = local
    ? html`<form method="post" action="/${env}/dashboard/login?lang=${lang}" id="login-form">${next}
<p><label for="login-name">${L('name')}</label><br><input id="login-name" name="name" autocomplete="username" required maxlength="64" value="${opts.name ?? ''}" aria-describedby="login-name-hint"> <span class="muted" id="login-name-hint">${L('nameHint')}</span></p>
<p><label for="login-password">${L('password')}</label><br><input id="login-password" type="password" name="password" autocomplete="current-password" required maxlength="1024"></p>
<p><button type="submit">${L('submit')}</button></p></form>`
    : html`<p class="muted">${L('noAccounts')}</p>`
  const oidcHref = `/${env}/dashboard/login/oidc${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`
  const oidc = accounts.oidc ? html`${local ? html`<p class="muted">${L('or')}</p>` : ''}<p><a href="${oidcHref}" id="login-oidc">${L('oidc')}</a></p>` : ''
  const note = html`<p class="muted">${L('sessionNote', { idle: accounts.limits.idleMs / 60_000, max: accounts.limits.absoluteMs / 3_600_000 })}</p>`
  const body = html`<section id="login">${message}${form}${oidc}${note}</section>`
  return renderPage(view, { title: L('heading'), body })
}

export function sendLoginPage(request: FastifyRequest, reply: FastifyReply, accounts: Accounts, status: number, opts: LoginPageOptions = {}): FastifyReply {
  return sendHtml(reply, status, loginPage(request, accounts, opts))
}

/** After an OIDC login: a page that moves on by itself (see oidc-routes.ts for why not a 303). */
export function continuePage(request: FastifyRequest, name: string, next: string): string {
  const view = pageView(request)
  const body = html`<section id="login-done"><p><a href="${next}" id="login-continue">${t(view.lang, 'login.continue')}</a></p></section>`
  return renderPage(view, { title: t(view.lang, 'login.welcome', { name }), body }).replace('<head>', `<head><meta http-equiv="refresh" content="0;url=${html`${next}`.value}">`)
}
