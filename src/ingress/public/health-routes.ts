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

/** Time after `ready` during which the event-loop delay is not judged (ms): see installHealth. */
export const STARTUP_GRACE_MS = 2500

/** Registers under-pressure on the root app and the two health routes. */
export async function installHealth(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  // `ready` compiles every route's schemas synchronously (a second or two with ~150 routes): the
  // sample under-pressure takes right after reads that start-up as a saturated loop, and would
  // shed the first second of traffic with 503. The delay measured within the grace is the start's,
  // not load, so it is not judged until the grace (two samples and more) has passed.
  let judgedFrom = Number.POSITIVE_INFINITY
  app.addHook('onReady', async () => {
    judgedFrom = Date.now() + STARTUP_GRACE_MS
  })
  const inGrace = () => Date.now() < judgedFrom
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelay ?? 1000,
    retryAfter: 5,
    pressureHandler: (_request, _reply, type, value) => {
      if (type === 'eventLoopDelay' && inGrace()) return undefined
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
    checks.eventLoop = app.isUnderPressure() && !inGrace() ? 'fail' : 'ok'
    const ready = Object.values(checks).every((c) => c === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks, workers })
  })
}
