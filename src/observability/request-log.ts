/**
 * One log line per request (Fastify's own request logging, two lines per request, is turned off in
 * app.ts). The line carries what an operator searches by: request id, method, path, route,
 * status, duration, environment, party, and the business ids of the call (blinkerId, messageId,
 * cpasKbo, kbo). Never a query value (a cursor or anything a client put there), never a header,
 * never a body beyond those ids, and the path percent-decoded with NISS-shaped numbers masked —
 * so no NISS and no token can reach the log from here.
 */
import type { LazyLogger } from './lazy-child-logger.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scrubClientText } from '../security/niss-scrub.js'

const ID_FIELDS = ['blinkerId', 'messageId', 'cpasKbo', 'kbo', 'queue', 'jobId'] as const
// Ids only ever match these shapes; anything else is not copied (it could be a client's mistake
// carrying personal data in the wrong field).
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/

function pickIds(source: unknown, into: Record<string, string>): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return
  const record = source as Record<string, unknown>
  for (const field of ID_FIELDS) {
    const value = record[field]
    if (typeof value === 'string' && SAFE_ID.test(value) && into[field] === undefined) into[field] = value
  }
}

/** The fields of the request's line; exported for tests. */
export function requestLogFields(request: FastifyRequest, statusCode: number, elapsedMs: number): Record<string, unknown> {
  const [path = '', query] = request.url.split('?', 2)
  // reqId is already bound to request.log by Fastify.
  const fields: Record<string, unknown> = {
    method: request.method,
    // The path is the client's text: decoded and NISS-masked (a NISS can be typed as a path segment).
    path: scrubClientText(path),
    route: request.routeOptions.url ?? null,
    status: statusCode,
    ms: Math.round(elapsedMs * 10) / 10,
  }
  if (query) fields.queryKeys = [...new URLSearchParams(query).keys()].filter((k) => /^[A-Za-z0-9_-]{1,40}$/.test(k))
  if (request.envCtx?.env) fields.env = request.envCtx.env
  if (request.party?.id) fields.party = request.party.id
  const ids: Record<string, string> = {}
  pickIds(request.params, ids)
  pickIds(request.body, ids)
  const batch = request.body as { feedback?: unknown; blinkers?: unknown } | undefined
  if (Array.isArray(batch?.feedback)) fields.items = batch.feedback.length
  else if (Array.isArray(batch?.blinkers)) fields.items = batch.blinkers.length
  Object.assign(fields, ids)
  return fields
}

/** Adds the onResponse hook that writes the line (warn for 5xx, info otherwise). */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    // At LOG_LEVEL=warn a 2xx writes nothing: do not build its fields either.
    if (reply.statusCode < 500 && !(request.log as LazyLogger).isLevelEnabled('info')) return
    const fields = requestLogFields(request, reply.statusCode, reply.elapsedTime)
    if (reply.statusCode >= 500) request.log.warn(fields, 'request')
    else request.log.info(fields, 'request')
  })
}
