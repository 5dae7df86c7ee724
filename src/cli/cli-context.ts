/**
 * What the operator commands that touch Redis share: the gateway's configuration from the
 * environment, its Redis (never a private one: an operator command must act on the real data),
 * the context of the chosen environment, and a clean close of every connection afterwards.
 */
import { loadConfig, type Config, type EnvName } from '../config.js'
import type { EnvContext } from '../context.js'
import { createContexts } from '../gateway.js'
import { loadParties } from '../parties/parties.js'
import { allQueues } from '../queue/queues.js'
import { commandConnection, waitReady } from '../store/redis-client.js'
import { resolveRedis } from '../store/redis-resolve.js'

export class UsageError extends Error {}

/** `--env` value checked against the names and the deployment's ENVIRONMENTS. */
export function requireEnv(value: string | undefined, config: Config): EnvName {
  if (value !== 'acceptance' && value !== 'production') throw new UsageError('--env acceptance|production is required')
  if (!config.environments.includes(value)) throw new UsageError(`this deployment does not serve ${value} (ENVIRONMENTS=${config.ENVIRONMENTS})`)
  return value
}

/** A positive integer option within bounds, or undefined when absent. */
export function intOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  return n
}

/** Runs `fn` with the environment's context on the gateway's Redis, then closes everything. */
export async function withEnvContext<T>(processEnv: Record<string, string | undefined>, env: EnvName, fn: (ctx: EnvContext, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(processEnv)
  const redisInfo = await resolveRedis({ url: config.REDIS_URL, allowPrivate: false })
  const redis = commandConnection(redisInfo.url)
  try {
    await waitReady(redis)
    const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
    const ctx = contexts.get(env)
    if (!ctx) throw new UsageError(`this deployment does not serve ${env}`)
    try {
      return await fn(ctx, config)
    } finally {
      for (const c of contexts.values()) for (const q of allQueues(c).values()) await q.close()
    }
  } finally {
    redis.disconnect()
    await redisInfo.stop()
  }
}
