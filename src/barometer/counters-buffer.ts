/**
 * Barometer counters kept in memory for a moment and added to Redis in one pipeline per flush:
 * the counts of the hot paths (feedback requests, push outcomes), so the request or job that
 * causes them waits for no extra Redis round trip.
 *
 * What a crash can lose: the counts of the last FLUSH_EVERY_MS in that process (a graceful stop
 * that calls flushBufferedCounts loses nothing). A flush that fails (Redis down) keeps its counts
 * for the next one. measureParty flushes first, so a process reads its own counts at once; other
 * processes' counts arrive within FLUSH_EVERY_MS.
 */
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { baroHalfKey, halfOf } from '../store/barometer-counters.js'

/** How often buffered counts are written to Redis, in ms (default 1000). */
export const FLUSH_EVERY_MS = 1000

/** Per Redis connection: key → field → count. */
const buffers = new Map<Redis, Map<string, Map<string, number>>>()
let timer: NodeJS.Timeout | undefined

function add(buffer: Map<string, Map<string, number>>, key: string, field: string, by: number): void {
  let fields = buffer.get(key)
  if (!fields) buffer.set(key, (fields = new Map()))
  fields.set(field, (fields.get(field) ?? 0) + by)
}

/** Counts `by` in the party's half-year HASH field, at the next flush. */
export function bufferCount(ctx: Pick<EnvContext, 'redis' | 'keys'>, partyId: string, field: string, by = 1, at = new Date()): void {
  if (by === 0) return
  let buffer = buffers.get(ctx.redis)
  if (!buffer) buffers.set(ctx.redis, (buffer = new Map()))
  add(buffer, baroHalfKey(ctx.keys, partyId, halfOf(at)), field, by)
  if (!timer) {
    timer = setInterval(() => void flushAll(), FLUSH_EVERY_MS)
    timer.unref()
  }
}

async function flushOne(redis: Redis): Promise<void> {
  const buffer = buffers.get(redis)
  if (!buffer || buffer.size === 0) return
  buffers.delete(redis)
  // A connection closed for good (a stopped app) can take no more counts.
  if (redis.status === 'end') return
  const pipeline = redis.pipeline()
  for (const [key, fields] of buffer) for (const [field, n] of fields) pipeline.hincrby(key, field, n)
  try {
    const results = (await pipeline.exec()) ?? []
    const failed = results.find(([err]) => err)
    if (failed) throw failed[0]
  } catch (err) {
    // Put the counts back for the next flush (HINCRBY either applied or not: a lost answer could count twice, which a counter of this kind tolerates).
    let again = buffers.get(redis)
    if (!again) buffers.set(redis, (again = new Map()))
    for (const [key, fields] of buffer) for (const [field, n] of fields) add(again, key, field, n)
    throw err
  }
}

async function flushAll(): Promise<void> {
  await Promise.all([...buffers.keys()].map((r) => flushOne(r).catch(() => undefined)))
  if (buffers.size === 0 && timer) {
    clearInterval(timer)
    timer = undefined
  }
}

/** Writes this connection's buffered counts now (measureParty, a graceful stop); without a context, every connection's. */
export async function flushBufferedCounts(ctx?: Pick<EnvContext, 'redis'>): Promise<void> {
  if (ctx) await flushOne(ctx.redis)
  else await flushAll()
}
