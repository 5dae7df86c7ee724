/** The REST error renderer: every failure leaves as application/problem+json (RFC 9457). */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { countRefusedRequest } from '../../barometer/counters-points.js'
import { GatewayError, toProblem } from '../../errors.js'
import { isRefusedArgument, toGatewayError } from '../error-mapping.js'
import type { RouteMethods } from '../route-methods.js'

export function sendProblem(reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.headers) reply.headers(error.headers)
  return reply.code(error.status).type('application/problem+json').send(toProblem(error))
}

export function problemErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = toGatewayError(err)
  if (internal) request.log.error({ err }, 'unexpected error')
  // A value Redis refused is the caller's 400, but a check is missing: worth a warning.
  else if (error.status >= 500 || isRefusedArgument(err)) request.log.warn({ code: error.code, reason: err.message }, 'request failed')
  // The barometer's technical refusals of a software house (counted in memory, no Redis call here).
  countRefusedRequest(request, error.code)
  return sendProblem(reply, error)
}

/**
 * No route for the method and path: 405 with `Allow` when the path takes other methods, else 404.
 * The detail never repeats the path (a client's text, where a NISS can hide).
 */
export function notFoundHandler(routes: RouteMethods): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (request, reply) => {
    const allowed = routes.allowed(request.url)
    // A route that takes this method can still call the not-found handler (a missing static file).
    if (allowed && !allowed.includes(request.method)) {
      const allow = allowed.join(', ')
      return sendProblem(reply, new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', `This path does not take ${request.method}; it takes ${allow}`, undefined, { allow }))
    }
    return sendProblem(reply, new GatewayError('GW_ERR_NOT_FOUND', 'No route for this path on this gateway; see GET /docs'))
  }
}
