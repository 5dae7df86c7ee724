/** Liveness (the process answers) and readiness (Redis answers a PING within a second). */
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'

export async function healthRoutes(app: FastifyInstance, opts: { redis: Redis }): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }))
  app.get('/health/ready', async (_request, reply) => {
    const checks: Record<string, 'ok' | 'fail'> = {}
    try {
      const pong = await Promise.race([
        opts.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ])
      checks.redis = pong === 'PONG' ? 'ok' : 'fail'
    } catch {
      checks.redis = 'fail'
    }
    const ready = Object.values(checks).every((c) => c === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks })
  })
}
