/**
 * Test harness: a real gateway (real Fastify app, real Redis) with its own key prefix per test,
 * every key of that prefix deleted on teardown, so test files run in parallel on one Redis.
 */
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { loadConfig, type Config } from '../../src/config.js'
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js'
import { testRedisUrl } from './redis.js'

export const TOKENS = {
  acceptance: { publisher: 'demo-acc-publisher', inspection: 'demo-acc-inspection', operator: 'demo-acc-operator', alpha: 'demo-acc-alpha', beta: 'demo-acc-beta' },
  production: { publisher: 'demo-prod-publisher', inspection: 'demo-prod-inspection', operator: 'demo-prod-operator', alpha: 'demo-prod-alpha', beta: 'demo-prod-beta' },
} as const

export const auth = (token: string) => ({ authorization: `Bearer ${token}` })

export interface TestGateway extends Gateway {
  config: Config
  prefix: string
}

/** A fresh gateway on the test Redis; `env` overrides configuration variables. */
export async function startGateway(t: Test, env: Record<string, string> = {}, opts: { workers?: boolean; logger?: GatewayOptions['logger'] } = {}): Promise<TestGateway> {
  const prefix = `t${randomBytes(5).toString('hex')}`
  // The overload guard is off by default here: several test files share two cores, and a slow
  // machine is not what these tests are about (tests/ingress/overload.test.ts turns it on).
  // Likewise the failed-authentication throttle: the authorization matrix, the hostile inputs and
  // the WS-Security cases fail hundreds of logins from one address on purpose
  // (tests/security/auth-throttle.test.ts turns it on).
  const config = loadConfig({ LOG_LEVEL: 'silent', KEY_PREFIX: prefix, MAX_EVENT_LOOP_DELAY_MS: '0', AUTH_FAILURES_PER_ADDRESS: '0', ...env })
  const gateway = await createGateway(config, { redisUrl: testRedisUrl(), workers: opts.workers ?? false, ...(opts.logger ? { logger: opts.logger } : {}) })
  t.teardown(async () => {
    await gateway.close().catch(() => {})
    await deleteKeys(prefix)
  })
  return { ...gateway, config, prefix }
}

/** Deletes every key under a prefix (test teardown). */
export async function deleteKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
