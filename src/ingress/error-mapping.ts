/**
 * Turns anything thrown in a request into a GatewayError: our own pass through, Fastify's and
 * ioredis' well-known errors get their contract code, anything else becomes GW_ERR_INTERNAL with
 * no detail (the original is logged, never sent). Shared by the REST and SOAP renderers.
 */
import { GatewayError, isGatewayError, type FieldError } from '../errors.js'

interface FastifyLikeError extends Error {
  code?: string
  statusCode?: number
  validation?: { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }[]
  validationContext?: string
}

const REDIS_DOWN = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Command timed out|MaxRetriesPerRequest|enableOfflineQueue|Reached the max retries|LOADING|READONLY|MISCONF/

// Redis refusing a command's arguments (a stream id, an integer, a float, a range out of bounds):
// the only way request data can make Redis answer an error. Other replies (WRONGTYPE, NOSCRIPT,
// a script's own error) are the gateway's defects and stay 500.
const REDIS_REFUSED_ARGUMENT = /^ERR (Invalid stream ID|invalid (start|end) ID|The ID specified|value is not an integer|value is not a valid float|min or max is not a float|min or max not valid|increment or decrement would overflow|.*out of range|.*(invalid|negative|not an integer) .*(count|limit|offset|timeout|expire))/i

/**
 * True when Redis refused a command because of a value in it (ioredis ReplyError): request data
 * that slipped past validation. The caller gets 400, never GW_ERR_INTERNAL; a Redis outage is
 * isStoreUnavailable (503).
 */
export const isRefusedArgument = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ReplyError' && REDIS_REFUSED_ARGUMENT.test(err.message)

/** True when the error says Redis did not take the command: the caller gets 503, not 500. */
export const isStoreUnavailable = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(err.message))

export function toGatewayError(err: unknown): { error: GatewayError; internal: boolean } {
  if (isGatewayError(err)) return { error: err, internal: false }
  const e = err as FastifyLikeError
  if (e?.validation) {
    const where = e.validationContext ?? 'body'
    const errors: FieldError[] = e.validation.map((v) => {
      let path = v.instancePath ?? ''
      if (v.keyword === 'required' && v.params?.missingProperty) path += `/${String(v.params.missingProperty)}`
      if (v.keyword === 'additionalProperties' && v.params?.additionalProperty) path += `/${String(v.params.additionalProperty)}`
      return { path: `${where}:${path === '' ? '/' : path}`, message: v.message ?? 'is invalid' }
    })
    const code = where === 'body' ? 'GW_ERR_VALIDATION' : 'GW_ERR_BAD_PARAMETER'
    return { error: new GatewayError(code, `Invalid ${where}`, errors), internal: false }
  }
  // The client went away mid-body, or was cut off by HTTP_REQUEST_TIMEOUT_MS (Node's own 'aborted'
  // reset of the request stream): its doing, not a defect; nobody is left to read the answer.
  if (e?.code === 'ECONNRESET' && e.message === 'aborted') {
    return { error: new GatewayError('GW_ERR_MALFORMED_REQUEST', 'The connection closed before the request body was complete'), internal: false }
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: new GatewayError('GW_ERR_MALFORMED_JSON', e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'Body is empty' : 'Body is not valid JSON'), internal: false }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new GatewayError('GW_ERR_PAYLOAD_TOO_LARGE'), internal: false }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', 'Content type not accepted here; see the endpoint documentation'), internal: false }
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { error: new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE'), internal: false }
  }
  // secure-json-parse refuses __proto__ / constructor.prototype keys.
  if (e instanceof SyntaxError && /prototype|__proto__/i.test(e.message)) {
    return { error: new GatewayError('GW_ERR_MALFORMED_JSON', 'Object keys __proto__ and constructor.prototype are not allowed'), internal: false }
  }
  if (e?.statusCode === 400 && e instanceof SyntaxError) return { error: new GatewayError('GW_ERR_MALFORMED_JSON', 'Body is not valid JSON'), internal: false }
  if (e?.statusCode === 413) return { error: new GatewayError('GW_ERR_PAYLOAD_TOO_LARGE'), internal: false }
  if (e?.statusCode === 415) return { error: new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE'), internal: false }
  if (isStoreUnavailable(err)) return { error: new GatewayError('GW_ERR_STORE_UNAVAILABLE'), internal: false }
  // Not "internal": the caller sent a value out of range. Logged at warn by the renderers (a check
  // is missing in front of that command), answered without Redis's message.
  if (isRefusedArgument(err)) return { error: new GatewayError('GW_ERR_BAD_PARAMETER', 'A request value is out of the range the store accepts'), internal: false }
  return { error: new GatewayError('GW_ERR_INTERNAL', 'Internal error; it has been logged'), internal: true }
}
