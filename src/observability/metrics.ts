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
import { ATTEMPT_BUCKETS, DURATION_BUCKETS, readJobMetrics } from './job-metrics.js'
import { ScrapedHistogram, type HistogramSeries } from './scraped-histogram.js'

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

type Series = HistogramSeries & { buckets: Map<number, number> }

/** The series of one queue in a histogram being assembled from Redis rows. */
function series(map: Map<string, Series>, queue: string): Series {
  let s = map.get(queue)
  if (!s) map.set(queue, (s = { buckets: new Map(), sum: 0, count: 0 }))
  return s
}

export interface MetricsOptions {
  redis: Redis
  contexts: readonly EnvContext[]
}

/** Adds the request hooks and GET /metrics on the root app (not a child plugin: the hooks must see every route). */
export function installMetrics(app: FastifyInstance, opts: MetricsOptions): void {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'bgw_' })
  // prom-client exposes these three sums as gauges named `_total`, which Prometheus reserves for
  // counters (promtool flags them); the same figures by type stay as bgw_nodejs_active_handles,
  // bgw_nodejs_active_requests and bgw_nodejs_active_resources (sum() them for the total).
  for (const name of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`bgw_nodejs_active_${name}_total`)

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
  // Counted in Redis by the workers; each scrape resets these and adds the stored totals, so they
  // are real counters (monotonic, they survive worker restarts) rather than gauges.
  const jobs = new Counter({ name: 'bgw_jobs_total', help: 'Finished job attempts by outcome (completed, retried, dead_lettered), counted in Redis', labelNames: ['env', 'queue', 'outcome'] as const, registers: [registry] })
  const failures = new Counter({ name: 'bgw_job_failures_total', help: 'Failed job attempts by cause (http_503, timeout, connection…), counted in Redis', labelNames: ['env', 'queue', 'cause'] as const, registers: [registry] })
  const jobSeconds = new ScrapedHistogram({ name: 'bgw_job_duration_seconds', help: 'Seconds spent in job attempts, counted in Redis', labelNames: ['env', 'queue'] as const, buckets: DURATION_BUCKETS, registers: [registry] })
  const attempts = new ScrapedHistogram({ name: 'bgw_job_attempts', help: 'Attempts taken by jobs done for good (completed or dead-lettered), counted in Redis', labelNames: ['env', 'queue'] as const, buckets: ATTEMPT_BUCKETS, registers: [registry] })
  const redisUp = new Gauge({ name: 'bgw_redis_up', help: '1 when Redis answered the last scrape', registers: [registry] })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const env = request.envCtx?.env ?? 'none'
    requests.inc({ method: request.method, route, status: String(reply.statusCode), env })
    latency.observe({ method: request.method, route, env }, reply.elapsedTime / 1000)
  })

  const fromRedis = [queueJobs, blinkers, jobs, failures, jobSeconds, attempts]

  async function collectFromRedis(): Promise<void> {
    // Read everything first, then replace: a Redis failure half-way leaves no half-filled series.
    const snapshot = []
    for (const ctx of opts.contexts) {
      const queues = []
      for (const queue of allQueues(ctx).values()) queues.push({ name: queue.name, counts: await queue.getJobCounts(...JOB_STATES) })
      snapshot.push({ env: ctx.env, queues, statuses: await opts.redis.hgetall(keys.statusCounts(ctx.keys)), rows: await readJobMetrics(opts.redis, ctx.keys) })
    }
    for (const m of fromRedis) m.reset()
    for (const { env, queues, statuses, rows } of snapshot) {
      for (const q of queues) for (const state of JOB_STATES) queueJobs.set({ env, queue: q.name, state }, q.counts[state] ?? 0)
      for (const [status, n] of Object.entries(statuses)) blinkers.set({ env, status }, Number(n))
      const durations = new Map<string, Series>()
      const attemptsOf = new Map<string, Series>()
      for (const row of rows) {
        if (row.field === 'cause' && row.cause) failures.inc({ env, queue: row.queue, cause: row.cause }, row.value)
        else if (row.field === 'attempts_bucket' && row.cause) {
          if (row.cause !== '+Inf') series(attemptsOf, row.queue).buckets.set(Number(row.cause), row.value)
        } else if (row.field === 'attempts_sum') series(attemptsOf, row.queue).sum = row.value
        else if (row.field === 'attempts_count') series(attemptsOf, row.queue).count = row.value
        else if (row.field === 'duration_seconds_bucket' && row.cause) series(durations, row.queue).buckets.set(Number(row.cause), row.value)
        else if (row.field === 'duration_seconds_sum') series(durations, row.queue).sum = row.value
        else if (row.field === 'duration_seconds_count') series(durations, row.queue).count = row.value
        else jobs.inc({ env, queue: row.queue, outcome: row.field }, row.value)
      }
      for (const [queue, data] of durations) jobSeconds.set({ env, queue }, data)
      for (const [queue, data] of attemptsOf) attempts.set({ env, queue }, data)
    }
  }

  app.get('/metrics', async (_request, reply) => {
    try {
      await collectFromRedis()
      redisUp.set(1)
    } catch {
      // Still answer: the process metrics and bgw_redis_up 0 are what an operator needs then;
      // the figures read from Redis are dropped rather than shown stale.
      for (const m of fromRedis) m.reset()
      redisUp.set(0)
    }
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}
