/**
 * Redis connections. The command connection serving requests fails fast while Redis is down (no
 * offline queue), so a request answers 503 at once instead of hanging; worker connections wait
 * forever (BullMQ's requirement: maxRetriesPerRequest null) and resume by themselves. Both come
 * back quickly after a Redis restart: reconnection attempts at most RECONNECT_MAX_MS apart, and a
 * Redis still LOADING its data is asked again every LOADING_POLL_MS (ioredis would otherwise wait
 * out Redis's own estimate, whole seconds, up to 10 s, after Redis is already serving). BullMQ
 * gets these connections (queues share the command one, workers duplicate theirs with the same
 * options), so every connection of the gateway has both bounds. Log their errors through
 * observability/redis-status-log.ts, or ioredis prints each retry to stderr.
 */
import { Redis, type RedisOptions } from 'ioredis'

/** Longest pause between two reconnection attempts, in ms (500). */
export const RECONNECT_MAX_MS = 500
/** Longest pause between two readiness checks of a Redis that answers LOADING, in ms (100). */
export const LOADING_POLL_MS = 100

const reconnect = (times: number): number => Math.min(times * 100, RECONNECT_MAX_MS)

/** For request handling and producers: fail fast, reconnect in the background. */
export function commandConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: reconnect,
    maxLoadingRetryTime: LOADING_POLL_MS,
    lazyConnect: false,
    ...extra,
  })
}

/** For BullMQ workers and queue-events: block, retry, never give up. */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: reconnect,
    maxLoadingRetryTime: LOADING_POLL_MS,
    ...extra,
  })
}

/** Waits until a fresh connection is ready (start-up only). */
export async function waitReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs)
    redis.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
