/**
 * Push subscriptions of software houses (PUT/GET/DELETE /{env}/v1/subscriptions/self).
 * Only blinkers published while a subscription exists are pushed; older ones stay in the pull
 * mailbox (the publish step decides, atomically with storing the blinker).
 */
import type { EnvContext } from '../context.js'
import { isBlockedTarget, targetGuard } from '../delivery/target-guard.js'
import { GatewayError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { deleteSubscription, getSubscription, putSubscription } from '../store/subscription-store.js'

export interface SubscriptionRequest {
  url: string
  secret: string
}

/** What the API shows of a subscription: never the secret. */
export interface SubscriptionView {
  url: string
  updatedAt: string
}

/** The schema checks shape and lengths; this checks the URL really parses as http(s). */
export function checkWebhookUrl(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
    throw new GatewayError('GW_ERR_VALIDATION', 'url must be an absolute http or https URL', [{ path: '/url', message: 'must be an absolute http(s) URL' }])
  }
}

/**
 * No calls inside: the URL's host, or any address its name resolves to now, must not be loopback,
 * private, link-local… (src/delivery/target-guard.ts; delivery checks again on every connection).
 * The refusal says which kind of address, never the URL or host (they may carry anything).
 */
export async function checkWebhookTarget(envCtx: Pick<EnvContext, 'config'>, url: string): Promise<void> {
  try {
    await targetGuard(envCtx.config).checkUrl(url)
  } catch (err) {
    if (!isBlockedTarget(err)) throw err
    throw new GatewayError('GW_ERR_VALIDATION', `url must not point inside the gateway's network: ${err.message}`, [{ path: '/url', message: `host is or resolves to ${err.reason}` }])
  }
}

export async function subscribe(envCtx: EnvContext, party: Party, req: SubscriptionRequest): Promise<SubscriptionView> {
  checkWebhookUrl(req.url)
  await checkWebhookTarget(envCtx, req.url)
  const updatedAt = new Date().toISOString()
  await putSubscription(envCtx.redis, envCtx.keys, party.id, { url: req.url, secret: req.secret, updatedAt })
  return { url: req.url, updatedAt }
}

export async function readSubscription(envCtx: EnvContext, party: Party): Promise<SubscriptionView> {
  const sub = await getSubscription(envCtx.redis, envCtx.keys, party.id)
  if (!sub) throw new GatewayError('GW_ERR_NOT_FOUND', `${party.id} has no push subscription; blinkers wait in the pull mailbox`)
  return { url: sub.url, updatedAt: sub.updatedAt }
}

/** Idempotent: deleting an absent subscription is not an error. */
export async function unsubscribe(envCtx: EnvContext, party: Party): Promise<void> {
  await deleteSubscription(envCtx.redis, envCtx.keys, party.id)
}
