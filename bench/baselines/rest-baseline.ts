/**
 * The raw REST baselines: the least a server must do for each gateway path, with the same
 * libraries, on the same Redis, with the same job options (attempts, backoff, retention).
 *   POST /feedback        fastify + feedback.schema.json as route schema (fastify's own ajv, with
 *                         the same kbo/niss checksum formats) + queue.add(jobId = messageId) → 202
 *   POST /feedback-batch  { feedback: [...] } → one addBulk → 202 (no per-item work: the floor)
 *   POST /blinkers        { blinkers: [...] } → one addBulk (jobId = blinkerId) → 202
 *   POST /e2e-batch       like /feedback-batch, into the queue the worker baseline consumes
 * No auth, no rules, no state records, no outbox: what the gateway adds on top is what the ratio
 * prices.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Queue, type JobsOptions } from 'bullmq'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { isValidKbo, isValidNiss } from '../../src/domain/identifiers.js'
import { SCHEMAS_DIR } from '../../src/paths.js'
import { jobOptions } from '../../src/queue/queues.js'
import { isMain, need } from '../lib/main.js'

/** Same defaults as the gateway's forward queue (FORWARD_ATTEMPTS 12, FORWARD_BACKOFF_MS 2000). */
export const BASELINE_JOB_OPTIONS: JobsOptions = jobOptions(12, 2000)
/** Queue names of the baselines, under their own prefix. */
export const BASELINE_QUEUES = { feedback: 'forward', publish: 'publish', e2e: 'e2e' } as const

/** The baselines' feedback queue under `prefix`, on its own Redis connection. */
export function feedbackQueue(redisUrl: string, prefix: string): { queue: Queue; close(): Promise<void> } {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(BASELINE_QUEUES.feedback, { connection: redis, prefix })
  return {
    queue,
    async close() {
      await queue.close()
      redis.disconnect()
    },
  }
}

/** A published schema file without its $schema line (fastify's default ajv is draft-07 mode). */
function schemaFile(name: string): Record<string, unknown> {
  const { $schema: _drop, ...schema } = JSON.parse(readFileSync(resolve(SCHEMAS_DIR, name), 'utf8')) as Record<string, unknown>
  return schema
}

interface FeedbackBody {
  messageId: string
}

export interface RestBaseline {
  app: FastifyInstance
  close(): Promise<void>
}

/** Builds (not listens) the baseline app on its own Redis connection, queues under `prefix`. */
export async function restBaseline(redisUrl: string, prefix: string): Promise<RestBaseline> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = (name: string) => new Queue(name, { connection: redis, prefix })
  const feedbackQueue = queue(BASELINE_QUEUES.feedback)
  const publishQueue = queue(BASELINE_QUEUES.publish)
  const e2eQueue = queue(BASELINE_QUEUES.e2e)
  const app = Fastify({
    logger: false,
    bodyLimit: 8 * 1024 * 1024,
    ajv: { customOptions: { formats: { kbo: isValidKbo, niss: isValidNiss } } },
  })
  app.addSchema(schemaFile('common.schema.json'))
  app.addSchema(schemaFile('feedback.schema.json'))

  app.post<{ Body: FeedbackBody }>('/feedback', { schema: { body: { $ref: 'feedback.schema.json#' } } }, async (request, reply) => {
    const messageId = request.body.messageId.toLowerCase()
    await feedbackQueue.add('forward', request.body, { ...BASELINE_JOB_OPTIONS, jobId: messageId })
    return reply.code(202).send({ messageId, receivedAt: new Date().toISOString(), status: 'RECEIVED' })
  })

  const bulk = (q: Queue, items: { messageId?: string; blinkerId?: string }[], name: string) =>
    q.addBulk(items.map((data) => ({ name, data, opts: { ...BASELINE_JOB_OPTIONS, jobId: (data.messageId ?? data.blinkerId ?? '').toLowerCase() } })))

  app.post<{ Body: { feedback: FeedbackBody[] } }>('/feedback-batch', async (request, reply) => {
    await bulk(feedbackQueue, request.body.feedback, 'forward')
    return reply.code(202).send({ receipts: request.body.feedback.length, rejected: [] })
  })
  app.post<{ Body: { feedback: FeedbackBody[] } }>('/e2e-batch', async (request, reply) => {
    await bulk(e2eQueue, request.body.feedback, 'forward')
    return reply.code(202).send({ receipts: request.body.feedback.length, rejected: [] })
  })
  app.post<{ Body: { blinkers: { blinkerId: string }[] } }>('/blinkers', async (request, reply) => {
    await bulk(publishQueue, request.body.blinkers, 'publish')
    return reply.code(202).send({ accepted: request.body.blinkers.length, duplicates: 0, rejected: [] })
  })
  app.get('/health', async () => ({ ok: true }))

  return {
    app,
    async close() {
      await app.close()
      for (const q of [feedbackQueue, publishQueue, e2eQueue]) await q.close()
      redis.disconnect()
    },
  }
}

if (isMain(import.meta.url)) {
  const baseline = await restBaseline(need('REDIS_URL'), need('BENCH_PREFIX'))
  await baseline.app.listen({ host: '127.0.0.1', port: Number(need('PORT')) })
  process.once('SIGTERM', () => void baseline.close().then(() => process.exit(0)))
}
