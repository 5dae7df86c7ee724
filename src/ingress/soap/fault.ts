/**
 * SOAP 1.1 Faults (contract section 7): `soap:Client` when the caller can fix the request (4xx),
 * `soap:Server` otherwise; faultstring is the GatewayError's detail; `<detail>` holds
 * `<gw:gatewayError>` (declared in the XSD) with the same GW_ERR code and errors as REST. The HTTP
 * status is the contract's (400, 401, 403, 413, ...), not SOAP 1.1's customary 500, so HTTP-level
 * tooling sees the same statuses on both syntaxes. Never a stack trace: only GatewayError text.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { countRefusedRequest } from '../../barometer/counters-points.js'
import { publicTexts, type GatewayError } from '../../errors.js'
import { escapeXmlText, modelToXml } from '../../validation/xml-mapping.js'
import { isRefusedArgument, toGatewayError } from '../error-mapping.js'
import { soapEnvelope } from './envelope.js'

export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8'

/** The whole Fault envelope of an error. */
export function faultEnvelope(error: GatewayError): string {
  // SOAP 1.1 section 4.4.1 names its own fault code for a header block not understood.
  const faultcode = error.code === 'GW_ERR_SOAP_MUST_UNDERSTAND' ? 'soap:MustUnderstand' : error.status >= 500 ? 'soap:Server' : 'soap:Client'
  // The same texts as a problem document: no NISS echoed (errors.ts publicTexts).
  const texts = publicTexts(error)
  const detail = modelToXml('gatewayError', { code: error.code, message: texts.detail, errors: texts.errors ?? [] }, { declareNamespace: false })
  return soapEnvelope(
    `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXmlText(texts.detail)}</faultstring><detail>${detail}</detail></soap:Fault>`,
  )
}

export function sendFault(reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.headers) reply.headers(error.headers)
  return reply.code(error.status).type(SOAP_CONTENT_TYPE).send(faultEnvelope(error))
}

/**
 * The SOAP subtree's error handler: everything thrown there, including 401/403 from the auth hook
 * and 413/415 from the body parsers, leaves as a Fault.
 */
export function soapFaultHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = toGatewayError(err)
  if (internal) request.log.error({ err }, 'unexpected error')
  // A value Redis refused is the caller's 400, but a check is missing: worth a warning.
  else if (error.status >= 500 || isRefusedArgument(err)) request.log.warn({ code: error.code, reason: err.message }, 'request failed')
  // The barometer's technical refusals of a software house (counted in memory, no Redis call here).
  countRefusedRequest(request, error.code)
  return sendFault(reply, error)
}
