/** The REST error renderer: every failure leaves as application/problem+json (RFC 9457). */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError, toProblem } from '../../errors.js'
import { toGatewayError } from '../error-mapping.js'

export function sendProblem(reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.headers) reply.headers(error.headers)
  return reply.code(error.status).type('application/problem+json').send(toProblem(error))
}

export function problemErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = toGatewayError(err)
  if (internal) request.log.error({ err }, 'unexpected error')
  else if (error.status >= 500) request.log.warn({ code: error.code, reason: err.message }, 'request failed')
  return sendProblem(reply, error)
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, new GatewayError('GW_ERR_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`))
}
