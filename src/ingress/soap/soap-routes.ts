/**
 * The SOAP adapter of one environment (contract section 6), registered under /{env} after the
 * auth hooks. The whole pipeline of a call, in order:
 *   1. auth hook (env-routes): Bearer token of this environment, role software-house or inspection
 *   2. body parser: an XML content type gives a UTF-8 string (JSON or other types: 415 Fault)
 *   3. readSoapRequest: safety gate → parse → SOAP 1.1 Envelope/Body → known <Operation>Request
 *      → SOAPAction matches → XSD-valid → mapped to the model (document disposed here)
 *   3b. checkSoapSecurity: WS-Security signature when the party requires it or sends one;
 *      mustUnderstand header blocks the gateway does not process are refused
 *   4. the operation's roles, then its handler (operations.ts registry)
 *   5. the <Operation>Response envelope; any error at any stage leaves as a SOAP 1.1 Fault
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../../context.js'
import { GatewayError } from '../../errors.js'
import { requireRole } from '../rest/auth.js'
import { readSoapRequest, writeSoapResponse } from './envelope.js'
import { SOAP_CONTENT_TYPE, soapFaultHandler } from './fault.js'
import { soapOperation, type SoapOperation, type SoapOperationName } from './operations.js'
import { soapAddress, wsdlFor } from './wsdl.js'
import { checkSoapSecurity } from '../../security/ws-security.js'
import { authThrottleLimits, throttleAuthError } from '../../security/auth-throttle.js'
import { noteAuditOperation } from '../../security/audit-trail.js'

export interface SoapRoutesOptions {
  /** The environment this /{env}/soap endpoint serves (no default). */
  envCtx: EnvContext
}

const wantsWsdl = (query: unknown): boolean =>
  typeof query === 'object' && query !== null && Object.keys(query).some((k) => k.toLowerCase() === 'wsdl')

export async function soapRoutes(app: FastifyInstance, opts: SoapRoutesOptions): Promise<void> {
  app.setErrorHandler(soapFaultHandler)

  app.get('/soap', { config: { roles: 'public' } }, async (request, reply) => {
    if (!wantsWsdl(request.query)) {
      throw new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'GET serves only the WSDL (add ?wsdl); SOAP calls are POSTed', undefined, { allow: 'GET, POST' })
    }
    return reply.type(SOAP_CONTENT_TYPE).header('cache-control', 'public, max-age=300').send(wsdlFor(soapAddress(request, opts.envCtx)))
  })

  app.post('/soap', { config: { roles: ['software-house', 'inspection'] } }, async (request, reply) => {
    if (request.body === undefined || request.body === null || request.body === '') {
      throw new GatewayError('GW_ERR_SOAP_ENVELOPE', 'Empty body; a SOAP 1.1 envelope (Content-Type: text/xml) is required')
    }
    if (typeof request.body !== 'string') {
      throw new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', 'SOAP calls must be XML (Content-Type: text/xml; charset=utf-8)')
    }
    const call = readSoapRequest(request.body, request.headers.soapaction)
    // WS-Security (signature, timestamp, replay) and mustUnderstand headers: src/security/ws-security.ts.
    // A failed signature names its party: counted per (address, party) and per address (auth-throttle.ts).
    await checkSoapSecurity(request.body, request.party, opts.envCtx).catch(async (err: unknown) => {
      throw await throttleAuthError(opts.envCtx.redis, opts.envCtx.keys, { address: request.ip, partyId: request.party.id }, authThrottleLimits(opts.envCtx.config), err)
    })
    noteAuditOperation(request, call.operation, call.input)
    // Typed per operation in operations.ts; here one code path serves all four.
    const operation = soapOperation(call.operation) as SoapOperation<SoapOperationName> | undefined
    if (!operation) {
      throw new GatewayError('GW_ERR_SOAP_ACTION', `${call.operation}: operation not available yet on this gateway (declared in the WSDL, not implemented)`)
    }
    requireRole(request.party, operation.roles)
    const output = await operation.handle(call.input as never, { party: request.party, envCtx: opts.envCtx, request })
    return reply.type(SOAP_CONTENT_TYPE).send(writeSoapResponse(call.operation, output))
  })
}
