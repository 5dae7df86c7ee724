/**
 * Start-up checks of the Redis the gateway runs on. Two settings decide whether "a 202 means
 * stored" holds:
 *   - maxmemory-policy must be noeviction: under any eviction policy Redis may drop BullMQ job
 *     keys or blinker records when memory is full, silently losing acknowledged work (error);
 *   - persistence (AOF or RDB snapshots) should be on: without it a Redis restart loses every
 *     acknowledged message not yet forwarded (warning: fine for tests and demos, not production).
 * Managed Redis services often disable CONFIG: then the checks are skipped with a warning
 * naming what to verify by hand. Nothing here stops the start; the log is loud instead.
 */
import type { Redis } from 'ioredis'

export interface RedisCheckLogger {
  error(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface RedisPolicy {
  /** undefined when CONFIG is not allowed. */
  maxmemoryPolicy: string | undefined
  appendonly: string | undefined
  save: string | undefined
}

export type RedisFinding = 'eviction' | 'no-persistence' | 'config-unavailable'

async function configGet(redis: Redis, name: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', name)) as string[]
  return reply[1]
}

/** Reads the settings; CONFIG refused (managed Redis, renamed command) gives undefined values. */
export async function readRedisPolicy(redis: Redis): Promise<RedisPolicy> {
  try {
    const [maxmemoryPolicy, appendonly, save] = await Promise.all([configGet(redis, 'maxmemory-policy'), configGet(redis, 'appendonly'), configGet(redis, 'save')])
    return { maxmemoryPolicy, appendonly, save }
  } catch {
    return { maxmemoryPolicy: undefined, appendonly: undefined, save: undefined }
  }
}

/** Judges the settings and logs each finding; returns them (tests, and callers that want to refuse). */
export function judgeRedisPolicy(policy: RedisPolicy, log: RedisCheckLogger): RedisFinding[] {
  if (policy.maxmemoryPolicy === undefined) {
    log.warn({ check: 'redis-config' }, 'cannot read the Redis configuration (CONFIG not allowed): make sure maxmemory-policy is noeviction and persistence (AOF) is on')
    return ['config-unavailable']
  }
  const findings: RedisFinding[] = []
  if (policy.maxmemoryPolicy !== 'noeviction') {
    log.error(
      { check: 'redis-maxmemory-policy', maxmemoryPolicy: policy.maxmemoryPolicy },
      `REDIS MAXMEMORY-POLICY IS ${policy.maxmemoryPolicy.toUpperCase()}, NOT NOEVICTION: when memory is full Redis will evict queued jobs and blinker records, losing acknowledged messages. Set maxmemory-policy noeviction.`,
    )
    findings.push('eviction')
  }
  if (policy.appendonly !== 'yes' && (policy.save ?? '').trim() === '') {
    log.warn({ check: 'redis-persistence', appendonly: policy.appendonly, save: policy.save }, 'Redis persistence is off (appendonly no, no save points): a Redis restart loses acknowledged messages. Turn on AOF (appendonly yes) in production.')
    findings.push('no-persistence')
  }
  if (findings.length === 0) log.info({ check: 'redis-config', ...policy }, 'redis configuration checked')
  return findings
}

/** Reads and judges in one call (gateway and worker start). */
export async function checkRedisPolicy(redis: Redis, log: RedisCheckLogger): Promise<RedisFinding[]> {
  return judgeRedisPolicy(await readRedisPolicy(redis), log)
}
