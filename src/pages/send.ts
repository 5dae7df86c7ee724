/**
 * Sending pages: every HTML answer carries the strict CSP (no script, no external resource, forms
 * only to this origin, never framed), no-store and nosniff; a `?lang=` choice is remembered
 * (cookie bgw_lang). Errors of the pages are HTML pages in the chosen language (contract 9),
 * never problem+json, when a browser asks.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { html } from '../dashboard/html.js'
import { toGatewayError } from '../ingress/error-mapping.js'
import { problemErrorHandler } from '../ingress/rest/problem-handler.js'
import { queryLang, rememberLang, t } from '../i18n/index.js'
import { scrubClientText } from '../security/niss-scrub.js'
import { renderPage } from './layout.js'
import { pageView } from './page-view.js'

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/** Whether the request asks for a page (a browser) rather than JSON (an API client). */
export const wantsHtml = (request: FastifyRequest): boolean => /text\/html/.test(String(request.headers.accept ?? ''))

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  const chosen = queryLang(reply.request.url)
  if (chosen) rememberLang(reply, pageView(reply.request).env, chosen)
  return reply.code(status).header('content-security-policy', CSP).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8').send(body)
}

/** An error page: `messageKey` (a catalogue key, e.g. `errors.notFound`) in the request's language. */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, messageKey: string, params?: Record<string, string | number>): FastifyReply {
  // The switch leads to the same path without the refused query: nothing of it is echoed back.
  const view = { ...pageView(request), query: {} }
  const body = html`<section class="wide" id="error" data-status="${status}"><p>${t(view.lang, messageKey, params)}</p><p><a href="/${view.env}/dashboard">${t(view.lang, 'common.backToDashboard')}</a></p></section>`
  return sendHtml(reply, status, renderPage(view, { title: t(view.lang, 'errors.title', { status }), body }))
}

/** The query parameters a refused request named (`querystring:/period` → `period`), for the message. */
export function badParameters(paths: readonly (string | undefined)[]): string {
  const names = paths.map((p) => scrubClientText((p ?? '').replace(/^[a-z]+:/, '').replace(/^\//, ''))).filter((n) => n !== '')
  return [...new Set(names)].join(', ') || '?'
}

const MESSAGE_BY_STATUS: Record<number, string> = { 400: 'errors.badQuery', 401: 'errors.unauthenticated', 403: 'errors.forbidden', 404: 'errors.notFound', 429: 'errors.tooManyRequests' }

/**
 * A route `errorHandler` for pages: a bad query (400) or a missing thing (404) is an HTML error
 * page in the chosen language whoever asks (the path is a page); 401, 403, 429 and 5xx are HTML
 * for a browser (Accept: text/html) and problem+json for an API client, as everywhere else.
 */
export function pageErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = toGatewayError(err)
  const status = internal ? 500 : error.status
  if (status !== 400 && status !== 404 && !wantsHtml(request)) return problemErrorHandler(err, request, reply)
  if (internal) request.log.error({ err }, 'unexpected error')
  if (error.headers) reply.headers(error.headers)
  const key = MESSAGE_BY_STATUS[status] ?? 'errors.internal'
  return sendErrorPage(request, reply, status, key, status === 400 ? { detail: badParameters(error.errors?.map((e) => e.path) ?? []) } : undefined)
}

/** A path under /{env}/dashboard: a page path. */
export const isPagePath = (url: string): boolean => /^\/[^/?]+\/dashboard(?:[/?]|$)/.test(url)

type NotFound = (request: FastifyRequest, reply: FastifyReply) => FastifyReply

/**
 * Wraps the gateway's not-found handler: a browser asking for a page path that does not exist
 * gets an HTML error page in its language (contract 9); everything else — API clients, other
 * paths, a page path that only takes another method (405) — goes to `fallback`.
 */
export function pageAwareNotFound(fallback: NotFound, routes?: { allowed(url: string): readonly string[] | undefined }): NotFound {
  return (request, reply) => {
    if (!wantsHtml(request) || !isPagePath(request.url) || routes?.allowed(request.url)) return fallback(request, reply)
    return sendErrorPage(request, reply, 404, 'errors.notFound')
  }
}
