/**
 * The last line of defence for NISS in logs: pino's redact paths (src/logger.ts) remove the
 * fields where a NISS belongs, but a client can put one anywhere (a messageId, a comment, a path)
 * and code may log such a value as an id or inside an error message. This pino `formatters.log`
 * hook walks the logged object (bounded depth) and masks every standalone run of 11 digits — the
 * shape of a NISS, checksum-valid or not — in strings, numbers and error messages. KBO numbers
 * (10 digits), blinker ids (9-digit sequence), timestamps and durations are not 11-digit runs.
 */

const ELEVEN_DIGITS = /(?<![0-9])[0-9]{11}(?![0-9])/g
// Also the formatted forms (85.07.30-033.28, 850730 033 28) people type.
const FORMATTED = /(?<![0-9])[0-9]{2}[.\s]?[0-9]{2}[.\s]?[0-9]{2}[-.\s][0-9]{3}[.\s]?[0-9]{2}(?![0-9])/g
export const NISS_MASK = '[niss]'

/** Deepest nesting walked; deeper values are replaced by a marker rather than logged unchecked. */
const MAX_DEPTH = 10

export const maskNissText = (text: string): string => text.replace(ELEVEN_DIGITS, NISS_MASK).replace(FORMATTED, NISS_MASK)

function scrub(value: unknown, depth: number): unknown {
  // replace() with a /g pattern always starts at 0 (test() would carry lastIndex between calls).
  if (typeof value === 'string') return maskNissText(value)
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1e10 && value < 1e11 ? NISS_MASK : value
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return '[too deep to log]'
  if (value instanceof Error) {
    // Keep an Error (pino's err serializer wants one) with its message and stack masked.
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error & Record<string, unknown>
    for (const key of Object.keys(value)) copy[key] = scrub((value as unknown as Record<string, unknown>)[key], depth + 1)
    copy.message = maskNissText(value.message)
    if (value.stack) copy.stack = maskNissText(value.stack)
    return copy
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  const proto = Object.getPrototypeOf(value)
  // Plain data only: class instances (requests, sockets, buffers) are left to pino's serializers.
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1)
  return out
}

/** pino `formatters.log`: the logged object with every NISS-shaped value masked. */
export function scrubNissFromLog(object: Record<string, unknown>): Record<string, unknown> {
  return scrub(object, 0) as Record<string, unknown>
}

/** Longest client-supplied text copied into a log line or an error; the rest is cut. */
const MAX_CLIENT_TEXT = 200

/** Decodes %XX escapes where they are valid, leaving the rest as sent (never throws). */
const percentDecoded = (text: string): string =>
  text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })

/**
 * A value a client chose (a URL path, a header), made safe to log: percent-escapes decoded first
 * (`%38%35…` is a NISS too), control characters dropped, NISS-shaped numbers masked, cut at
 * 200 characters.
 */
export function scrubClientText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = percentDecoded(text).replace(/[\u0000-\u001f\u007f]/g, '')
  const masked = maskNissText(plain)
  return masked.length > MAX_CLIENT_TEXT ? `${masked.slice(0, MAX_CLIENT_TEXT)}…` : masked
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const OPAQUE = /^[A-Za-z0-9._-]{1,32}$/
const DIGIT_RUN = /[0-9]{11}/

/**
 * True when a client's `X-Request-Id` may be kept (it is logged and written to the audit trail,
 * which can never be cleaned): a UUID (8-4-4-4-12 hex) without a run of 11 digits, or an opaque
 * id of 1–32 characters `[A-Za-z0-9._-]` with at most 10 digits in all — a NISS has 11, so no
 * way of writing one (85073003328, 85.07.30-033.28) fits. Anything else is replaced by a UUID.
 */
export function isSafeRequestId(id: string): boolean {
  if (UUID.test(id)) return !DIGIT_RUN.test(id)
  return OPAQUE.test(id) && id.replace(/[^0-9]/g, '').length <= 10
}
