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
