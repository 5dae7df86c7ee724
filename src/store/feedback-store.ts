/**
 * Storing feedback: ONE Lua step (per message, or per slice of a batch) does, for each message, the
 * idempotency check, the rules that need the blinker, the FEEDBACK transition, the feedback record
 * with its history and the forward outbox entry. So a message is either fully accepted (record +
 * blinker moved + queued intent) or nothing at all happened for it, and two concurrent sends of
 * one messageId cannot both win. A batch in one step costs Redis one script call, not one per item.
 *
 * Order inside the step (each refusal writes nothing):
 *   1. messageId known: same digest → 'duplicate' with the FIRST receipt (even if the blinker has
 *      closed since: a retry of an accepted message must not turn into an error); other digest →
 *      'reused' (409).
 *   2. blinker missing → 404; its CPAS differs from cpasKbo → 'cpas' (403/422, see feedback-rules);
 *      its flow is not among the code's flows → 422 (checked after the CPAS, so a caller never
 *      learns the flow of another CPAS's blinker).
 *   3. FEEDBACK transition (lifecycle table): CLOSED → 409.
 */
import type { Redis } from 'ioredis'
import type { FeedbackCode } from '../domain/feedback-codes.js'
import type { StoreRefusal } from '../domain/feedback-rules.js'
import type { Feedback, FeedbackStatus, HistoryEntry, Receipt } from '../domain/model.js'
import { QUEUES } from '../queue/queues.js'
import { LIFECYCLE } from '../domain/lifecycle.js'
import { TRANSITION_LUA } from './blinker-store.js'
import { FEEDBACK_INDEX_LUA } from './feedback-index.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'
import { FEEDBACK_STAT_LUA } from './statistics-store.js'

// One step for one message or a whole batch: items are judged in order, so a messageId repeated
// inside a batch is a duplicate or a reuse like any re-send. Counters are written once at the end
// (fewer commands per item); what a message's durability rests on is written with it.
// KEYS: outbox, feedback counters, status counters, then 3 per item; ARGV: the shared 6, then
// ITEM_ARGS per item. The answer's detail for a stored or duplicate message is its receivedAt
// (the receipt is rebuilt from it). The feedback's history list holds what came after RECEIVED:
// RECEIVED itself is read off the record (getFeedback).
// A stored message also enters the search index under RECEIVED (feedback-index.ts), in this step.
const SUBMIT_LUA = `${TRANSITION_LUA}${FEEDBACK_STAT_LUA}${FEEDBACK_INDEX_LUA}
local fromCsv, to, noopCsv, now, score, per = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local ix = fbIndexPrefix(KEYS[4] or '', 'feedback:[^:]*$')
local out, deltas, counted, gathered = {}, {}, {}, {}
-- The batch's counters (timeliness, barometer) are gathered and written once per field at the end.
deferBumps()
local function submit(k, a)
  local fbKey, bKey, bHist = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local seen = redis.call('HMGET', fbKey, 'digest', 'receivedAt')
  if seen[1] then
    if seen[1] == ARGV[a] then return 'duplicate', seen[2] end
    return 'reused', ''
  end
  local b = redis.call('HMGET', bKey, 'status', 'cpas', 'fstat')
  if not b[1] then return 'missing', '' end
  if b[2] ~= ARGV[a + 3] then return 'cpas', b[2] or '' end
  local fstat = feedbackStat(bKey, b[3])
  local flow = string.match(fstat, '[^|]*$')
  if ARGV[a + 2] ~= 'ALL' and not inlist(ARGV[a + 2], flow) then
    -- The barometer's codeNotValidForFlow (barometer-counters.ts): refused, so no transition counts it.
    baroFlowRefused(bKey, now)
    return 'flow', flow
  end
  local moved = transition(bKey, bHist, fromCsv, to, noopCsv, ARGV[a + 4], now, b[1], deltas)
  if moved[1] ~= 'moved' then return moved[1], moved[2] end
  redis.call('HSET', fbKey, 'doc', ARGV[a + 1], 'digest', ARGV[a], 'status', 'RECEIVED',
    'receivedAt', now, 'updatedAt', now, 'blinkerId', ARGV[a + 6], 'cpas', ARGV[a + 3], 'code', ARGV[a + 7],
    'kind', ARGV[a + 8], 'party', ARGV[a + 9])
  fbIndexGather(gathered, ix, ARGV[a + 5], score, ARGV[a + 9])
  -- The outbox entry goes with the record (a script is not rolled back if a later item fails).
  redis.call('ZADD', KEYS[1], score, ARGV[a + 5])
  local field = fstat .. '|' .. ARGV[a + 7]
  counted[field] = (counted[field] or 0) + 1
  return 'stored', now
end
local n = (#KEYS - 3) / 3
for i = 0, n - 1 do
  local verdict, detail = submit(4 + 3 * i, 7 + per * i)
  out[#out + 1] = verdict
  out[#out + 1] = detail
end
-- The index entries go at the end, grouped (feedback-index.ts); the outbox entry stays per item.
fbIndexFlush(gathered)
flushBumps()
for field, c in pairs(counted) do redis.call('HINCRBY', KEYS[2], field, c) end
countStatus(KEYS[3], deltas)
return out
`

const ITEM_ARGS = 10
/** The FEEDBACK row of the lifecycle table, as the script takes it. */
const FEEDBACK_RULE = { from: LIFECYCLE.FEEDBACK.from.join(','), to: LIFECYCLE.FEEDBACK.to, noop: LIFECYCLE.FEEDBACK.noop.join(',') }
const submitScript: LuaScript = { numberOfKeys: null, lua: SUBMIT_LUA }

/** One message ready for the store: canonical, fingerprinted, its catalogue entry known. */
export interface FeedbackToStore {
  feedback: Feedback
  /** JSON of the canonical feedback (what is stored and forwarded). */
  doc: string
  digest: string
  entry: FeedbackCode
  flows: string
  /** Sending software house id. */
  party: string
}

export type StoreOutcome = { kind: 'stored'; receipt: Receipt } | { kind: 'duplicate'; receipt: Receipt } | StoreRefusal

export const forwardOutboxKey = (prefix: string): string => keys.outbox(prefix, QUEUES.forward)

function outcomeOf(messageId: string, verdict: string, detail: string): StoreOutcome {
  switch (verdict) {
    case 'stored':
    case 'duplicate':
      return { kind: verdict, receipt: { messageId, receivedAt: detail, status: 'RECEIVED' } }
    case 'reused':
    case 'missing':
      return { kind: verdict }
    case 'cpas':
      return { kind: 'cpas', blinkerCpas: detail }
    case 'flow':
      return { kind: 'flow', flow: detail }
    case 'refused':
      return detail === 'CLOSED' ? { kind: 'closed' } : { kind: 'illegal', status: detail }
    default:
      throw new Error(`feedback submit script answered ${verdict}`)
  }
}

/**
 * Runs the submit step for messages (one or a batch), all in ONE Lua step: each is stored or
 * refused on its own, in order; the outcomes come back in the same order.
 */
export async function storeFeedbackBatch(redis: Redis, prefix: string, items: readonly FeedbackToStore[], at = new Date()): Promise<StoreOutcome[]> {
  if (items.length === 0) return []
  const now = at.toISOString()
  const { from: fromCsv, to, noop: noopCsv } = FEEDBACK_RULE
  const keyList: string[] = [forwardOutboxKey(prefix), keys.statsFeedback(prefix), keys.statusCounts(prefix)]
  const args: (string | number)[] = [fromCsv, to, noopCsv, now, at.getTime(), ITEM_ARGS]
  for (const m of items) {
    const id = m.feedback.messageId
    const blinkerId = m.feedback.blinkerId
    keyList.push(keys.feedback(prefix, id), keys.blinker(prefix, blinkerId), keys.blinkerHistory(prefix, blinkerId))
    const blinkerEntry: HistoryEntry = { at: now, status: to, cause: `feedback ${m.feedback.code} (${m.entry.kind})`, by: m.party }
    args.push(m.digest, m.doc, m.flows, m.feedback.cpasKbo, JSON.stringify(blinkerEntry), id, blinkerId, m.feedback.code, m.entry.kind, m.party)
  }
  const flat = await runScript<string[]>(redis, submitScript, [String(keyList.length), ...keyList], args)
  const outcomes: StoreOutcome[] = []
  for (let i = 0; i < items.length; i++) outcomes.push(outcomeOf((items[i] as FeedbackToStore).feedback.messageId, flat[2 * i] as string, flat[2 * i + 1] as string))
  return outcomes
}

/** Runs the submit step for one message. */
export async function storeFeedback(redis: Redis, prefix: string, m: FeedbackToStore, at = new Date()): Promise<StoreOutcome> {
  const [outcome] = await storeFeedbackBatch(redis, prefix, [m], at)
  return outcome as StoreOutcome
}

/** The stored record of a feedback message, as the status route and the worker read it. */
export interface FeedbackRecord {
  messageId: string
  feedback: Feedback
  status: FeedbackStatus
  blinkerId: string
  cpas: string
  code: number
  kind: string
  party: string
  receivedAt: string
  forwardedAt?: string
  history?: HistoryEntry[]
}

const RECORD_FIELDS = ['doc', 'status', 'blinkerId', 'cpas', 'code', 'kind', 'party', 'receivedAt', 'forwardedAt'] as const

/** One read (MULTI when the history is wanted); undefined for an unknown messageId. */
export async function getFeedback(redis: Redis, prefix: string, messageId: string, withHistory = false): Promise<FeedbackRecord | undefined> {
  const multi = redis.multi().hmget(keys.feedback(prefix, messageId), ...RECORD_FIELDS)
  if (withHistory) multi.lrange(keys.feedbackHistory(prefix, messageId), 0, -1)
  const results = await multi.exec()
  if (!results) throw new Error('MULTI aborted')
  const [err, fields] = results[0] as [Error | null, (string | null)[]]
  if (err) throw err
  const [doc, status, blinkerId, cpas, code, kind, party, receivedAt, forwardedAt] = fields
  if (!doc || !status || !blinkerId || !cpas) return undefined
  const record: FeedbackRecord = {
    messageId,
    feedback: JSON.parse(doc) as Feedback,
    status: status as FeedbackStatus,
    blinkerId,
    cpas,
    code: Number(code),
    kind: kind ?? '',
    party: party ?? '',
    receivedAt: receivedAt ?? '',
  }
  if (forwardedAt) record.forwardedAt = forwardedAt
  if (withHistory) {
    // RECEIVED is not in the list (the submit step writes one command less): it is the record's own.
    const received: HistoryEntry = { at: record.receivedAt, status: 'RECEIVED', cause: 'received', by: record.party }
    record.history = [received, ...((results[1]?.[1] as string[]) ?? []).map((h) => JSON.parse(h) as HistoryEntry)]
  }
  return record
}
