/**
 * Redis stream ids taken from requests (the mailbox cursor, the inspection inbox cursor, a month of
 * the transition list): the ONE check of what Redis accepts, so that a client-chosen value can
 * never reach XRANGE as something Redis refuses (which would be a 500, not the caller's 400).
 *
 * Redis takes `<ms>-<seq>` with both parts unsigned 64-bit integers; an exclusive start `(<id>`
 * must have a successor, so the largest id 18446744073709551615-18446744073709551615 is refused
 * there. The gateway only hands out canonical ids (no sign, no leading zero, ≤ 20 digits), so
 * those are the only ones taken back.
 */
import { GatewayError } from '../errors.js'

/** 2^64 − 1: the largest value of either part of a stream id. */
export const STREAM_PART_MAX = 18446744073709551615n
const MAX_PART_TEXT = STREAM_PART_MAX.toString()

const CANONICAL_ID = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,19})$/

// Same length as the maximum: compare as text (no BigInt on the hot path); shorter is smaller.
const partInRange = (part: string): boolean => part.length < MAX_PART_TEXT.length || part <= MAX_PART_TEXT

/** True when `id` is a canonical stream id Redis accepts (both parts ≤ 2^64 − 1). */
export function isStreamId(id: string): boolean {
  const m = CANONICAL_ID.exec(id)
  return m !== null && partInRange(m[1] as string) && partInRange(m[2] as string)
}

/** True when `(id` is a valid exclusive XRANGE start: a stream id with a successor. */
export function isExclusiveStart(id: string): boolean {
  return isStreamId(id) && id !== `${MAX_PART_TEXT}-${MAX_PART_TEXT}`
}

/**
 * A cursor parameter (`after`) as a stream id to read strictly after; anything else is the
 * caller's 400 GW_ERR_BAD_PARAMETER at `path`. The message says what is expected, never what
 * was sent (a cursor is client-chosen text).
 */
export function cursorAfter(id: string, path: string): string {
  if (!isExclusiveStart(id)) throw new GatewayError('GW_ERR_BAD_PARAMETER', 'after is not a cursor this gateway gave out', [{ path, message: 'must be the `next` of a previous page' }])
  return id
}

/**
 * The XRANGE start "strictly after `after`" (or the stream's beginning). Throws a RangeError for
 * an id that is not an exclusive start: callers validate first (a 400); reaching this with a bad
 * id is a defect, caught here before Redis sees it.
 */
export function rangeStartAfter(after: string | undefined): string {
  if (after === undefined || after === '') return '-'
  if (!isExclusiveStart(after)) throw new RangeError('not a stream id with a successor')
  return `(${after}`
}

/** A millisecond time as a stream id bound (`<ms>`), clamped to the range Redis accepts. */
export function msBound(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0'
  return String(Math.min(Math.floor(ms), Number.MAX_SAFE_INTEGER))
}
