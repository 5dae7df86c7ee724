/**
 * The forward worker of an environment: takes each accepted feedback from the forward queue and
 * hands it, with the blinker it concerns, to the inspection — the back office at INSPECTION_URL,
 * or, when that is unset, the built-in inspection inbox in Redis (GET /{env}/v1/inspection/inbox),
 * so the default start works end to end. Success is recorded in one Lua step (feedback FORWARDED,
 * blinker FORWARDED with cause 'forwarded', inbox entry once).
 *
 * At-least-once with exactly-once effect: a message already recorded as forwarded is not sent again
 * (a replay or a late duplicate job completes at once); a crash between the back office's 2xx and
 * the record re-sends it with the same Idempotency-Key, which the back office de-duplicates.
 * A job that fails for good (permanent 4xx, or its last attempt) marks the feedback DEAD_LETTERED
 * before BullMQ moves it to the failed set; a replay that then succeeds moves it on to FORWARDED.
 *
 * Batches (forward-queue.ts): the messages of a `forward-batch` job are read together, POSTed at
 * most WORKER_CONCURRENCY at once, each recorded as soon as its 2xx is in. A message whose POST
 * fails leaves the batch as its own `forward` job carrying that failure, which becomes the job's
 * first attempt (metrics, backoff, dead letter) without a second POST in a row. A batch job that
 * fails for good (Redis trouble, or it keeps killing workers) is split into single jobs, so a
 * poison message ends up alone in the dead letters and the others go through.
 */
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { backOfficeClient, type BackOfficeClient } from '../delivery/back-office-client.js'
import { failureCause, recordJob } from '../observability/job-metrics.js'
import { FORWARD_BATCH_JOB_NAME, FORWARD_JOB_NAME, forwardJob, forwardOutbox, type BatchFailure, type ForwardBatchData, type ForwardJobData } from '../queue/forward-queue.js'
import { withJobId } from '../queue/outbox.js'
import { keys } from '../store/keys.js'
import { QUEUES } from '../queue/queues.js'
import { recordDeadLettered } from '../store/feedback-progress-store.js'
import { workerConnection } from '../store/redis-client.js'
import { batchFailureOf, deliver, errorOf, mapLimit, readStates, type ForwardState } from './forward-state.js'
import type { RunningWorker } from './start-workers.js'
import { crashRecoveryOptions, STALL_LIMIT_REASON } from './worker-options.js'
import { redisStatusLog } from '../observability/redis-status-log.js'

const SWEEP_EVERY_MS = 5000

type AnyForwardJob = Job<ForwardJobData> | Job<ForwardBatchData>

const isBatch = (job: AnyForwardJob): job is Job<ForwardBatchData> => job.name === FORWARD_BATCH_JOB_NAME

/** Adds single jobs for messages of a batch (the failure, if any, becomes their first attempt). */
async function splitOut(envCtx: EnvContext, queue: Queue, items: readonly { state: ForwardState; failure?: BatchFailure }[]): Promise<void> {
  if (items.length === 0) return
  await queue.addBulk(
    items.map(({ state, failure }) =>
      withJobId(forwardJob(envCtx, { sender: state.sender, messageId: state.messageId, blinkerId: state.blinkerId, ...(failure ? { batchFailure: failure } : {}) })),
    ),
  )
}

/** Every message of a batch as a single job (a batch that failed for good). */
async function splitAll(envCtx: EnvContext, redis: Redis, queue: Queue, messageIds: readonly string[]): Promise<void> {
  const states = await readStates(redis, envCtx.keys, messageIds)
  await splitOut(envCtx, queue, states.filter((s) => s.exists && !s.forwarded).map((state) => ({ state })))
}

async function forwardBatch(envCtx: EnvContext, redis: Redis, queue: Queue, client: BackOfficeClient | undefined, job: Job<ForwardBatchData>): Promise<string> {
  const states = await readStates(redis, envCtx.keys, job.data.messageIds)
  const pending = states.filter((s) => s.exists && !s.forwarded)
  let done = 0
  let doneMs = 0
  const failed: { state: ForwardState; failure: BatchFailure }[] = []
  await mapLimit(pending, envCtx.config.WORKER_CONCURRENCY, async (state) => {
    const started = Date.now()
    try {
      await deliver(redis, envCtx.keys, client, state)
      done++
      doneMs += Date.now() - started
    } catch (err) {
      failed.push({ state, failure: batchFailureOf(err) })
    }
  })
  // Counted first: if the split-out add fails, the retried batch skips these (already forwarded).
  if (done > 0) await recordJob(envCtx.redis, envCtx.keys, QUEUES.forward, 'completed', doneMs, undefined, 1, done).catch(() => {})
  await splitOut(envCtx, queue, failed)
  return `forwarded ${done}, split out ${failed.length}, skipped ${states.length - pending.length}`
}

/** One message: skip what is already done, else the back office or the inbox, then the record. */
async function forwardOne(envCtx: EnvContext, redis: Redis, client: BackOfficeClient | undefined, log: FastifyBaseLogger, job: Job<ForwardJobData>): Promise<string> {
  const data = job.data
  if (data.batchFailure) {
    // Its POST in the batch was this job's first attempt: end it the same way, once.
    const { batchFailure, ...rest } = data
    await job.updateData(rest)
    throw errorOf(batchFailure)
  }
  const [state] = await readStates(redis, envCtx.keys, [data.messageId], data.blinkerId)
  if (!state?.exists) {
    log.warn({ messageId: data.messageId }, 'forward job without a stored feedback; dropped')
    return 'no-record'
  }
  if (state.forwarded) return 'already-forwarded'
  return deliver(redis, envCtx.keys, client, state)
}

export function forwardProcessor(envCtx: EnvContext, redis: Redis, queue: Queue, client: BackOfficeClient | undefined, log: FastifyBaseLogger) {
  return async (job: AnyForwardJob): Promise<string> => {
    const last = (err: unknown) => err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    if (isBatch(job)) {
      try {
        return await forwardBatch(envCtx, redis, queue, client, job)
      } catch (err) {
        if (!last(err)) throw err
        await splitAll(envCtx, redis, queue, job.data.messageIds)
        log.warn({ err, messages: job.data.messageIds.length }, 'forward batch failed for good; its messages continue as single jobs')
        return 'split'
      }
    }
    const data = job.data
    const started = Date.now()
    try {
      const outcome = await forwardOne(envCtx, redis, client, log, job)
      await recordJob(envCtx.redis, envCtx.keys, QUEUES.forward, 'completed', Date.now() - started, undefined, job.attemptsMade + 1).catch(() => {})
      return outcome
    } catch (err) {
      const final = last(err)
      await recordJob(envCtx.redis, envCtx.keys, QUEUES.forward, final ? 'dead_lettered' : 'retried', Date.now() - started, failureCause(err), job.attemptsMade + 1).catch(() => {})
      if (final) {
        await recordDeadLettered(redis, envCtx.keys, data.messageId, (err as Error).message).catch((e: unknown) => {
          log.error({ err: e, messageId: data.messageId }, 'could not mark the feedback DEAD_LETTERED')
        })
      }
      throw err
    }
  }
}

export async function startForwardWorker(envCtx: EnvContext, redisUrl: string, log: FastifyBaseLogger): Promise<RunningWorker> {
  const name = `${envCtx.env}/${QUEUES.forward}`
  // One blocking-tolerant connection for BullMQ (it duplicates it for its blocking reads) and our
  // store steps: while Redis is down they wait instead of burning the job's attempts.
  const redis = workerConnection(redisUrl)
  redisStatusLog(log).watchClient(`forward connection ${name}`, redis)
  const url = envCtx.config.INSPECTION_URL
  const client = url ? backOfficeClient(url, envCtx.config.FORWARD_TIMEOUT_MS) : undefined
  const queue = envCtx.queues.forward
  const worker = new Worker<ForwardJobData | ForwardBatchData, string>(QUEUES.forward, forwardProcessor(envCtx, redis, queue, client, log) as (job: Job<ForwardJobData | ForwardBatchData>) => Promise<string>, {
    connection: redis,
    prefix: keys.queuePrefix(envCtx.keys),
    concurrency: envCtx.config.WORKER_CONCURRENCY,
    name: FORWARD_JOB_NAME,
    ...crashRecoveryOptions(envCtx.config),
  })
  worker.on('failed', (job, err) => {
    if (job && isBatch(job as AnyForwardJob)) {
      // 'failed' comes for every failed attempt; BullMQ retries those. A batch fails for good here
      // only when it stalled past the limit (the processor splits one on its last attempt itself):
      // split it and drop it.
      if (err.message !== STALL_LIMIT_REASON) return
      const batch = job as Job<ForwardBatchData>
      splitAll(envCtx, redis, queue, batch.data.messageIds)
        .then(() => batch.remove())
        .catch((e: unknown) => log.error({ err: e, jobId: batch.id }, 'could not split a failed forward batch; replay it from the dead letters'))
      return
    }
    const single = job as Job<ForwardJobData> | undefined
    if (single && (err instanceof UnrecoverableError || single.attemptsMade >= (single.opts.attempts ?? 1))) {
      log.warn({ env: envCtx.env, messageId: single.id, reason: err.message }, 'feedback forward dead-lettered')
    }
    // BullMQ fails a job that lost its worker too often without calling the processor, so the
    // processor's DEAD_LETTERED marking never ran: mark it here (a no-op unless still RECEIVED).
    if (single && err.message === STALL_LIMIT_REASON) {
      recordDeadLettered(redis, envCtx.keys, single.data.messageId, err.message).catch((e: unknown) => {
        log.error({ err: e, messageId: single.data.messageId }, 'could not mark the feedback DEAD_LETTERED')
      })
    }
  })
  redisStatusLog(log).watchEmitter(`forward worker ${name}`, worker)

  // Outbox sweep: jobs a producer recorded but could not add (crash, Redis blip) are added here.
  const outbox = forwardOutbox(envCtx)
  const sweep = () =>
    outbox.sweep(SWEEP_EVERY_MS).catch((err: unknown) => log.warn({ err, worker: name }, 'forward outbox sweep failed; will retry'))
  void sweep()
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS)
  timer.unref()

  await worker.waitUntilReady()
  return {
    name,
    async close() {
      clearInterval(timer)
      await worker.close()
      await client?.close()
      redis.disconnect()
    },
  }
}
