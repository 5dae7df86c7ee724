/**
 * Storing a feedback message: ONE Lua step per message does the idempotency check, the rules that
 * need the blinker, the FEEDBACK transition, the feedback record with its history and the forward
 * outbox entry. So a message is either fully accepted (record + blinker moved + queued intent) or
 * nothing at all happened, and two concurrent sends of one messageId cannot both win.
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
import { TRANSITION_LUA, transitionArgs } from './blinker-store.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'
import { COUNT_FEEDBACK_LUA } from './statistics-store.js'

const SUBMIT_LUA = `${TRANSITION_LUA}${COUNT_FEEDBACK_LUA}
local fbKey, fbHist, bKey, bHist, outbox = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local seen = redis.call('HMGET', fbKey, 'digest', 'receipt')
if seen[1] then
  if seen[1] == ARGV[1] then return {'duplicate', seen[2]} end
  return {'reused', ''}
end
local b = redis.call('HMGET', bKey, 'status', 'cpas', 'doc')
if not b[1] then return {'missing', ''} end
if b[2] ~= ARGV[4] then return {'cpas', b[2] or ''} end
if ARGV[3] ~= 'ALL' then
  local flow = cjson.decode(b[3]).flow
  if not inlist(ARGV[3], flow) then return {'flow', flow} end
end
local moved = transition(bKey, bHist, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
if moved[1] ~= 'moved' then return {moved[1], moved[2]} end
redis.call('HSET', fbKey, 'doc', ARGV[2], 'digest', ARGV[1], 'receipt', ARGV[10], 'status', 'RECEIVED',
  'receivedAt', ARGV[9], 'updatedAt', ARGV[9], 'blinkerId', ARGV[14], 'cpas', ARGV[4], 'code', ARGV[15],
  'kind', ARGV[16], 'party', ARGV[17])
redis.call('RPUSH', fbHist, ARGV[11])
redis.call('ZADD', outbox, ARGV[13], ARGV[12])
countFeedback(KEYS[6], b[3], ARGV[15])
return {'stored', ARGV[10]}
`

const submitScript: LuaScript = { name: 'gwFeedbackSubmit', numberOfKeys: 6, lua: SUBMIT_LUA }

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

/** Runs the submit step for one message. Several calls in flight share the connection's pipeline. */
export async function storeFeedback(redis: Redis, prefix: string, m: FeedbackToStore, at = new Date()): Promise<StoreOutcome> {
  const now = at.toISOString()
  const id = m.feedback.messageId
  const receipt: Receipt = { messageId: id, receivedAt: now, status: 'RECEIVED' }
  const receiptJson = JSON.stringify(receipt)
  const history: HistoryEntry = { at: now, status: 'RECEIVED', cause: 'received', by: m.party }
  const [verdict, detail] = await runScript<[string, string]>(
    redis,
    submitScript,
    [keys.feedback(prefix, id), keys.feedbackHistory(prefix, id), keys.blinker(prefix, m.feedback.blinkerId), keys.blinkerHistory(prefix, m.feedback.blinkerId), forwardOutboxKey(prefix), keys.statsFeedback(prefix)],
    [
      m.digest,
      m.doc,
      m.flows,
      m.feedback.cpasKbo,
      ...transitionArgs('FEEDBACK', `feedback ${m.feedback.code} (${m.entry.kind})`, m.party, now),
      receiptJson,
      JSON.stringify(history),
      id,
      at.getTime(),
      m.feedback.blinkerId,
      m.feedback.code,
      m.entry.kind,
      m.party,
    ],
  )
  switch (verdict) {
    case 'stored':
    case 'duplicate':
      return { kind: verdict, receipt: JSON.parse(detail) as Receipt }
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
  if (withHistory) record.history = ((results[1]?.[1] as string[]) ?? []).map((h) => JSON.parse(h) as HistoryEntry)
  return record
}
