/**
 * What every stage of one environment works with. Acceptance and production each get their own
 * context: their own key prefix, parties and queues, so they share nothing but the Redis server.
 */
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Config, EnvName } from './config.js'
import type { EnvParties, Party } from './parties/parties.js'
import type { SharedQueueName } from './queue/queues.js'

export interface EnvContext {
  env: EnvName
  /** Prefix of this environment's Redis keys, e.g. `bgw:acceptance:`. */
  keys: string
  parties: EnvParties
  /** The command connection (fails fast while Redis is down: callers answer 503). */
  redis: Redis
  config: Config
  /** Producer side of this environment's queues (same fail-fast connection). */
  queues: Readonly<Record<SharedQueueName, Queue>>
  /** Push delivery: one queue per software-house party id (see deliveryQueueName). */
  deliveryQueues: ReadonlyMap<string, Queue>
}

/** Role(s) a route allows, set as `config: { roles }` on every /{env} route; 'public' = no token. */
export type RouteRoles = readonly Party['role'][] | 'public'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the auth hook on every non-public /{env} route. */
    party: Party
    envCtx: EnvContext
  }
  interface FastifyContextConfig {
    roles?: RouteRoles
  }
}
