/**
 * Job outcomes counted in Redis, not in process memory: workers may run in other processes than
 * the HTTP server that answers /metrics, and counts must survive a worker restart.
 * One HASH per environment; fields `{queue}|{field}`.
 */
import type { Redis } from 'ioredis'

export const jobMetricsKey = (prefix: string) => `${prefix}metrics:jobs`

export type JobOutcome = 'completed' | 'retried' | 'dead_lettered'

/** Upper bounds of the attempts histogram (attempts a job took to finish, or to be dead-lettered). */
export const ATTEMPT_BUCKETS = [1, 2, 3, 5, 10] as const

/**
 * Upper bounds (seconds) of the job-duration histogram: a forward or a webhook POST takes tens of
 * milliseconds when the far side is well, up to the HTTP timeout when it is not.
 */
export const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const

/**
 * Records one finished attempt: its outcome, duration, and (on failure) a short cause such as
 * `http_503`, `timeout`, `connection` or `http_400`. `attempt` (1-based) is the attempt number;
 * when the job is done for good (completed or dead-lettered) it feeds the attempts histogram,
 * kept cumulative in Redis (`{queue}|attempts_bucket|{le}`) like a Prometheus histogram.
 * `count` (default 1) records that many alike attempts at once, `durationMs` being their total
 * (a forward batch's delivered messages: each counts as one completed forward, and each is put in
 * the duration bucket of their average, the only figure the batch keeps).
 * Durations are kept cumulative too (`{queue}|duration_seconds_bucket|{le}`); their `+Inf` bucket
 * is `duration_seconds_count`, so it is not stored twice.
 */
export async function recordJob(redis: Redis, prefix: string, queue: string, outcome: JobOutcome, durationMs: number, cause?: string, attempt?: number, count = 1): Promise<void> {
  const key = jobMetricsKey(prefix)
  const p = redis.pipeline()
  p.hincrby(key, `${queue}|${outcome}`, count)
  p.hincrbyfloat(key, `${queue}|duration_seconds_sum`, durationMs / 1000)
  p.hincrby(key, `${queue}|duration_seconds_count`, count)
  const seconds = durationMs / 1000 / count
  for (const le of DURATION_BUCKETS) if (seconds <= le) p.hincrby(key, `${queue}|duration_seconds_bucket|${le}`, count)
  if (cause) p.hincrby(key, `${queue}|cause|${cause}`, count)
  if (attempt !== undefined && outcome !== 'retried') {
    for (const le of ATTEMPT_BUCKETS) if (attempt <= le) p.hincrby(key, `${queue}|attempts_bucket|${le}`, count)
    p.hincrby(key, `${queue}|attempts_bucket|+Inf`, count)
    p.hincrby(key, `${queue}|attempts_sum`, attempt * count)
    p.hincrby(key, `${queue}|attempts_count`, count)
  }
  await p.exec()
}

/** Classifies a failed call for the `cause` label: stable, low-cardinality values only. */
export function failureCause(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; name?: string }
  if (typeof e?.statusCode === 'number') return `http_${e.statusCode}`
  if (e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.name === 'TimeoutError') return 'timeout'
  if (typeof e?.code === 'string' && /^(ECONN|EPIPE|UND_ERR_SOCKET|ENOTFOUND|EHOSTUNREACH)/.test(e.code)) return 'connection'
  return 'other'
}

export interface JobMetricRow {
  queue: string
  field: string
  cause?: string
  value: number
}

export async function readJobMetrics(redis: Redis, prefix: string): Promise<JobMetricRow[]> {
  const raw = await redis.hgetall(jobMetricsKey(prefix))
  return Object.entries(raw).map(([k, v]) => {
    const [queue = '', field = '', cause] = k.split('|')
    const row: JobMetricRow = { queue, field, value: Number(v) }
    if (cause) row.cause = cause
    return row
  })
}
