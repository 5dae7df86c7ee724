/**
 * Errors of the workspace pages as HTML pages in the chosen language (contract section 9: a path
 * or query the pages cannot serve is an HTML error page, never problem+json), with the status of
 * the contract's error (400, 401, 403, 404, 429, 503 …). Only an API client refused by the auth
 * layer (401/403 without Accept: text/html) gets problem+json, as on the dashboard.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { toGatewayError } from '../ingress/error-mapping.js'
import { problemErrorHandler } from '../ingress/rest/problem-handler.js'
import { sendErrorPage, wantsHtml } from '../pages/send.js'
import { PageQueryError } from './page-query.js'

export function workspaceErrorHandler(err: FastifyError | PageQueryError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof PageQueryError) return sendErrorPage(request, reply, 400, 'errors.badQuery', { detail: err.param })
  const { error, internal } = toGatewayError(err as FastifyError)
  // An API client (no text/html) refused by the auth layer gets the usual problem+json, as on the dashboard.
  if ((error.status === 401 || error.status === 403) && !wantsHtml(request)) return problemErrorHandler(err as FastifyError, request, reply)
  if (internal) request.log.error({ err }, 'unexpected error')
  if (error.headers) reply.headers(error.headers)
  const s = error.status
  const key = s === 401 ? 'errors.unauthenticated' : s === 403 ? 'errors.forbidden' : s === 404 ? 'errors.notFound' : s === 429 ? 'errors.tooManyRequests' : s >= 500 ? 'errors.internal' : 'errors.badQuery'
  return sendErrorPage(request, reply, s, key, { detail: error.errors?.map((e) => e.path ?? '').join(', ') || error.message })
}

/** A urlencoded form as a flat record (the last value of a repeated name wins). */
export const parseFlatForm = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body))
