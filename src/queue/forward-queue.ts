/**
 * The forward queue's jobs and outbox. Job id = the normalized messageId: adding the same message
 * twice (a flush and a sweep, a re-sent message) is a no-op while the job is kept, and the same id
 * is the Idempotency-Key the back office de-duplicates on. Job data carries `party: 'inspection'`
 * (the destination, as the generic dead-letter filters expect) and `sender`, the software house
 * that sent the feedback, so an operator can list or replay one sender's dead letters.
 */
import type { EnvContext } from '../context.js'
import type { Feedback } from '../domain/model.js'
import { forwardOutboxKey, getFeedback } from '../store/feedback-store.js'
import { Outbox, type OutboxJob } from './outbox.js'
import { defaultJobOptions, QUEUES } from './queues.js'

export interface ForwardJobData {
  party: 'inspection'
  /** Sending software house id. */
  sender: string
  messageId: string
  blinkerId: string
  feedback: Feedback
  receivedAt: string
}

export const FORWARD_JOB_NAME = 'forward'

export function forwardJob(envCtx: EnvContext, data: Omit<ForwardJobData, 'party'>): OutboxJob & { id: string } {
  return { id: data.messageId, name: FORWARD_JOB_NAME, data: { party: 'inspection', ...data } satisfies ForwardJobData, opts: defaultJobOptions(envCtx, QUEUES.forward) }
}

const outboxes = new WeakMap<EnvContext, Outbox>()

/** The forward outbox of an environment (one per context; the producer and the sweep share it). */
export function forwardOutbox(envCtx: EnvContext): Outbox {
  let outbox = outboxes.get(envCtx)
  if (!outbox) {
    outbox = new Outbox(envCtx.redis, forwardOutboxKey(envCtx.keys), envCtx.queues.forward, async (id) => {
      // Sweep: rebuild the job from the stored record; a record that is gone is dropped.
      const record = await getFeedback(envCtx.redis, envCtx.keys, id)
      if (!record) return undefined
      return forwardJob(envCtx, { sender: record.party, messageId: id, blinkerId: record.blinkerId, feedback: record.feedback, receivedAt: record.receivedAt })
    })
    outboxes.set(envCtx, outbox)
  }
  return outbox
}
