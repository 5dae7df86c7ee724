/**
 * Liveness (the process answers) and readiness: Redis answers a PING within a second and the event
 * loop is not saturated (@fastify/under-pressure, which also sheds load with 503 GW_ERR_OVERLOADED
 * before the process falls over). Worker counts per queue are reported, not required: with
 * WORKERS=none the API still takes messages durably while workers run elsewhere.
 */
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../../context.js'
import { GatewayError } from '../../errors.js'
import { allQueues } from '../../queue/queues.js'

export interface HealthOptions {
  redis: Redis
  contexts: readonly EnvContext[]
  /** Event-loop delay (ms) above which the gateway sheds load; default 1000; 0 = off. */
  maxEventLoopDelay?: number
}

/** Registers under-pressure on the root app and the two health routes. */
export async function installHealth(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelay ?? 1000,
    retryAfter: 5,
    pressureHandler: (_request, _reply, type, value) => {
      throw new GatewayError('GW_ERR_OVERLOADED', `Gateway overloaded (${type} ${String(value)})`, undefined, { 'retry-after': '5' })
    },
  })

  app.get('/health/live', async () => ({ status: 'ok' }))
  app.get('/health/ready', async (_request, reply) => {
    const checks: Record<string, 'ok' | 'fail'> = {}
    const workers: Record<string, number> = {}
    try {
      const pong = await Promise.race([
        opts.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ])
      checks.redis = pong === 'PONG' ? 'ok' : 'fail'
      for (const ctx of opts.contexts) {
        for (const q of allQueues(ctx).values()) workers[`${ctx.env}/${q.name}`] = await q.getWorkersCount()
      }
    } catch {
      checks.redis = 'fail'
    }
    checks.eventLoop = app.isUnderPressure() ? 'fail' : 'ok'
    const ready = Object.values(checks).every((c) => c === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks, workers })
  })
}
