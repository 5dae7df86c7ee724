/**
 * Push subscriptions, one HASH per software house. The secret is kept as given because the
 * delivery worker needs it to sign every body (HMAC); it is never returned by the API.
 */
import type { Redis } from 'ioredis'
import { keys } from './keys.js'

export interface Subscription {
  url: string
  secret: string
  updatedAt: string
}

export async function putSubscription(redis: Redis, prefix: string, partyId: string, sub: Subscription): Promise<void> {
  await redis.hset(keys.subscription(prefix, partyId), 'url', sub.url, 'secret', sub.secret, 'updatedAt', sub.updatedAt)
}

export async function getSubscription(redis: Redis, prefix: string, partyId: string): Promise<Subscription | undefined> {
  const [url, secret, updatedAt] = await redis.hmget(keys.subscription(prefix, partyId), 'url', 'secret', 'updatedAt')
  return url && secret ? { url, secret, updatedAt: updatedAt ?? '' } : undefined
}

/** True when a subscription existed. */
export async function deleteSubscription(redis: Redis, prefix: string, partyId: string): Promise<boolean> {
  return (await redis.del(keys.subscription(prefix, partyId))) > 0
}
