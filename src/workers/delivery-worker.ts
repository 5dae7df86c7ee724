/**
 * Push delivery: one BullMQ worker per software house (queue `delivery-{partyId}`), so a slow or
 * dead webhook only ever occupies its own party's WORKER_CONCURRENCY slots; retries wait in the
 * delayed set, not in a slot. The worker reads the subscription and the blinker when it runs (a
 * changed URL or secret applies at once; no subscription any more = nothing to do, the blinker
 * waits in the pull mailbox), signs the exact body bytes and POSTs them:
 *   2xx → DELIVER (cause 'pushed'); 408/429/5xx/network/timeout → throw, BullMQ retries with
 *   exponential backoff and jitter; other answers, and a webhook whose address is inside (the
 *   target guard, checked again on every connection) → UnrecoverableError, dead-lettered at once.
 * After the last attempt the job stays in the failed set: the dead letters an operator replays.
 * The job id is the blinkerId and is sent as X-Blinker-Delivery, so a receiver can drop a repeat
 * (a retry after a lost 2xx, or an operator's replay).
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import { countPush } from '../barometer/counters-points.js'
import type { EnvContext } from '../context.js'
import { isBlockedTarget, targetGuard } from '../delivery/target-guard.js'
import { classifyStatus, signBody, WebhookClient, WebhookStatusError } from '../delivery/webhook-client.js'
import { failureCause, recordJob } from '../observability/job-metrics.js'
import { redisStatusLog } from '../observability/redis-status-log.js'
import { deliveryOutbox, type DeliveryJobData } from '../queue/delivery-outbox.js'
import { deliveryQueueName } from '../queue/queues.js'
import { applyEvent, getBlinker } from '../store/blinker-store.js'
import { keys } from '../store/keys.js'
import { workerConnection } from '../store/redis-client.js'
import { getSubscription } from '../store/subscription-store.js'
import type { RunningWorker, WorkerStarter } from './start-workers.js'
import { crashRecoveryOptions } from './worker-options.js'

export const DELIVERY_HEADERS = {
  signature: 'x-blinker-signature',
  delivery: 'x-blinker-delivery',
  attempt: 'x-blinker-attempt',
  environment: 'x-blinker-environment',
} as const

/** How often each party's outbox is swept for jobs a crashed publisher did not add. */
const SWEEP_EVERY_MS = 5000

export type DeliveryOutcome = 'pushed' | 'no-subscription' | 'missing' | 'not-served'

/** One attempt of one delivery job (exported for tests that drive it without a queue). */
export async function deliverJob(envCtx: EnvContext, client: WebhookClient, job: Pick<Job<DeliveryJobData>, 'id' | 'data' | 'attemptsMade'>): Promise<DeliveryOutcome> {
  const { party } = job.data
  const blinkerId = String(job.id)
  const sub = await getSubscription(envCtx.redis, envCtx.keys, party)
  if (!sub) return 'no-subscription'
  const blinker = await getBlinker(envCtx.redis, envCtx.keys, blinkerId)
  if (!blinker) return 'missing'
  // A CPAS moved to another software house since publication is not pushed to the old one.
  if (envCtx.parties.knownCpas.get(blinker.cpasKbo)?.servedBy !== party) return 'not-served'
  const body = JSON.stringify(blinker)
  const status = await client
    .post(sub.url, body, {
      [DELIVERY_HEADERS.signature]: signBody(sub.secret, body),
      [DELIVERY_HEADERS.delivery]: blinkerId,
      [DELIVERY_HEADERS.attempt]: String(job.attemptsMade + 1),
      [DELIVERY_HEADERS.environment]: envCtx.env,
    })
    .catch((err: unknown) => {
      // An inside address (DNS changed since the subscription, or an allow-list narrowed): no
      // retry can make it right, so it is a dead letter at once with the reason.
      if (isBlockedTarget(err)) throw Object.assign(new UnrecoverableError(`push refused: ${err.message}`), { cause: err })
      throw err
    })
  const verdict = classifyStatus(status)
  if (verdict === 'retry') throw new WebhookStatusError(status)
  if (verdict === 'permanent') {
    const err = new UnrecoverableError(`webhook answered HTTP ${status}; not retried`)
    ;(err as UnrecoverableError & { statusCode?: number }).statusCode = status
    throw err
  }
  // DELIVER never refuses (later statuses are no-ops), so this cannot undo the push.
  await applyEvent(envCtx.redis, envCtx.keys, blinkerId, 'DELIVER', 'pushed', party)
  return 'pushed'
}

export const startDeliveryWorkers: WorkerStarter = async (envCtx, redisUrl, log: FastifyBaseLogger): Promise<RunningWorker> => {
  const connection = workerConnection(redisUrl)
  const status = redisStatusLog(log)
  status.watchClient(`delivery connection ${envCtx.env}`, connection)
  const client = new WebhookClient(envCtx.config.DELIVERY_TIMEOUT_MS, targetGuard(envCtx.config))
  const prefix = keys.queuePrefix(envCtx.keys)
  const workers: Worker[] = []
  for (const party of envCtx.deliveryQueues.keys()) {
    const queueName = deliveryQueueName(party)
    const worker = new Worker<DeliveryJobData, DeliveryOutcome>(
      queueName,
      async (job) => {
        const started = Date.now()
        try {
          const outcome = await deliverJob(envCtx, client, job)
          // The barometer's pushDeadLettered: pushes that ended, in memory (counters-buffer.ts).
          if (outcome === 'pushed') countPush(envCtx, party, 'delivered')
          await recordJob(envCtx.redis, envCtx.keys, queueName, 'completed', Date.now() - started, undefined, job.attemptsMade + 1).catch(() => {})
          return outcome
        } catch (err) {
          const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
          if (last) countPush(envCtx, party, 'deadLettered')
          await recordJob(envCtx.redis, envCtx.keys, queueName, last ? 'dead_lettered' : 'retried', Date.now() - started, failureCause(err), job.attemptsMade + 1).catch(() => {})
          throw err
        }
      },
      { connection, prefix, concurrency: envCtx.config.WORKER_CONCURRENCY, autorun: true, ...crashRecoveryOptions(envCtx.config) },
    )
    worker.on('failed', (job, err) => {
      if (job && isBlockedTarget(err)) {
        log.warn({ env: envCtx.env, party, blinkerId: job.id, reason: err.message }, 'push delivery refused: the webhook address is inside (not retried, dead-lettered)')
      } else if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
        log.warn({ env: envCtx.env, party, blinkerId: job.id, reason: err.message }, 'push delivery dead-lettered')
      }
    })
    status.watchEmitter(`delivery worker ${envCtx.env}/${party}`, worker)
    workers.push(worker)
  }

  let sweeping = false
  const sweep = async () => {
    if (sweeping) return
    sweeping = true
    try {
      for (const party of envCtx.deliveryQueues.keys()) await deliveryOutbox(envCtx, party)?.sweep()
    } catch (err) {
      log.warn({ err, env: envCtx.env }, 'delivery outbox sweep failed; next round retries')
    } finally {
      sweeping = false
    }
  }
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS)
  timer.unref()
  void sweep()

  return {
    name: `delivery:${envCtx.env}`,
    async close() {
      clearInterval(timer)
      await Promise.all(workers.map((w) => w.close()))
      await client.close()
      connection.disconnect()
    },
  }
}
