/**
 * The feedback rules that need no stored state (contract sections 3 and 7), as pure functions, so
 * REST, SOAP and the batch path judge a message identically before touching Redis. The rules that
 * need the blinker (it exists, its CPAS, its flow, not CLOSED) run inside the store's one Lua step
 * (store/feedback-store.ts); `storeOutcomeError` below turns that step's verdict into the same
 * contract errors.
 *
 * Status decisions (documented in the README, section "Feedback"):
 * - unknown code, or a code whose flows exclude the blinker's flow → 422 GW_ERR_CODE_NOT_FOR_FLOW;
 * - code 999 (commentRequired in the catalogue) without a comment → 422 GW_ERR_BUSINESS_RULE: the
 *   message matches its schema (comment is optional there, because which codes need one is
 *   catalogue data, not schema), so it is a business rule, not a 400;
 * - cpasKbo not served by the caller → 403 GW_ERR_FORBIDDEN_CPAS (contract: "wrong CPAS");
 * - cpasKbo served by the caller but not the blinker's CPAS → 422 GW_ERR_BUSINESS_RULE if the
 *   blinker's CPAS is also served by the caller (a data error the caller can fix), 403
 *   GW_ERR_FORBIDDEN_CPAS if it is not (the caller has no business with that blinker; the answer
 *   does not say whose it is).
 */
import { hash } from 'node:crypto'
import { GatewayError, type ErrorCode, type FieldError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { feedbackCode, type FeedbackCode } from './feedback-codes.js'
import { normalizeMessageId } from './identifiers.js'
import { FIELD_ORDER, type Feedback } from './model.js'

/** A rule violation: the contract code plus the field it is about. */
export interface RuleViolation {
  code: ErrorCode
  error: FieldError
}

/**
 * The canonical form of a feedback: messageId in lower case, fields in the XSD order, nothing
 * else. Its digest is the idempotency fingerprint, so the same message sent over REST and over
 * SOAP (or with the messageId in another case) is the same message.
 */
export function canonicalFeedback(f: Feedback): Feedback {
  const out: Record<string, unknown> = {}
  for (const field of FIELD_ORDER.feedback) {
    const value = field === 'messageId' ? normalizeMessageId(f.messageId) : f[field]
    if (value !== undefined) out[field] = value
  }
  return out as unknown as Feedback
}

export const feedbackDigest = (canonicalJson: string): string => hash('sha256', canonicalJson)

/** The catalogue entry of a feedback whose stateless rules pass, or the first violation. */
export function checkFeedback(f: Feedback, caller: Party, basePath = ''): { entry: FeedbackCode } | { violation: RuleViolation } {
  if (caller.role === 'software-house' && !caller.cpas.has(f.cpasKbo)) {
    return { violation: { code: 'GW_ERR_FORBIDDEN_CPAS', error: { path: `${basePath}/cpasKbo`, message: `CPAS ${f.cpasKbo} is not served by ${caller.id}` } } }
  }
  const entry = feedbackCode(f.code)
  if (!entry) {
    return { violation: { code: 'GW_ERR_CODE_NOT_FOR_FLOW', error: { path: `${basePath}/code`, message: `code ${f.code} is not in the feedback-code catalogue (GET /schemas/feedback-codes.json)` } } }
  }
  if (entry.commentRequired && (f.comment === undefined || f.comment.trim() === '')) {
    return { violation: { code: 'GW_ERR_BUSINESS_RULE', error: { path: `${basePath}/comment`, message: `is required for code ${f.code}` } } }
  }
  return { entry }
}

/** The catalogue flows of a code as the store script wants them: 'ALL' or a comma list. */
export const flowsArg = (entry: FeedbackCode): string => (entry.flows === 'ALL' ? 'ALL' : entry.flows.join(','))

/** Verdicts of the store step that are rule violations (see feedback-store.ts). */
export type StoreRefusal =
  | { kind: 'missing' }
  | { kind: 'cpas'; blinkerCpas: string }
  | { kind: 'flow'; flow: string }
  | { kind: 'closed' }
  | { kind: 'reused' }
  | { kind: 'illegal'; status: string }

/** The contract error of a store refusal for this message and caller. */
export function refusalViolation(r: StoreRefusal, f: Feedback, caller: Party, basePath = ''): RuleViolation {
  switch (r.kind) {
    case 'missing':
      return { code: 'GW_ERR_UNKNOWN_BLINKER', error: { path: `${basePath}/blinkerId`, message: `no blinker ${f.blinkerId} in this environment` } }
    case 'cpas':
      if (caller.role === 'software-house' && !caller.cpas.has(r.blinkerCpas)) {
        return { code: 'GW_ERR_FORBIDDEN_CPAS', error: { path: `${basePath}/blinkerId`, message: `blinker ${f.blinkerId} does not belong to a CPAS served by ${caller.id}` } }
      }
      return { code: 'GW_ERR_BUSINESS_RULE', error: { path: `${basePath}/cpasKbo`, message: `must be the blinker's CPAS ${r.blinkerCpas}` } }
    case 'flow':
      return { code: 'GW_ERR_CODE_NOT_FOR_FLOW', error: { path: `${basePath}/code`, message: `code ${f.code} does not apply to the blinker's flow ${r.flow}` } }
    case 'closed':
      return { code: 'GW_ERR_BLINKER_CLOSED', error: { path: `${basePath}/blinkerId`, message: `blinker ${f.blinkerId} is CLOSED` } }
    case 'reused':
      return { code: 'GW_ERR_MESSAGE_ID_REUSED', error: { path: `${basePath}/messageId`, message: `messageId ${f.messageId} was already used for a different message` } }
    case 'illegal':
      return { code: 'GW_ERR_ILLEGAL_TRANSITION', error: { path: `${basePath}/blinkerId`, message: `blinker ${f.blinkerId} is ${r.status}; feedback is not allowed from there` } }
  }
}

/** A violation as the error a single-message answer throws. */
export const violationError = (v: RuleViolation): GatewayError => new GatewayError(v.code, v.error.message, [v.error])

/**
 * The feedback message's own status (model FEEDBACK_STATUSES), next to the blinker's lifecycle:
 * the statuses each step may start from. A step from anywhere else changes nothing.
 * - FORWARDED: the back office (or the built-in inbox) took it; also after a replayed dead letter.
 * - DEAD_LETTERED: forwarding failed for good; a replay that succeeds moves it on to FORWARDED.
 * - ACCEPTED / REFUSED: the inspection's decision; final (another decision is a 409).
 */
export const FEEDBACK_STEPS = {
  FORWARDED: ['RECEIVED', 'DEAD_LETTERED'],
  DEAD_LETTERED: ['RECEIVED'],
  DECIDED: ['RECEIVED', 'FORWARDED', 'DEAD_LETTERED'],
} as const
