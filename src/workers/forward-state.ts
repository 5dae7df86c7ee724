/**
 * What the forward worker reads and does per message: the stored feedback and its blinker (read for
 * many messages in two round trips), then POST → record, or the built-in inbox. Shared by the
 * single-message and the batch job (forward-worker.ts).
 */
import { UnrecoverableError } from 'bullmq'
import type { Redis } from 'ioredis'
import { TransientForwardError, type BackOfficeClient, type ForwardBody } from '../delivery/back-office-client.js'
import type { BlinkerStatus, Feedback, PublishedBlinker } from '../domain/model.js'
import type { BatchFailure } from '../queue/forward-queue.js'
import { recordForwarded } from '../store/feedback-progress-store.js'
import { keys } from '../store/keys.js'

export interface ForwardState {
  messageId: string
  /** false: no record (purged, or an id that was never stored). */
  exists: boolean
  forwarded: boolean
  sender: string
  blinkerId: string
  feedback: Feedback | undefined
  receivedAt: string
  blinker: PublishedBlinker | undefined
}

const FEEDBACK_FIELDS = ['status', 'forwardedAt', 'doc', 'party', 'receivedAt', 'blinkerId'] as const

function replies(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('pipeline aborted')
  return results.map(([err, value]) => {
    if (err) throw err
    return value
  })
}

const BLINKER_FIELDS = ['doc', 'status', 'publishedAt'] as const

function toBlinker(value: unknown): PublishedBlinker | undefined {
  const [doc, status, publishedAt] = value as (string | null)[]
  return doc && status && publishedAt ? { ...(JSON.parse(doc) as PublishedBlinker), status: status as BlinkerStatus, publishedAt } : undefined
}

/**
 * The states of messages, in order: one pipeline for the records, one for the blinkers still to
 * send. `blinkerId` given (a single job knows it): one pipeline for both.
 */
export async function readStates(redis: Redis, prefix: string, messageIds: readonly string[], blinkerId?: string): Promise<ForwardState[]> {
  const reads = redis.pipeline()
  for (const id of messageIds) reads.hmget(keys.feedback(prefix, id), ...FEEDBACK_FIELDS)
  if (blinkerId !== undefined) reads.hmget(keys.blinker(prefix, blinkerId), ...BLINKER_FIELDS)
  const values = replies(await reads.exec())
  const states = values.slice(0, messageIds.length).map((value, i): ForwardState => {
    const [status, forwardedAt, doc, party, receivedAt, storedBlinkerId] = value as (string | null)[]
    return {
      messageId: messageIds[i] as string,
      exists: Boolean(status && doc && storedBlinkerId),
      forwarded: Boolean(forwardedAt),
      sender: party ?? '',
      blinkerId: storedBlinkerId ?? '',
      feedback: doc ? (JSON.parse(doc) as Feedback) : undefined,
      receivedAt: receivedAt ?? '',
      blinker: undefined,
    }
  })
  const pending = states.filter((s) => s.exists && !s.forwarded)
  if (blinkerId !== undefined) {
    for (const s of pending) if (s.blinkerId === blinkerId) s.blinker = toBlinker(values[messageIds.length])
    return states
  }
  if (pending.length === 0) return states
  const blinkers = redis.pipeline()
  for (const s of pending) blinkers.hmget(keys.blinker(prefix, s.blinkerId), ...BLINKER_FIELDS)
  replies(await blinkers.exec()).forEach((value, i) => {
    ;(pending[i] as ForwardState).blinker = toBlinker(value)
  })
  return states
}

/** A failed POST as it is kept on a split-out job; statusCode / code feed the metrics' cause label. */
export function batchFailureOf(err: unknown): BatchFailure {
  const e = err as { message?: string; statusCode?: number; code?: string }
  const failure: BatchFailure = { reason: String(e?.message ?? err).slice(0, 500), permanent: err instanceof UnrecoverableError }
  if (typeof e?.statusCode === 'number') failure.statusCode = e.statusCode
  if (typeof e?.code === 'string') failure.code = e.code
  return failure
}

/** The error a split-out job's first attempt ends with: what its POST inside the batch met. */
export function errorOf(f: BatchFailure): Error {
  if (f.permanent) return Object.assign(new UnrecoverableError(f.reason), f.statusCode === undefined ? {} : { statusCode: f.statusCode })
  return new TransientForwardError(f.reason, f.statusCode, f.code)
}

/**
 * Sends one message that is stored and not yet forwarded, then records it (feedback FORWARDED,
 * blinker FORWARDED). Without a back office it goes into the built-in inspection inbox instead.
 * Throws what the back office's answer means (transient or UnrecoverableError).
 */
export async function deliver(redis: Redis, prefix: string, client: BackOfficeClient | undefined, s: ForwardState): Promise<'forwarded' | 'inbox'> {
  if (!s.blinker || !s.feedback) throw new UnrecoverableError(`blinker ${s.blinkerId} no longer exists`)
  const body: ForwardBody = { feedback: s.feedback, blinker: s.blinker, receivedAt: s.receivedAt, softwareHouse: s.sender }
  if (client) {
    await client.forward(s.messageId, body)
    await recordForwarded(redis, prefix, s.messageId, s.blinkerId, 'inspection')
    return 'forwarded'
  }
  await recordForwarded(redis, prefix, s.messageId, s.blinkerId, 'inspection-inbox', JSON.stringify(body))
  return 'inbox'
}

/** Runs `fn` over items with at most `limit` at once; results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return out
}
