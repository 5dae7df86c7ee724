/**
 * The periodic retention run inside the worker processes: every RETENTION_INTERVAL_MINUTES
 * (0 = never; the first run one interval after start, so a start is never slowed by it). With
 * several worker processes on one Redis, a lock key (SET NX PX) lets one of them run per
 * environment and interval; the others skip. A failed run is logged and tried again next time.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EnvContext } from '../context.js'
import { keys } from '../store/keys.js'
import type { RunningWorker } from '../workers/start-workers.js'
import { runRetention, type RetentionReport } from './retention.js'

/** Runs retention once for an environment unless another process holds this interval's lock. */
export async function runRetentionOnce(envCtx: EnvContext, log: Pick<FastifyBaseLogger, 'info' | 'warn'>, lockMs: number): Promise<RetentionReport | undefined> {
  const lock = await envCtx.redis.set(keys.retentionLock(envCtx.keys), String(process.pid), 'PX', lockMs, 'NX')
  if (lock !== 'OK') return undefined
  const report = await runRetention(envCtx, { olderThanDays: envCtx.config.RETENTION_DAYS })
  log.info({ retention: report, env: envCtx.env }, 'retention run')
  return report
}

export async function startRetention(envCtx: EnvContext, _redisUrl: string, log: FastifyBaseLogger): Promise<RunningWorker> {
  const name = `${envCtx.env}/retention`
  const minutes = envCtx.config.RETENTION_INTERVAL_MINUTES
  if (minutes === 0) return { name, close: async () => {} }
  const everyMs = minutes * 60_000
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = runRetentionOnce(envCtx, log, Math.max(1000, everyMs - 1000)).catch((err: unknown) => log.warn({ err, worker: name }, 'retention run failed; will retry next interval'))
  }, everyMs)
  timer.unref()
  return {
    name,
    async close() {
      clearInterval(timer)
      await running
    },
  }
}
