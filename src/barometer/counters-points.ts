/**
 * The barometer's write points outside the blinker transition: the technical refusals of a
 * software house's requests, push outcomes (buffered: counters-buffer.ts) and recap-list rows of
 * CPAS on Excel lists (written at once: an import is rare and already slow).
 *
 * Technical refusals (indicator refusedRequests) are the contract codes of a message or request
 * that could not be read or trusted, before any business rule: format (malformed JSON/XML, XML
 * constructs refused, body too large), schema and XSD and identifier checksums (all
 * GW_ERR_VALIDATION), the SOAP envelope and action, media type, WS-Security and the wrong
 * environment. Refusals by business rules (unknown blinker, closed, code not for the flow …) are
 * other indicators or none.
 */
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import type { ErrorCode } from '../errors.js'
import { isValidKbo } from '../domain/identifiers.js'
import type { Party } from '../parties/parties.js'
import { baroHalfKey, halfOf } from '../store/barometer-counters.js'
import { bufferCount } from './counters-buffer.js'

export const TECHNICAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'GW_ERR_MALFORMED_JSON',
  'GW_ERR_MALFORMED_XML',
  'GW_ERR_XML_FORBIDDEN',
  'GW_ERR_PAYLOAD_TOO_LARGE',
  'GW_ERR_VALIDATION',
  'GW_ERR_SOAP_ENVELOPE',
  'GW_ERR_SOAP_ACTION',
  'GW_ERR_SOAP_MUST_UNDERSTAND',
  'GW_ERR_UNSUPPORTED_MEDIA_TYPE',
  'GW_ERR_WSS_MISSING',
  'GW_ERR_WSS_INVALID',
  'GW_ERR_WSS_CERT_UNKNOWN',
  'GW_ERR_WSS_EXPIRED',
  'GW_ERR_WSS_REPLAY',
  'GW_ERR_WRONG_ENVIRONMENT',
])

/**
 * Feedback messages a software house sent and judged by the service: `messages` read, `refused`
 * of them for schema / checksum errors. Other callers (the inspection importing a recap list) are
 * not counted here.
 */
export function countFeedbackMessages(ctx: Pick<EnvContext, 'redis' | 'keys'>, caller: Pick<Party, 'id' | 'role'>, messages: number, refused: number, at = new Date()): void {
  if (caller.role !== 'software-house') return
  bufferCount(ctx, caller.id, 'rq', messages, at)
  bufferCount(ctx, caller.id, 'rt', refused, at)
}

/**
 * A request refused as a whole (REST problem or SOAP fault): counted as one message sent and
 * refused when the caller is a known software house and the code is a technical one.
 */
export function countRefusedRequest(request: { party?: Pick<Party, 'id' | 'role'>; envCtx?: Pick<EnvContext, 'redis' | 'keys'> }, code: ErrorCode): void {
  const { party, envCtx } = request
  if (!party || !envCtx || !TECHNICAL_CODES.has(code)) return
  countFeedbackMessages(envCtx, party, 1, 1)
}

/** A push delivery that ended: reached the webhook, or dead-lettered. */
export function countPush(ctx: Pick<EnvContext, 'redis' | 'keys'>, partyId: string, outcome: 'delivered' | 'deadLettered', at = new Date()): void {
  bufferCount(ctx, partyId, outcome === 'delivered' ? 'ps' : 'pd', 1, at)
}

/** Rows of a recap import per CPAS (party `excel:{kbo}`): rows with a code read, and rejected. */
export async function countRecapRows(redis: Redis, prefix: string, perCpas: ReadonlyMap<string, { rows: number; rejected: number }>, at = new Date()): Promise<void> {
  if (perCpas.size === 0) return
  const half = halfOf(at)
  const pipeline = redis.pipeline()
  for (const [kbo, c] of perCpas) {
    const key = baroHalfKey(prefix, `excel:${kbo}`, half)
    if (c.rows > 0) pipeline.hincrby(key, 'xr', c.rows)
    if (c.rejected > 0) pipeline.hincrby(key, 'xj', c.rejected)
  }
  await pipeline.exec()
}

/**
 * Per CPAS (the row's cpasKbo, when it is a valid enterprise number): rows accepted or rejected
 * by an import. A duplicate (the row imported before) was counted by that first import.
 */
export function recapRowCounts(rows: readonly { row: number; feedback: { cpasKbo: string } }[], results: ReadonlyMap<number, { result: string }>): Map<string, { rows: number; rejected: number }> {
  const out = new Map<string, { rows: number; rejected: number }>()
  for (const r of rows) {
    const result = results.get(r.row)?.result
    const kbo = r.feedback.cpasKbo
    if ((result !== 'accepted' && result !== 'rejected') || typeof kbo !== 'string' || !isValidKbo(kbo)) continue
    const c = out.get(kbo) ?? { rows: 0, rejected: 0 }
    c.rows++
    if (result === 'rejected') c.rejected++
    out.set(kbo, c)
  }
  return out
}
