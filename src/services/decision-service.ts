/**
 * The inspection's decision on a feedback message (POST /{env}/v1/decisions).
 *
 * - ACCEPTED on a cancellation (UNJUSTIFIED code): ACCEPT → the blinker is CLOSED; its history
 *   records the cause (the message and the reason).
 * - REFUSED (any code): REFUSE → the blinker is REOPENED; the software house may send new feedback.
 * - ACCEPTED on a JUSTIFIED feedback (e.g. code 2, "recovery decided, follow-up continues"): the
 *   inspection takes note; the feedback becomes ACCEPTED but the blinker is not moved — it stays
 *   open until resolve (form D received or form corrected), as the seed describes.
 * - A decision is final: the same decision again answers 200 with the current state (no second
 *   effect); the other decision afterwards is 409 GW_ERR_ILLEGAL_TRANSITION.
 * - A blinker that cannot take the event (CLOSED by resolve meanwhile) → 409 GW_ERR_BLINKER_CLOSED
 *   and nothing is recorded on the feedback either.
 */
import type { EnvContext } from '../context.js'
import type { BlinkerStatus, FeedbackStatus, HistoryEntry } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { keys } from '../store/keys.js'
import { recordDecision, type Decision } from '../store/feedback-progress-store.js'
import { getFeedback } from '../store/feedback-store.js'
import { parseMessageId } from './feedback-service.js'

export interface DecisionRequest {
  messageId: string
  decision: Decision
  reason?: string
}

export interface DecisionView {
  messageId: string
  blinkerId: string
  code: number
  decision: Decision
  status: FeedbackStatus
  blinkerStatus: BlinkerStatus
  history: HistoryEntry[]
}

/**
 * `by` is who decides, as history and audit record it: the person logged in on the pages
 * (actor(request), src/accounts/actor.ts), else the calling party's id.
 */
/** `at`: the decision's time; default now (the demo data set's timeline passes generated ones). */
export async function decide(envCtx: EnvContext, by: string, req: DecisionRequest, at?: string): Promise<DecisionView> {
  const messageId = parseMessageId(req.messageId)
  const before = await getFeedback(envCtx.redis, envCtx.keys, messageId)
  if (!before) throw new GatewayError('GW_ERR_UNKNOWN_MESSAGE', `No feedback message ${messageId} in this environment`)
  const outcome = await recordDecision(envCtx.redis, envCtx.keys, messageId, before.blinkerId, req.decision, req.reason, by, at)
  switch (outcome.kind) {
    case 'missing':
      throw new GatewayError('GW_ERR_UNKNOWN_MESSAGE', `No feedback message ${messageId} in this environment`)
    case 'blinker-missing':
      throw new GatewayError('GW_ERR_UNKNOWN_BLINKER', `No blinker ${before.blinkerId} in this environment`)
    case 'decided':
      throw new GatewayError('GW_ERR_ILLEGAL_TRANSITION', `Feedback ${messageId} is already ${outcome.status}; a decision is final`)
    case 'blinker-refused':
      if (outcome.status === 'CLOSED') throw new GatewayError('GW_ERR_BLINKER_CLOSED', `Blinker ${before.blinkerId} is CLOSED`)
      throw new GatewayError('GW_ERR_ILLEGAL_TRANSITION', `Blinker ${before.blinkerId} is ${outcome.status}; the decision cannot apply from there`)
  }
  const [after, blinkerStatus] = await Promise.all([
    getFeedback(envCtx.redis, envCtx.keys, messageId, true),
    envCtx.redis.hget(keys.blinker(envCtx.keys, before.blinkerId), 'status'),
  ])
  if (!after) throw new GatewayError('GW_ERR_UNKNOWN_MESSAGE', `No feedback message ${messageId} in this environment`)
  return {
    messageId,
    blinkerId: after.blinkerId,
    code: after.code,
    decision: req.decision,
    status: after.status,
    blinkerStatus: blinkerStatus as BlinkerStatus,
    history: after.history ?? [],
  }
}
