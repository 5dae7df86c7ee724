/**
 * The queues of one environment. BullMQ owns retries (exponential backoff with jitter); a job that
 * fails its last attempt, or throws UnrecoverableError, stays in the failed set: that set is the
 * dead-letter store (see dead-letters.ts). The job id is the blinker or message id, so adding the
 * same work twice is a no-op while the job is kept.
 */
import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { keys } from '../store/keys.js'

export const QUEUES = {
  /** Push delivery of new blinkers to software-house webhooks. */
  delivery: 'delivery',
  /** Forwarding of accepted feedback to the inspection back office. */
  forward: 'forward',
} as const
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

/**
 * Push delivery is one queue per software house, `delivery-{partyId}`, each with its own worker:
 * a slow or dead webhook then only occupies its own party's worker slots and never delays the
 * others (per-party fairness without BullMQ Pro groups). The other queues exist once per environment.
 */
export const deliveryQueueName = (partyId: string): string => `${QUEUES.delivery}-${partyId}`
export type SharedQueueName = Exclude<QueueName, typeof QUEUES.delivery>
export const SHARED_QUEUES: readonly SharedQueueName[] = [QUEUES.forward]

/** Completed jobs are kept a week so a late re-add of the same id stays a no-op. */
export const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 200_000 }

export function jobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: KEEP_COMPLETED,
    // Never dropped: the failed set is the dead-letter list an operator replays from.
    removeOnFail: false,
  }
}

/** A producer-side queue of an environment, on a fail-fast connection (callers answer 503). */
export function createQueue(envCtx: Pick<EnvContext, 'keys'>, name: string, connection: Redis): Queue {
  return new Queue(name, { connection, prefix: keys.queuePrefix(envCtx.keys) })
}

/** Default job options of a queue from the configuration. */
export function defaultJobOptions(envCtx: EnvContext, name: QueueName): JobsOptions {
  const c = envCtx.config
  return name === QUEUES.delivery ? jobOptions(c.DELIVERY_ATTEMPTS, c.DELIVERY_BACKOFF_MS) : jobOptions(c.FORWARD_ATTEMPTS, c.FORWARD_BACKOFF_MS)
}

/** Every queue of an environment by its BullMQ name: shared ones and each party's delivery queue. */
export function allQueues(envCtx: Pick<EnvContext, 'queues' | 'deliveryQueues'>): Map<string, Queue> {
  const all = new Map<string, Queue>()
  for (const q of Object.values(envCtx.queues)) all.set(q.name, q)
  for (const q of envCtx.deliveryQueues.values()) all.set(q.name, q)
  return all
}
