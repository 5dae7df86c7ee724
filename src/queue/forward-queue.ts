/**
 * The forward queue's jobs and outbox. Two kinds of job:
 *
 * - `forward-batch` { messageIds }: what the ingress adds. Feedback accepted within a few
 *   milliseconds of each other (or one REST batch) becomes ONE job, so an accepted message costs
 *   the request path its store step and a share of one job add instead of a BullMQ job each. The
 *   worker forwards the batch's messages one POST each (forward-worker.ts) and records them together.
 * - `forward` { messageId, sender, blinkerId }: one message with its own attempts, backoff and
 *   dead letter. Job id = the normalized messageId (adding it twice is a no-op while the job is
 *   kept; the same id is the Idempotency-Key the back office de-duplicates on). The worker splits a
 *   message out of a batch into such a job when its POST fails (`batchFailure` carries that first
 *   attempt's outcome, so it is not sent twice in a row), and a batch whose own job fails for good.
 *
 * Job data carries `party: 'inspection'` (the destination, as the generic dead-letter filters
 * expect) and, on single jobs, `sender`, the software house, so an operator can list or replay one
 * sender's dead letters. Dead letters are always single jobs.
 */
import type { JobsOptions } from 'bullmq'
import type { EnvContext } from '../context.js'
import { forwardOutboxKey } from '../store/feedback-store.js'
import { Outbox, type OutboxJob } from './outbox.js'
import { defaultJobOptions, QUEUES } from './queues.js'

/** How a message's POST inside a batch failed (replayed as its single job's first attempt). */
export interface BatchFailure {
  reason: string
  /** true: permanent (a 4xx other than 408/429, or the blinker is gone) → dead letter at once. */
  permanent: boolean
  statusCode?: number
  code?: string
}

export interface ForwardJobData {
  party: 'inspection'
  /** Sending software house id. */
  sender: string
  messageId: string
  blinkerId: string
  batchFailure?: BatchFailure
}

export interface ForwardBatchData {
  party: 'inspection'
  messageIds: string[]
}

export const FORWARD_JOB_NAME = 'forward'
export const FORWARD_BATCH_JOB_NAME = 'forward-batch'
/** Most messages in one batch job. */
export const FORWARD_BATCH_MAX = 500

/** A single-message job (split from a batch, or a dead letter's replay). */
export function forwardJob(envCtx: EnvContext, data: Omit<ForwardJobData, 'party'>): OutboxJob & { id: string } {
  return { id: data.messageId, name: FORWARD_JOB_NAME, data: { party: 'inspection', ...data } satisfies ForwardJobData, opts: defaultJobOptions(envCtx, QUEUES.forward) }
}

/** What the ingress hands the outbox for a stored message: its id (the batch job carries only ids). */
export const forwardEntry = (messageId: string): OutboxJob & { id: string } => ({ id: messageId, name: FORWARD_BATCH_JOB_NAME, data: null })

/** Batch jobs for message ids, at most FORWARD_BATCH_MAX each; BullMQ gives them their ids. */
export function forwardBatchJobs(opts: JobsOptions, messageIds: readonly string[]): OutboxJob[] {
  const jobs: OutboxJob[] = []
  for (let i = 0; i < messageIds.length; i += FORWARD_BATCH_MAX) {
    jobs.push({ name: FORWARD_BATCH_JOB_NAME, data: { party: 'inspection', messageIds: messageIds.slice(i, i + FORWARD_BATCH_MAX) } satisfies ForwardBatchData, opts })
  }
  return jobs
}

const outboxes = new WeakMap<EnvContext, Outbox>()

/** The forward outbox of an environment (one per context; the producer and the sweep share it). */
export function forwardOutbox(envCtx: EnvContext): Outbox {
  let outbox = outboxes.get(envCtx)
  if (!outbox) {
    const opts = defaultJobOptions(envCtx, QUEUES.forward)
    // The sweep needs no read: a batch job skips ids whose record is gone or already forwarded.
    outbox = new Outbox(envCtx.redis, forwardOutboxKey(envCtx.keys), envCtx.queues.forward, async (id) => forwardEntry(id), (jobs) =>
      forwardBatchJobs(opts, jobs.map((j) => j.id)),
    )
    outboxes.set(envCtx, outbox)
  }
  return outbox
}
