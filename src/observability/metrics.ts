/**
 * GET /metrics (Prometheus text format). HTTP counters and latency come from this process's hooks;
 * queue depths, blinkers per status and job outcomes are read from Redis at scrape time, so any
 * gateway process reports the whole deployment and nothing is lost when a worker restarts.
 * One registry per app (not prom-client's global one) so tests can build several apps.
 */
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { EnvContext } from '../context.js'
import { allQueues } from '../queue/queues.js'
import { keys } from '../store/keys.js'
import { readJobMetrics } from './job-metrics.js'

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

export interface MetricsOptions {
  redis: Redis
  contexts: readonly EnvContext[]
}

/** Adds the request hooks and GET /metrics on the root app (not a child plugin: the hooks must see every route). */
export function installMetrics(app: FastifyInstance, opts: MetricsOptions): void {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'bgw_' })

  const requests = new Counter({
    name: 'bgw_http_requests_total',
    help: 'HTTP requests by route, method, status and environment',
    labelNames: ['method', 'route', 'status', 'env'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'bgw_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'env'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const queueJobs = new Gauge({ name: 'bgw_queue_jobs', help: 'Jobs per queue and state', labelNames: ['env', 'queue', 'state'] as const, registers: [registry] })
  const blinkers = new Gauge({ name: 'bgw_blinkers', help: 'Blinkers per lifecycle status', labelNames: ['env', 'status'] as const, registers: [registry] })
  const jobs = new Gauge({ name: 'bgw_jobs_total', help: 'Finished job attempts by outcome (completed, retried, dead_lettered), counted in Redis', labelNames: ['env', 'queue', 'outcome'] as const, registers: [registry] })
  const failures = new Gauge({ name: 'bgw_job_failures_total', help: 'Failed job attempts by cause (http_503, timeout, connection…), counted in Redis', labelNames: ['env', 'queue', 'cause'] as const, registers: [registry] })
  const jobSeconds = new Gauge({ name: 'bgw_job_duration_seconds_sum', help: 'Total seconds spent in job attempts', labelNames: ['env', 'queue'] as const, registers: [registry] })
  const jobCount = new Gauge({ name: 'bgw_job_duration_seconds_count', help: 'Job attempts timed', labelNames: ['env', 'queue'] as const, registers: [registry] })
  const attemptsBucket = new Gauge({ name: 'bgw_job_attempts_bucket', help: 'Jobs done for good (completed or dead-lettered) by attempts taken, cumulative (histogram buckets), counted in Redis', labelNames: ['env', 'queue', 'le'] as const, registers: [registry] })
  const attemptsSum = new Gauge({ name: 'bgw_job_attempts_sum', help: 'Attempts taken by jobs done for good', labelNames: ['env', 'queue'] as const, registers: [registry] })
  const attemptsCount = new Gauge({ name: 'bgw_job_attempts_count', help: 'Jobs done for good (completed or dead-lettered)', labelNames: ['env', 'queue'] as const, registers: [registry] })
  const redisUp = new Gauge({ name: 'bgw_redis_up', help: '1 when Redis answered the last scrape', registers: [registry] })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const env = request.envCtx?.env ?? 'none'
    requests.inc({ method: request.method, route, status: String(reply.statusCode), env })
    latency.observe({ method: request.method, route, env }, reply.elapsedTime / 1000)
  })

  async function collectFromRedis(): Promise<void> {
    queueJobs.reset()
    blinkers.reset()
    jobs.reset()
    failures.reset()
    attemptsBucket.reset()
    for (const ctx of opts.contexts) {
      for (const queue of allQueues(ctx).values()) {
        const counts = await queue.getJobCounts(...JOB_STATES)
        for (const state of JOB_STATES) queueJobs.set({ env: ctx.env, queue: queue.name, state }, counts[state] ?? 0)
      }
      const statuses = await opts.redis.hgetall(keys.statusCounts(ctx.keys))
      for (const [status, n] of Object.entries(statuses)) blinkers.set({ env: ctx.env, status }, Number(n))
      for (const row of await readJobMetrics(opts.redis, ctx.keys)) {
        if (row.field === 'cause' && row.cause) failures.set({ env: ctx.env, queue: row.queue, cause: row.cause }, row.value)
        else if (row.field === 'attempts_bucket' && row.cause) attemptsBucket.set({ env: ctx.env, queue: row.queue, le: row.cause }, row.value)
        else if (row.field === 'attempts_sum') attemptsSum.set({ env: ctx.env, queue: row.queue }, row.value)
        else if (row.field === 'attempts_count') attemptsCount.set({ env: ctx.env, queue: row.queue }, row.value)
        else if (row.field === 'duration_seconds_sum') jobSeconds.set({ env: ctx.env, queue: row.queue }, row.value)
        else if (row.field === 'duration_seconds_count') jobCount.set({ env: ctx.env, queue: row.queue }, row.value)
        else jobs.set({ env: ctx.env, queue: row.queue, outcome: row.field }, row.value)
      }
    }
  }

  app.get('/metrics', async (_request, reply) => {
    try {
      await collectFromRedis()
      redisUp.set(1)
    } catch {
      // Still answer: the process metrics and bgw_redis_up 0 are what an operator needs then.
      redisUp.set(0)
    }
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}
