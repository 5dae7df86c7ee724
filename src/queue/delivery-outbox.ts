/**
 * The push-delivery outbox of one software house: the publish script records the blinker id in
 * it together with the blinker; the publisher then adds the jobs, and the party's delivery worker
 * sweeps whatever a crash left behind. Job id = blinkerId (unique per environment, and a CPAS has
 * one software house), which is also the X-Blinker-Delivery idempotency header.
 */
import type { JobsOptions } from 'bullmq'
import type { EnvContext } from '../context.js'
import { keys } from '../store/keys.js'
import { deliveryOutboxKey } from '../store/publish-store.js'
import { Outbox, type OutboxJob } from './outbox.js'
import { defaultJobOptions, QUEUES } from './queues.js'

export interface DeliveryJobData {
  /** Software house the blinker is pushed to (dead-letter filters use it). */
  party: string
  blinkerId: string
}

export const DELIVERY_JOB_NAME = 'deliver'

export function deliveryJob(envCtx: EnvContext, party: string, blinkerId: string): OutboxJob & { id: string } {
  const data: DeliveryJobData = { party, blinkerId }
  const opts: JobsOptions = defaultJobOptions(envCtx, QUEUES.delivery)
  return { id: blinkerId, name: DELIVERY_JOB_NAME, data, opts }
}

/** The outbox of a party's delivery queue; undefined for a party without one (not a software house). */
export function deliveryOutbox(envCtx: EnvContext, party: string): Outbox | undefined {
  const queue = envCtx.deliveryQueues.get(party)
  if (!queue) return undefined
  return new Outbox(envCtx.redis, deliveryOutboxKey(envCtx.keys, party), queue, async (id) => {
    // Sweep: rebuild from the record; a blinker that no longer exists is dropped.
    const exists = await envCtx.redis.exists(keys.blinker(envCtx.keys, id))
    return exists ? deliveryJob(envCtx, party, id) : undefined
  })
}
