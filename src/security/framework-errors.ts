/**
 * Fastify answers a few malformed requests before any route or error handler runs: a URL that is
 * not validly percent-encoded (FST_ERR_BAD_URL) and a path parameter over the router's
 * maxParamLength (FST_ERR_MAX_PARAM_LENGTH, a 414 with Fastify's own JSON). Through the
 * `frameworkErrors` option they leave like every other refusal: problem+json with a GW_ERR code,
 * no framework code or message.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors.js'
import { toGatewayError } from '../ingress/error-mapping.js'
import { sendProblem } from '../ingress/rest/problem-handler.js'

export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let error: GatewayError
  if (err.code === 'FST_ERR_BAD_URL') error = new GatewayError('GW_ERR_BAD_PARAMETER', 'The URL path is not validly percent-encoded')
  else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') error = new GatewayError('GW_ERR_BAD_PARAMETER', 'A path parameter is longer than the gateway accepts (200 characters)')
  else {
    const mapped = toGatewayError(err)
    if (mapped.internal) request.log.error({ err }, 'unexpected framework error')
    error = mapped.error
  }
  return sendProblem(reply, error)
}
