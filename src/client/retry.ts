/**
 * When to retry and how long to wait. Only 429 (rate limit) and 503 (store unreachable or gateway
 * overloaded) are retried: both mean "nothing was done", so any call, even a POST, is safe to
 * repeat (feedback is idempotent on its messageId anyway). The gateway's Retry-After wins; without
 * it, exponential backoff with full jitter.
 */

export interface RetryOptions {
  /** Attempts in all, the first included; default 4 (1 = never retry). */
  maxAttempts?: number
  /** First backoff when the answer has no Retry-After; doubled each attempt; default 500 ms. */
  baseDelayMs?: number
  /** Longest single wait, Retry-After included (a longer one fails the call instead); default 60 000 ms. */
  maxDelayMs?: number
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 60_000 }

export const RETRYABLE = new Set([429, 503])

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (/^[0-9]{1,10}$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/**
 * Wait before attempt `attempt + 1` (attempt counts from 1). With Retry-After: that delay plus up
 * to 10 % jitter (so a crowd told "retry in 5 s" does not come back in one burst); without:
 * a random delay in [0, base × 2^(attempt-1)].
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, opts: Required<RetryOptions>, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs + random() * retryAfterMs * 0.1)
  return Math.round(random() * opts.baseDelayMs * 2 ** (attempt - 1))
}
