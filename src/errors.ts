/**
 * The one registry of gateway errors (contract section 7). Each code is stable and published:
 * the README's error table is pinned to this object by tests/errors.test.ts.
 * REST turns a GatewayError into application/problem+json, SOAP into a Fault with the same code.
 */
import { maskNissText } from './security/niss-scrub.js'

export const ERRORS = {
  GW_ERR_MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  GW_ERR_MALFORMED_XML: { status: 400, title: 'Malformed XML body' },
  GW_ERR_XML_FORBIDDEN: { status: 400, title: 'DOCTYPE, entity declaration or entity reference not allowed in XML' },
  GW_ERR_VALIDATION: { status: 400, title: 'Message does not match its schema' },
  GW_ERR_BAD_PARAMETER: { status: 400, title: 'Invalid path or query parameter' },
  GW_ERR_SOAP_ENVELOPE: { status: 400, title: 'Not a SOAP 1.1 envelope this endpoint serves' },
  GW_ERR_SOAP_ACTION: { status: 400, title: 'Unknown or mismatched SOAP operation' },
  GW_ERR_SOAP_MUST_UNDERSTAND: { status: 400, title: 'A SOAP header block marked mustUnderstand is not understood here' },
  GW_ERR_MALFORMED_REQUEST: { status: 400, title: 'Not a well-formed HTTP/1.1 request' },
  GW_ERR_UNAUTHENTICATED: { status: 401, title: 'Missing or unknown credential' },
  GW_ERR_CLIENT_CERT_REQUIRED: { status: 401, title: 'This environment requires a client certificate issued by the trusted CA' },
  GW_ERR_CLIENT_CERT_UNKNOWN: { status: 401, title: 'Client certificate not registered for any party of this environment' },
  GW_ERR_WSS_MISSING: { status: 401, title: 'WS-Security signature required' },
  GW_ERR_WSS_INVALID: { status: 401, title: 'WS-Security signature invalid' },
  GW_ERR_WSS_CERT_UNKNOWN: { status: 401, title: 'WS-Security certificate not registered for the calling party' },
  GW_ERR_WSS_EXPIRED: { status: 401, title: 'WS-Security timestamp too old, expired or in the future' },
  GW_ERR_WSS_REPLAY: { status: 401, title: 'WS-Security message already received (replay)' },
  GW_ERR_WRONG_ENVIRONMENT: { status: 403, title: 'Credential belongs to the other environment' },
  GW_ERR_CREDENTIAL_MISMATCH: { status: 403, title: 'Token and client certificate belong to different parties' },
  GW_ERR_FORBIDDEN_ROLE: { status: 403, title: 'Role not allowed on this operation' },
  GW_ERR_FORBIDDEN_CPAS: { status: 403, title: 'CPAS not served by the calling party' },
  GW_ERR_NOT_SANDBOX: { status: 403, title: 'Sandbox operations touch only sandbox data of the caller' },
  GW_ERR_CONFORMANCE_REQUIRED: { status: 403, title: 'Production access needs a recorded full conformance pass in acceptance' },
  GW_ERR_NOT_FOUND: { status: 404, title: 'No such resource' },
  GW_ERR_UNKNOWN_BLINKER: { status: 404, title: 'Unknown blinker' },
  GW_ERR_UNKNOWN_MESSAGE: { status: 404, title: 'Unknown message' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this path' },
  GW_ERR_REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  GW_ERR_BLINKER_CLOSED: { status: 409, title: 'Blinker is closed' },
  GW_ERR_MESSAGE_ID_REUSED: { status: 409, title: 'messageId already used for another message' },
  GW_ERR_BLINKER_ID_REUSED: { status: 409, title: 'blinkerId already published with other content' },
  GW_ERR_ILLEGAL_TRANSITION: { status: 409, title: 'Transition not allowed from the current status' },
  GW_ERR_PAYLOAD_TOO_LARGE: { status: 413, title: 'Body over the size limit' },
  GW_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers over the size limit' },
  GW_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Content type not accepted here' },
  GW_ERR_BUSINESS_RULE: { status: 422, title: 'Business rule violated' },
  GW_ERR_CODE_NOT_FOR_FLOW: { status: 422, title: 'Feedback code not valid for the blinker flow' },
  GW_ERR_RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  GW_ERR_INTERNAL: { status: 500, title: 'Internal error' },
  GW_ERR_STORE_UNAVAILABLE: { status: 503, title: 'Queue store unreachable; not acknowledged: re-send the same message (safe)' },
  GW_ERR_OVERLOADED: { status: 503, title: 'Gateway overloaded; retry after the delay given' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof ERRORS

/** One precise problem inside a message: JSON pointer-like path, or an XML line. */
export interface FieldError {
  path?: string
  line?: number
  message: string
}

/** The error every stage throws; the REST and SOAP adapters render it. */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly errors: FieldError[] | undefined
  /** Extra headers for the answer (e.g. Retry-After on 429). */
  readonly headers: Record<string, string> | undefined

  constructor(code: ErrorCode, detail?: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(detail ?? ERRORS[code].title)
    this.name = 'GatewayError'
    this.code = code
    this.status = ERRORS[code].status
    this.errors = errors
    this.headers = headers
  }
}

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError

/** RFC 9457 problem document: `type` is a stable relative URI naming the code. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  errors?: FieldError[]
}

/**
 * The texts of an error as they may leave: a detail or field message never echoes a NISS, even
 * one quoted by a validator from the caller's input (masked as in the logs, niss-scrub.ts).
 */
export function publicTexts(err: GatewayError): { detail: string; errors: FieldError[] | undefined } {
  const errors = err.errors?.map((e) => ({ ...e, ...(e.path === undefined ? {} : { path: maskNissText(e.path) }), message: maskNissText(e.message) }))
  return { detail: maskNissText(err.message), errors }
}

export function toProblem(err: GatewayError): Problem {
  const { detail, errors } = publicTexts(err)
  const problem: Problem = {
    type: `/errors#${err.code}`,
    title: ERRORS[err.code].title,
    status: err.status,
    detail,
    code: err.code,
  }
  if (errors && errors.length > 0) problem.errors = errors
  return problem
}
