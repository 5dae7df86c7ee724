/**
 * Rate limits per party and environment (contract section 7: 429 with Retry-After).
 *
 * @fastify/rate-limit with its Redis store, so the counter of a party is one Redis key that every
 * gateway instance on the same Redis increments: the limit holds for the deployment, not per
 * process. The key is `{KEY_PREFIX}:{env}:ratelimit:{partyId}`, so a party's acceptance traffic
 * never eats into its production quota. Fixed windows (the store's INCR + PEXPIRE): a party may
 * send up to RATE_LIMIT_MAX requests in each RATE_LIMIT_WINDOW_MS window.
 *
 * The check runs as a route-level onRequest hook, which Fastify runs after the instance-level
 * auth hook: the party is known, and a refused request is refused before its body is read.
 * Requests that fail authentication are not counted (they have no party); public routes (the
 * WSDL) are not limited: per-IP limits belong to the reverse proxy in front of the gateway.
 * A Redis that does not answer makes the check fail like any store access: 503, nothing done.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EnvContext } from '../context.js'
import { GatewayError } from '../errors.js'
import { keys } from '../store/keys.js'

/** Seconds a refused caller should wait: the window's remaining time, at least 1. */
export const retryAfterSeconds = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs / 1000))

const isPublic = (request: FastifyRequest): boolean => request.routeOptions.config.roles === 'public'

/**
 * Installs the limiter on an env-scoped instance, before its routes are registered (it attaches
 * itself to every route added after it). RATE_LIMIT_MAX = 0 installs nothing (benchmarks).
 */
export async function installRateLimit(app: FastifyInstance, envCtx: EnvContext): Promise<void> {
  const { RATE_LIMIT_MAX: max, RATE_LIMIT_WINDOW_MS: windowMs } = envCtx.config
  if (max === 0) return
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    hook: 'onRequest',
    redis: envCtx.redis,
    nameSpace: keys.rateLimit(envCtx.keys),
    skipOnError: false,
    // The party id, never the token: keys are listed by operators.
    keyGenerator: (request) => (request.party as { id?: string } | null)?.id ?? 'public',
    allowList: (request) => isPublic(request),
    errorResponseBuilder: (request, context) =>
      new GatewayError(
        'GW_ERR_RATE_LIMITED',
        `Rate limit of ${context.max} requests per ${Math.round(windowMs / 1000)} s reached for party ${request.party.id} in ${envCtx.env}; retry in ${retryAfterSeconds(context.ttl)} s`,
        undefined,
        { 'retry-after': String(retryAfterSeconds(context.ttl)) },
      ),
  })
}
