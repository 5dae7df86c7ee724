/**
 * Redis connections. The command connection serving requests fails fast while Redis is down (no
 * offline queue), so a request answers 503 at once instead of hanging; worker connections wait
 * forever (BullMQ's requirement: maxRetriesPerRequest null) and resume by themselves.
 */
import { Redis, type RedisOptions } from 'ioredis'

/** For request handling and producers: fail fast, reconnect in the background. */
export function commandConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    ...extra,
  })
}

/** For BullMQ workers and queue-events: block, retry, never give up. */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
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
