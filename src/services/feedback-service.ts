/**
 * Feedback intake and status, shared by REST (POST/GET /{env}/v1/feedback) and SOAP
 * (SubmitFeedback, GetFeedbackStatus): both hand over the canonical model, so a fixture gets the
 * same verdict over either syntax.
 *
 * Per message: JSON Schema (precompiled; on the SOAP path it re-checks what the XSD cannot, e.g.
 * mod-97 checksums) → stateless rules (feedback-rules.ts) → ONE Lua step (feedback-store.ts) →
 * a share of one batch job add (through the outbox).
 *
 * The 202 boundary: a message is acknowledged once the Lua step has returned 'stored' (record,
 * blinker transition and outbox entry written together) and the job add has been attempted. If
 * Redis refuses the Lua step (down, timeout) the caller gets 503 GW_ERR_STORE_UNAVAILABLE and
 * nothing was written (a Lua step is all or nothing). If the step succeeded but the add then fails,
 * the answer is still 202: the outbox entry was written atomically with the record, so the forward
 * worker's sweep adds the job (same job id) once Redis answers; answering 503 there would tell
 * the sender "nothing stored" when it was. A re-send gets the first receipt either way.
 */
import type { FastifyBaseLogger } from 'fastify'
import { countFeedbackMessages } from '../barometer/counters-points.js'
import type { EnvContext } from '../context.js'
import {
  canonicalFeedback,
  checkFeedback,
  feedbackDigest,
  flowsArg,
  refusalViolation,
  violationError,
  type RuleViolation,
} from '../domain/feedback-rules.js'
import { isValidMessageId, normalizeMessageId } from '../domain/identifiers.js'
import type { Feedback, FeedbackStatus, HistoryEntry, Receipt } from '../domain/model.js'
import { GatewayError, type ErrorCode, type FieldError } from '../errors.js'
import { requireCpas } from '../ingress/rest/auth.js'
import type { Party } from '../parties/parties.js'
import { forwardEntry, forwardOutbox } from '../queue/forward-queue.js'
import { getFeedback, storeFeedback, storeFeedbackBatch, type FeedbackToStore, type StoreOutcome } from '../store/feedback-store.js'
import { validateMessage } from '../validation/validate-message.js'

export const MAX_FEEDBACK_BATCH = 1000

/** A batch item's error carries its own contract code, as a problem document would. */
export interface ItemError extends FieldError {
  code: ErrorCode
}

export interface BatchResult {
  receipts: Receipt[]
  rejected: { index: number; errors: ItemError[] }[]
}

export interface FeedbackStatusView {
  messageId: string
  blinkerId: string
  code: number
  status: FeedbackStatus
  history: HistoryEntry[]
}

/** Schema and stateless rules; the message ready for the store, or why not. */
function prepare(value: unknown, caller: Party, basePath: string): { ready: FeedbackToStore } | { schemaErrors: FieldError[] } | { violation: RuleViolation } {
  const schemaErrors = validateMessage('feedback', value, basePath)
  if (schemaErrors.length > 0) return { schemaErrors }
  const feedback = canonicalFeedback(value as Feedback)
  const checked = checkFeedback(feedback, caller, basePath)
  if ('violation' in checked) return checked
  const doc = JSON.stringify(feedback)
  return { ready: { feedback, doc, digest: feedbackDigest(doc), entry: checked.entry, flows: flowsArg(checked.entry), party: caller.id } }
}

/**
 * Hands the messages just recorded to the outbox, which adds them a moment later as one batch job
 * together with those of other requests (forward-queue.ts). The store step already made them
 * durable in the outbox, so the 202 need not wait for the add; a failed add is logged and left to
 * the sweep.
 */
function flush(envCtx: EnvContext, messageIds: string[], log?: FastifyBaseLogger): void {
  forwardOutbox(envCtx).later(messageIds.map(forwardEntry), (err, count) => log?.warn({ err, count }, 'forward jobs left in the outbox; the forward worker sweep will add them'))
}

/** One feedback message: its receipt (202), or the contract error. */
export async function submitFeedback(envCtx: EnvContext, caller: Party, value: unknown, log?: FastifyBaseLogger): Promise<Receipt> {
  const prepared = prepare(value, caller, '')
  // A schema refusal is counted by the error handler (a whole request refused); this one was read.
  if ('schemaErrors' in prepared) throw new GatewayError('GW_ERR_VALIDATION', 'Feedback does not match feedback.schema.json', prepared.schemaErrors)
  countFeedbackMessages(envCtx, caller, 1, 0)
  if ('violation' in prepared) throw violationError(prepared.violation)
  const m = prepared.ready
  const outcome = await storeFeedback(envCtx.redis, envCtx.keys, m)
  if (outcome.kind === 'duplicate') return outcome.receipt
  if (outcome.kind !== 'stored') throw violationError(refusalViolation(outcome, m.feedback, caller))
  flush(envCtx, [m.feedback.messageId], log)
  return outcome.receipt
}

/** Items per store step of a batch: large enough to amortize the call, short enough not to hold Redis for long. */
const STORE_SLICE = 250

/**
 * A batch: each item judged on its own; the valid ones are stored in Lua steps of up to
 * STORE_SLICE items (each item still all-or-nothing, in order, so a messageId repeated inside the
 * batch is a duplicate or a reuse like any re-send), then one batch job for the stored ones.
 * If Redis fails part-way the whole answer is 503: items already stored stay stored, and re-sending
 * the batch returns their first receipts. `at`: the messages' receivedAt; default now (the demo
 * data set's timeline passes generated ones).
 */
export async function submitFeedbackBatch(envCtx: EnvContext, caller: Party, items: readonly unknown[], log?: FastifyBaseLogger, at = new Date()): Promise<BatchResult> {
  const rejected: BatchResult['rejected'] = []
  const ready: { index: number; m: FeedbackToStore }[] = []
  items.forEach((item, index) => {
    const prepared = prepare(item, caller, `/feedback/${index}`)
    if ('schemaErrors' in prepared) rejected.push({ index, errors: prepared.schemaErrors.map((e) => ({ ...e, code: 'GW_ERR_VALIDATION' })) })
    else if ('violation' in prepared) rejected.push({ index, errors: [{ ...prepared.violation.error, code: prepared.violation.code }] })
    else ready.push({ index, m: prepared.ready })
  })
  // The barometer's refusedRequests (in memory, flushed later): items read, and refused by their schema.
  countFeedbackMessages(envCtx, caller, items.length, rejected.filter((r) => r.errors[0]?.code === 'GW_ERR_VALIDATION').length)
  const slices: (typeof ready)[] = []
  for (let i = 0; i < ready.length; i += STORE_SLICE) slices.push(ready.slice(i, i + STORE_SLICE))
  const settled = await Promise.allSettled(slices.map((slice) => storeFeedbackBatch(envCtx.redis, envCtx.keys, slice.map((r) => r.m), at)))
  const receipts: Receipt[] = []
  const stored: string[] = []
  let failure: unknown
  settled.forEach((s, k) => {
    if (s.status === 'rejected') {
      failure ??= s.reason
      return
    }
    s.value.forEach((outcome: StoreOutcome, i) => {
      const { index, m } = slices[k]?.[i] as { index: number; m: FeedbackToStore }
      if (outcome.kind === 'stored' || outcome.kind === 'duplicate') {
        receipts.push(outcome.receipt)
        if (outcome.kind === 'stored') stored.push(m.feedback.messageId)
      } else {
        const v = refusalViolation(outcome, m.feedback, caller, `/feedback/${index}`)
        rejected.push({ index, errors: [{ ...v.error, code: v.code }] })
      }
    })
  })
  flush(envCtx, stored, log)
  if (failure !== undefined) throw failure
  rejected.sort((a, b) => a.index - b.index)
  return { receipts, rejected }
}

/** A message id from a path or SOAP element: checked (400), then normalized. */
export function parseMessageId(value: string): string {
  if (!isValidMessageId(value)) throw new GatewayError('GW_ERR_BAD_PARAMETER', 'messageId must be a UUID', [{ path: 'messageId', message: 'must be a UUID' }])
  return normalizeMessageId(value)
}

/** GET /feedback/{messageId}, GetFeedbackStatus: software houses see the CPAS they serve; the inspection all. */
export async function feedbackStatus(envCtx: EnvContext, caller: Party, rawMessageId: string): Promise<FeedbackStatusView> {
  const messageId = parseMessageId(rawMessageId)
  const record = await getFeedback(envCtx.redis, envCtx.keys, messageId, true)
  if (!record) throw new GatewayError('GW_ERR_UNKNOWN_MESSAGE', `No feedback message ${messageId} in this environment`)
  requireCpas(caller, record.cpas)
  return { messageId, blinkerId: record.blinkerId, code: record.code, status: record.status, history: record.history ?? [] }
}
