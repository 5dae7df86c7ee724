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
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { backOfficeClient, type BackOfficeClient, type ForwardBody } from '../delivery/back-office-client.js'
import type { BlinkerStatus, PublishedBlinker } from '../domain/model.js'
import { failureCause, recordJob } from '../observability/job-metrics.js'
import { FORWARD_JOB_NAME, forwardOutbox, type ForwardJobData } from '../queue/forward-queue.js'
import { keys } from '../store/keys.js'
import { QUEUES } from '../queue/queues.js'
import { recordDeadLettered, recordForwarded } from '../store/feedback-progress-store.js'
import { workerConnection } from '../store/redis-client.js'
import type { RunningWorker } from './start-workers.js'
import { crashRecoveryOptions, STALL_LIMIT_REASON } from './worker-options.js'

const SWEEP_EVERY_MS = 5000

/** Forwarded already? And the blinker as it is now. One round trip. */
async function readState(redis: Redis, prefix: string, data: ForwardJobData): Promise<{ forwarded: boolean; exists: boolean; blinker: PublishedBlinker | undefined }> {
  const results = await redis
    .multi()
    .hmget(keys.feedback(prefix, data.messageId), 'status', 'forwardedAt')
    .hmget(keys.blinker(prefix, data.blinkerId), 'doc', 'status', 'publishedAt')
    .exec()
  if (!results) throw new Error('MULTI aborted')
  for (const [err] of results) if (err) throw err
  const [status, forwardedAt] = results[0]?.[1] as (string | null)[]
  const [doc, bStatus, publishedAt] = results[1]?.[1] as (string | null)[]
  const blinker = doc && bStatus && publishedAt ? { ...(JSON.parse(doc) as PublishedBlinker), status: bStatus as BlinkerStatus, publishedAt } : undefined
  return { forwarded: Boolean(forwardedAt), exists: Boolean(status), blinker }
}

export function forwardProcessor(envCtx: EnvContext, redis: Redis, client: BackOfficeClient | undefined, log: FastifyBaseLogger) {
  return async (job: Job<ForwardJobData>): Promise<string> => {
    const data = job.data
    const started = Date.now()
    try {
      const outcome = await forwardOne(envCtx, redis, client, log, data)
      await recordJob(envCtx.redis, envCtx.keys, QUEUES.forward, 'completed', Date.now() - started, undefined, job.attemptsMade + 1).catch(() => {})
      return outcome
    } catch (err) {
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      await recordJob(envCtx.redis, envCtx.keys, QUEUES.forward, last ? 'dead_lettered' : 'retried', Date.now() - started, failureCause(err), job.attemptsMade + 1).catch(() => {})
      if (last) {
        await recordDeadLettered(redis, envCtx.keys, data.messageId, (err as Error).message).catch((e: unknown) => {
          log.error({ err: e, messageId: data.messageId }, 'could not mark the feedback DEAD_LETTERED')
        })
      }
      throw err
    }
  }
}

/** One forward: skip what is already done, else the back office or the inbox, then the record. */
async function forwardOne(envCtx: EnvContext, redis: Redis, client: BackOfficeClient | undefined, log: FastifyBaseLogger, data: ForwardJobData): Promise<string> {
  const state = await readState(redis, envCtx.keys, data)
  if (!state.exists) {
    log.warn({ messageId: data.messageId }, 'forward job without a stored feedback; dropped')
    return 'no-record'
  }
  if (state.forwarded) return 'already-forwarded'
  if (!state.blinker) throw new UnrecoverableError(`blinker ${data.blinkerId} no longer exists`)
  const body: ForwardBody = { feedback: data.feedback, blinker: state.blinker, receivedAt: data.receivedAt, softwareHouse: data.sender }
  if (client) {
    await client.forward(data.messageId, body)
    await recordForwarded(redis, envCtx.keys, data.messageId, data.blinkerId, 'inspection')
    return 'forwarded'
  }
  await recordForwarded(redis, envCtx.keys, data.messageId, data.blinkerId, 'inspection-inbox', JSON.stringify(body))
  return 'inbox'
}

export async function startForwardWorker(envCtx: EnvContext, redisUrl: string, log: FastifyBaseLogger): Promise<RunningWorker> {
  const name = `${envCtx.env}/${QUEUES.forward}`
  // One blocking-tolerant connection for BullMQ (it duplicates it for its blocking reads) and our
  // store steps: while Redis is down they wait instead of burning the job's attempts.
  const redis = workerConnection(redisUrl)
  const url = envCtx.config.INSPECTION_URL
  const client = url ? backOfficeClient(url, envCtx.config.FORWARD_TIMEOUT_MS) : undefined
  const worker = new Worker<ForwardJobData, string>(QUEUES.forward, forwardProcessor(envCtx, redis, client, log), {
    connection: redis,
    prefix: keys.queuePrefix(envCtx.keys),
    concurrency: envCtx.config.WORKER_CONCURRENCY,
    name: FORWARD_JOB_NAME,
    ...crashRecoveryOptions(envCtx.config),
  })
  worker.on('failed', (job, err) => {
    if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      log.warn({ env: envCtx.env, messageId: job.id, reason: err.message }, 'feedback forward dead-lettered')
    }
    // BullMQ fails a job that lost its worker too often without calling the processor, so the
    // processor's DEAD_LETTERED marking never ran: mark it here (a no-op unless still RECEIVED).
    if (job && err.message === STALL_LIMIT_REASON) {
      recordDeadLettered(redis, envCtx.keys, job.data.messageId, err.message).catch((e: unknown) => {
        log.error({ err: e, messageId: job.data.messageId }, 'could not mark the feedback DEAD_LETTERED')
      })
    }
  })
  worker.on('error', (err) => log.error({ err, worker: name }, 'forward worker error'))

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
