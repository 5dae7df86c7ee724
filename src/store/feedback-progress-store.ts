/**
 * What happens to a stored feedback afterwards, each as one Lua step so the feedback's status, its
 * history and the blinker's lifecycle never disagree:
 * - forwarded: the back office answered 2xx, or the message went into the built-in inspection
 *   inbox (in the same step, and only once: the inbox entry id is kept on the record);
 * - dead-lettered: forwarding failed for good;
 * - decided: the inspection's ACCEPTED / REFUSED, counted in the statistics in the same step
 *   (decision-stats.ts).
 * Every step is safe to repeat (worker retries, replays, a decision sent twice). Each status change
 * also moves the message in the search index (feedback-index.ts), in the same step.
 */
import type { Redis } from 'ioredis'
import { FEEDBACK_STEPS } from '../domain/feedback-rules.js'
import type { LifecycleEvent } from '../domain/lifecycle.js'
import type { BlinkerStatus, HistoryEntry } from '../domain/model.js'
import { TRANSITION_LUA, transitionArgs } from './blinker-store.js'
import { COUNT_DECISION_LUA, decisionStatsKey } from './decision-stats.js'
import { FEEDBACK_INDEX_LUA } from './feedback-index.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'

const FORWARDED_LUA = `${TRANSITION_LUA}${FEEDBACK_INDEX_LUA}
local fbKey, fbHist, bKey, bHist, inbox = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local f = redis.call('HMGET', fbKey, 'status', 'forwardedAt', 'inboxId')
if not f[1] then return {'missing', ''} end
if ARGV[1] == 'inbox' and not f[3] then
  local id = redis.call('XADD', inbox, '*', 'messageId', ARGV[2], 'body', ARGV[3])
  redis.call('HSET', fbKey, 'inboxId', id)
end
if f[2] then return {'already', f[1]} end
redis.call('HSET', fbKey, 'forwardedAt', ARGV[4], 'updatedAt', ARGV[4])
if inlist(ARGV[5], f[1]) then
  redis.call('HSET', fbKey, 'status', 'FORWARDED')
  redis.call('RPUSH', fbHist, ARGV[6])
  fbIndexMove(fbKey, f[1], 'FORWARDED')
end
local moved = transition(bKey, bHist, ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11])
return {'done', moved[1]}
`

const DEAD_LUA = `${FEEDBACK_INDEX_LUA}
local f = redis.call('HGET', KEYS[1], 'status')
if not f then return 'missing' end
if f ~= ARGV[1] then return 'kept' end
redis.call('HSET', KEYS[1], 'status', 'DEAD_LETTERED', 'updatedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[2])
fbIndexMove(KEYS[1], f, 'DEAD_LETTERED')
return 'done'
`

const DECISION_LUA = `${TRANSITION_LUA}${FEEDBACK_INDEX_LUA}${COUNT_DECISION_LUA}
local fbKey, fbHist, bKey, bHist = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local f = redis.call('HMGET', fbKey, 'status', 'kind', 'code')
if not f[1] then return {'missing', ''} end
if f[1] == ARGV[1] then return {'same', ''} end
if not inlist(ARGV[2], f[1]) then return {'decided', f[1]} end
local outcome = 'none'
if ARGV[3] == 'always' or f[2] == ARGV[3] then
  local moved = transition(bKey, bHist, ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
  if moved[1] == 'refused' or moved[1] == 'missing' then return {'blinker-' .. moved[1], moved[2]} end
  outcome = moved[1]
end
redis.call('HSET', fbKey, 'status', ARGV[1], 'decision', ARGV[5], 'updatedAt', ARGV[10])
redis.call('RPUSH', fbHist, ARGV[4])
fbIndexMove(fbKey, f[1], ARGV[1])
-- Decisions in the statistics (decision-stats.ts), in this same step: only a decision that lands counts.
countDecision(KEYS[5], bKey, f[3], ARGV[1])
return {'done', outcome}
`

const forwardedScript: LuaScript = { numberOfKeys: 5, lua: FORWARDED_LUA }
const deadScript: LuaScript = { numberOfKeys: 2, lua: DEAD_LUA }
const decisionScript: LuaScript = { numberOfKeys: 5, lua: DECISION_LUA }

const entry = (at: string, status: string, cause: string, by?: string): string => {
  const e: HistoryEntry = { at, status, cause }
  if (by) e.by = by
  return JSON.stringify(e)
}

/**
 * Records a successful forward. `inboxBody` given: the message also goes into the built-in
 * inspection inbox (once). Returns 'missing' when the record is gone, 'already' when it had been
 * recorded before (a retry after a lost answer), 'done' otherwise.
 */
export async function recordForwarded(redis: Redis, prefix: string, messageId: string, blinkerId: string, by: string, inboxBody?: string, at = new Date().toISOString()): Promise<'missing' | 'already' | 'done'> {
  const [verdict] = await runScript<[string, string]>(
    redis,
    forwardedScript,
    [keys.feedback(prefix, messageId), keys.feedbackHistory(prefix, messageId), keys.blinker(prefix, blinkerId), keys.blinkerHistory(prefix, blinkerId), keys.inspectionInbox(prefix)],
    [inboxBody === undefined ? 'backoffice' : 'inbox', messageId, inboxBody ?? '', at, FEEDBACK_STEPS.FORWARDED.join(','), entry(at, 'FORWARDED', 'forwarded', by), ...transitionArgs('FORWARDED', 'forwarded', by, at)],
  )
  return verdict as 'missing' | 'already' | 'done'
}

/** Marks a message whose forwarding failed for good (only from RECEIVED; a decided one stays). */
export async function recordDeadLettered(redis: Redis, prefix: string, messageId: string, reason: string, at = new Date().toISOString()): Promise<string> {
  return runScript<string>(redis, deadScript, [keys.feedback(prefix, messageId), keys.feedbackHistory(prefix, messageId)], [
    FEEDBACK_STEPS.DEAD_LETTERED[0],
    entry(at, 'DEAD_LETTERED', `forwarding failed: ${reason.slice(0, 200)}`),
    at,
  ])
}

export type Decision = 'ACCEPTED' | 'REFUSED'

export type DecisionOutcome =
  | { kind: 'done'; blinker: 'moved' | 'noop' | 'none' }
  | { kind: 'same' }
  | { kind: 'missing' }
  | { kind: 'decided'; status: string }
  | { kind: 'blinker-refused'; status: BlinkerStatus }
  | { kind: 'blinker-missing' }

/**
 * Applies a decision. The blinker event is REFUSE for REFUSED (always), ACCEPT for ACCEPTED only
 * when the feedback is a cancellation (UNJUSTIFIED code): a JUSTIFIED feedback's blinker stays
 * open until resolve (form D received or form corrected).
 */
export async function recordDecision(redis: Redis, prefix: string, messageId: string, blinkerId: string, decision: Decision, reason: string | undefined, by: string, at = new Date().toISOString()): Promise<DecisionOutcome> {
  const event: LifecycleEvent = decision === 'ACCEPTED' ? 'ACCEPT' : 'REFUSE'
  const cause = `${decision === 'ACCEPTED' ? 'cancellation accepted' : 'cancellation refused'} (feedback ${messageId})${reason ? `: ${reason}` : ''}`
  const [verdict, detail] = await runScript<[string, string]>(
    redis,
    decisionScript,
    [keys.feedback(prefix, messageId), keys.feedbackHistory(prefix, messageId), keys.blinker(prefix, blinkerId), keys.blinkerHistory(prefix, blinkerId), decisionStatsKey(prefix)],
    [
      decision,
      FEEDBACK_STEPS.DECIDED.join(','),
      decision === 'ACCEPTED' ? 'UNJUSTIFIED' : 'always',
      entry(at, decision, reason ? `inspection decision: ${reason}` : 'inspection decision', by),
      JSON.stringify({ decision, reason, at, by }),
      ...transitionArgs(event, cause, by, at),
    ],
  )
  switch (verdict) {
    case 'done':
      return { kind: 'done', blinker: detail as 'moved' | 'noop' | 'none' }
    case 'same':
    case 'missing':
    case 'blinker-missing':
      return { kind: verdict }
    case 'decided':
      return { kind: 'decided', status: detail }
    case 'blinker-refused':
      return { kind: 'blinker-refused', status: detail as BlinkerStatus }
    default:
      throw new Error(`decision script answered ${verdict}`)
  }
}
