/**
 * Guessing (README "Security" → "Failed authentications"): failed authentications are counted in
 * Redis per client address, and per (client address, named party) where the attempt names one
 * (a WS-Security signature of a known party, a dashboard login with a user name). Over the limit,
 * the next failures answer 429 GW_ERR_RATE_LIMITED with Retry-After instead of 401 until the
 * window (from the first failure) ends. The counters are Redis keys with a TTL, so every gateway
 * instance counts together.
 *
 * What it does not do, on purpose: count per party across addresses (an attacker could then lock
 * a real party out by failing in its name from anywhere), or refuse a credential that is right —
 * for the gateway's Bearer tokens (long random strings, stored hashed) only failures are judged,
 * so a party whose token is right passes even from an address that is being throttled. A form
 * that checks a guessable secret (a password) calls checkAuthThrottle BEFORE checking it, so a
 * throttled address learns nothing more; its per-(address, person) key is what stops guessing one
 * person's password without the others on the same address being refused.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import { GatewayError } from '../errors.js'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'
import { retryAfterSeconds } from './rate-limit.js'

export interface AuthAttempt {
  /** The client address (request.ip). */
  address: string
  /** The party or person the attempt names, when it names one (never needed for a bare token). */
  partyId?: string | undefined
}

export interface AuthThrottleLimits {
  /** Failures allowed per client address and window; default 20 (AUTH_FAILURES_PER_ADDRESS); 0 = no throttling. */
  perAddress: number
  /** Failures allowed per (client address, named party) and window; default 5 (AUTH_FAILURES_PER_PARTY). */
  perParty: number
  /** Window in ms, from the first failure; default 300 000 (AUTH_FAILURE_WINDOW_MS). */
  windowMs: number
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleLimits = { perAddress: 20, perParty: 5, windowMs: 300_000 }

export function authThrottleLimits(config: Pick<Config, 'AUTH_FAILURES_PER_ADDRESS' | 'AUTH_FAILURES_PER_PARTY' | 'AUTH_FAILURE_WINDOW_MS'>): AuthThrottleLimits {
  return { perAddress: config.AUTH_FAILURES_PER_ADDRESS, perParty: config.AUTH_FAILURES_PER_PARTY, windowMs: config.AUTH_FAILURE_WINDOW_MS }
}

/** Keys of an attempt: the address one, then the (address, party) one when a party is named. */
function counterKeys(prefix: string, attempt: AuthAttempt): string[] {
  const base = keys.authFailures(prefix)
  const out = [`${base}a:${attempt.address}`]
  // Hashed: a person's login name is not something an operator listing keys needs to read.
  if (attempt.partyId) out.push(`${base}p:${createHash('sha256').update(attempt.partyId).digest('hex').slice(0, 32)}:${attempt.address}`)
  return out
}

/** Per key: INCR (ARGV[1] = 1) or read (0); the window starts with the first failure. Returns count, pttl pairs. */
const COUNT: LuaScript = {
  numberOfKeys: null,
  lua: `local out = {}
for i, k in ipairs(KEYS) do
  local n
  if ARGV[1] == '1' then
    n = redis.call('INCR', k)
    if n == 1 then redis.call('PEXPIRE', k, ARGV[2]) end
  else
    n = tonumber(redis.call('GET', k) or '0')
  end
  out[#out + 1] = n
  out[#out + 1] = redis.call('PTTL', k)
end
return out`,
}

/**
 * Seconds until the attempt may fail again without 429, or 0 when it is not throttled. `counted`:
 * the counts include this failure (allowed up to the cap), else they are read before an attempt.
 */
function blockedFor(counts: number[], limits: AuthThrottleLimits, counted: boolean): number {
  let ttl = 0
  for (let i = 0; i < counts.length; i += 2) {
    const cap = i === 0 ? limits.perAddress : limits.perParty
    const n = Number(counts[i])
    if (counted ? n > cap : n >= cap) ttl = Math.max(ttl, Number(counts[i + 1]))
  }
  return ttl > 0 ? retryAfterSeconds(ttl) : 0
}

const throttled = (seconds: number) =>
  new GatewayError('GW_ERR_RATE_LIMITED', `Too many failed authentications from this address; retry in ${seconds} s`, undefined, { 'retry-after': String(seconds) })

/**
 * Before checking a guessable secret: throws 429 GW_ERR_RATE_LIMITED (Retry-After) when this
 * address, or this address for this party, already failed its allowance in the window.
 * A Redis that does not answer rejects like any store access (the caller answers 503).
 */
export async function checkAuthThrottle(redis: Redis, prefix: string, attempt: AuthAttempt, limits: AuthThrottleLimits = DEFAULT_AUTH_THROTTLE): Promise<void> {
  if (limits.perAddress === 0) return
  const ks = counterKeys(prefix, attempt)
  const counts = await runScript<number[]>(redis, COUNT, [String(ks.length), ...ks], ['0', limits.windowMs])
  const seconds = blockedFor(counts, limits, false)
  if (seconds > 0) throw throttled(seconds)
}

/**
 * After a failed authentication: counts it; resolves with the 429 error to answer instead of the
 * 401 when this failure is over the allowance, else undefined.
 */
export async function recordAuthFailure(redis: Redis, prefix: string, attempt: AuthAttempt, limits: AuthThrottleLimits = DEFAULT_AUTH_THROTTLE): Promise<GatewayError | undefined> {
  if (limits.perAddress === 0) return undefined
  const ks = counterKeys(prefix, attempt)
  const counts = await runScript<number[]>(redis, COUNT, [String(ks.length), ...ks], ['1', limits.windowMs])
  const seconds = blockedFor(counts, limits, true)
  return seconds > 0 ? throttled(seconds) : undefined
}

/**
 * For a hook that just caught an authentication error: a 401 is counted and becomes 429 when over
 * the allowance; any other error is returned as it is. If Redis cannot count, the 401 stands.
 */
export async function throttleAuthError(redis: Redis, prefix: string, attempt: AuthAttempt, limits: AuthThrottleLimits, err: unknown): Promise<unknown> {
  if (!(err instanceof GatewayError) || err.status !== 401) return err
  try {
    return (await recordAuthFailure(redis, prefix, attempt, limits)) ?? err
  } catch {
    return err
  }
}
