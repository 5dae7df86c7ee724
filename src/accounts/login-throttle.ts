/**
 * Guessing passwords: the login form uses the gateway's failed-authentication throttle
 * (src/security/auth-throttle.ts), per client address and per (address, login name), counted in
 * Redis for every instance together. The throttle is asked BEFORE the password is checked, so a
 * throttled address learns nothing more (429 with Retry-After even for the right password); a
 * guesser cannot lock a real inspector out from another address.
 */
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import { isGatewayError } from '../errors.js'
import { authThrottleLimits, checkAuthThrottle, recordAuthFailure } from '../security/auth-throttle.js'

export interface LoginThrottle {
  /** Seconds to wait before this address may try this name again, else 0. */
  retryAfter(address: string, name: string): Promise<number>
  /** Counts a failed login; the seconds to wait when this failure went over the allowance, else 0. */
  failed(address: string, name: string): Promise<number>
}

const seconds = (err: { headers?: Record<string, string> | undefined }): number => Number(err.headers?.['retry-after'] ?? 1)

export function loginThrottle(redis: Redis, prefix: string, config: Config): LoginThrottle {
  const limits = authThrottleLimits(config)
  const attempt = (address: string, name: string) => ({ address, partyId: name ? `login:${name}` : undefined })
  return {
    async retryAfter(address, name) {
      try {
        await checkAuthThrottle(redis, prefix, attempt(address, name), limits)
        return 0
      } catch (err) {
        if (isGatewayError(err) && err.code === 'GW_ERR_RATE_LIMITED') return seconds(err)
        throw err
      }
    },
    async failed(address, name) {
      const over = await recordAuthFailure(redis, prefix, attempt(address, name), limits)
      return over ? seconds(over) : 0
    },
  }
}
