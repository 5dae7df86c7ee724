/**
 * The error answers of a route for the OpenAPI document, derived from what the route is rather
 * than written per route: a protected /{env} route can answer 401 and 403 (auth hook), a route
 * with path or query parameters 400 GW_ERR_BAD_PARAMETER, a route that takes a body 400/413/415,
 * every /{env} route 503 when Redis is down, every route 503 when the event loop is saturated,
 * and 429 when rate limiting is installed. Route-specific codes (404 unknown blinker, 409, 422…)
 * are added by the caller. REST errors are problem+json; the SOAP subtree answers Faults.
 */
import { ERRORS, GatewayError, toProblem, type ErrorCode } from '../errors.js'
import { faultEnvelope } from '../ingress/soap/fault.js'
import type { RouteRoles } from '../context.js'

export interface RouteShape {
  method: string
  /** True under /{env}. */
  env: boolean
  roles: RouteRoles | undefined
  hasParams: boolean
  hasQuery: boolean
  /** Methods that carry a body (POST, PUT, PATCH). */
  hasBody: boolean
  /** Under /{env}/soap: errors are SOAP Faults. */
  soap: boolean
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])
export const takesBody = (method: string): boolean => BODY_METHODS.has(method.toUpperCase())

/** The generic error codes a route of this shape can answer, in registry order. */
export function genericErrors(shape: RouteShape, rateLimited: boolean): ErrorCode[] {
  const codes = new Set<ErrorCode>(['GW_ERR_OVERLOADED'])
  const isProtected = shape.env && shape.roles !== 'public'
  if (isProtected) {
    codes.add('GW_ERR_UNAUTHENTICATED').add('GW_ERR_WRONG_ENVIRONMENT').add('GW_ERR_FORBIDDEN_ROLE')
    if (rateLimited) codes.add('GW_ERR_RATE_LIMITED')
  }
  if (shape.env) codes.add('GW_ERR_STORE_UNAVAILABLE')
  if (shape.hasParams || shape.hasQuery) codes.add('GW_ERR_BAD_PARAMETER')
  if (shape.hasBody) {
    codes.add(shape.soap ? 'GW_ERR_MALFORMED_XML' : 'GW_ERR_MALFORMED_JSON').add('GW_ERR_VALIDATION').add('GW_ERR_PAYLOAD_TOO_LARGE').add('GW_ERR_UNSUPPORTED_MEDIA_TYPE')
  }
  return orderByRegistry(codes)
}

const REGISTRY_ORDER = Object.keys(ERRORS) as ErrorCode[]
const orderByRegistry = (codes: Iterable<ErrorCode>): ErrorCode[] => {
  const set = new Set(codes)
  return REGISTRY_ORDER.filter((c) => set.has(c))
}

/** OpenAPI response objects (in Fastify's `content` form) for the codes, grouped by HTTP status. */
export function errorResponses(codes: Iterable<ErrorCode>, soap: boolean): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of orderByRegistry(codes)) {
    const status = ERRORS[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const out: Record<string, object> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = list.map((c) => `${c}: ${ERRORS[c].title}`).join('; ')
    const examples = Object.fromEntries(
      list.map((c) => {
        const error = new GatewayError(c)
        return [c, { summary: ERRORS[c].title, value: soap ? faultEnvelope(error) : toProblem(error) }]
      }),
    )
    const media = soap ? { 'text/xml': { schema: { type: 'string', description: 'SOAP 1.1 Fault; detail holds the GW_ERR code' }, examples } } : { 'application/problem+json': { schema: { $ref: 'problem.schema.json' }, examples } }
    out[String(status)] = { description, content: media }
  }
  return out
}
