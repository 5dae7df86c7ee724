/**
 * The feedback search index (GET /{env}/v1/feedback and the pending-decisions page): ZSETs of
 * messageId scored by receivedAt ms under `{p}ix:fb:`, one per status and one per status × filter:
 *
 *   {status}                 every message in that status
 *   {status}|c:{kbo}         … of one CPAS
 *   {status}|p:{party}       … sent by one software house (its own log)
 *   {status}|f:{flow}        … on blinkers of one flow
 *   {status}|k:{code}        … with one code
 *   {status}|fk:{flow}:{code} … of one flow and code (the inspection's usual pending filter)
 *
 * So status plus any one of CPAS, software house, flow or code, or flow and code together, plus a
 * time range (the score), is a page read straight off one ZSET per status: O(limit). Other
 * combinations walk the smallest of these sets and check the rest on the records, bounded
 * (search-service.ts).
 *
 * RECEIVED is a transit status: a message stays in it from its 202 until the forward worker hands
 * it to the back office (seconds, or the length of a back-office outage). It has only the first
 * and the software-house sets: the submit step, on the ingress's hot path, then adds two entries
 * per message, grouped into one ZADD per set for a whole batch, instead of six (the six cost a
 * batch of 1 000 about 30 µs of Redis time per message, BENCHMARKS.md run K). A RECEIVED query by
 * CPAS, flow or code walks the RECEIVED set with the budget like any unindexed filter. Every later
 * status has all six; the forward step, off the request path, writes them.
 *
 * Written in the same Lua step as the record: the submit script puts a new message under RECEIVED;
 * forwarded, dead-lettered and decided (feedback-progress-store.ts) move it with `fbIndexMove`,
 * which is also how a replayed dead letter (DEAD_LETTERED → FORWARDED) follows. Retention changes
 * no status (it only strips the comment), so purged messages stay listed with their status. The
 * score is read back from the entry being moved; a message stored before the index existed has
 * none and is left alone until `blinker-gateway reindex` adds it.
 */
import type { Redis } from 'ioredis'
import { keys } from './keys.js'
import { reindexWithScores } from './index-scores.js'
import type { LuaScript } from './scripts.js'

const IX = keys.feedbackIndex('')

/** Filters that have index sets of their own (beside the status). */
export interface FeedbackIndexDims {
  cpas?: string
  party?: string
  flow?: string
  code?: number
}

/** The transit status whose index holds only the status and software-house sets (see the file comment). */
export const TRANSIT_STATUS = 'RECEIVED'

/** The index key of a status and at most the dimension combination the index holds (see the file comment). */
export function feedbackIndexKey(prefix: string, status: string, dims: FeedbackIndexDims = {}): string {
  const base = `${keys.feedbackIndex(prefix)}${status}`
  if (status === TRANSIT_STATUS) return dims.party === undefined ? base : `${base}|p:${dims.party}`
  if (dims.flow !== undefined && dims.code !== undefined) return `${base}|fk:${dims.flow}:${dims.code}`
  if (dims.cpas !== undefined) return `${base}|c:${dims.cpas}`
  if (dims.party !== undefined) return `${base}|p:${dims.party}`
  if (dims.flow !== undefined) return `${base}|f:${dims.flow}`
  if (dims.code !== undefined) return `${base}|k:${dims.code}`
  return base
}

/**
 * Lua: `fbIndexPut(ix, status, id, score, cpas, party, flow, code)`, `fbIndexMove(fbKey, from, to)`
 * and `fbFlowOf(blinkerKey)` (the flow of the message's blinker: its `fstat`, or its document for a
 * record stored without one). `ix` is `{p}ix:fb:`, from `fbIndexPrefix(siblingKey, pattern)`.
 */
export const FEEDBACK_INDEX_LUA = `
local function fbIndexPrefix(siblingKey, siblingPattern)
  return (string.gsub(siblingKey, siblingPattern, '${IX}'))
end
local function fbIndexKeys(base, cpas, party, flow, code)
  if string.sub(base, -${TRANSIT_STATUS.length + 1}) == ':${TRANSIT_STATUS}' then return { base, base .. '|p:' .. party } end
  return { base, base .. '|c:' .. cpas, base .. '|p:' .. party, base .. '|f:' .. flow, base .. '|k:' .. code, base .. '|fk:' .. flow .. ':' .. code }
end
-- A batch's new messages (all RECEIVED, one score): gathered per set, then one ZADD per set.
local function fbIndexGather(acc, ix, id, score, party)
  for _, k in ipairs({ ix .. '${TRANSIT_STATUS}', ix .. '${TRANSIT_STATUS}|p:' .. party }) do
    local list = acc[k]
    if not list then list = {}; acc[k] = list end
    list[#list + 1] = score
    list[#list + 1] = id
  end
end
local function fbIndexFlush(acc)
  for k, list in pairs(acc) do
    for i = 1, #list, 1000 do redis.call('ZADD', k, unpack(list, i, math.min(i + 999, #list))) end
  end
end
local function fbIndexPut(ix, status, id, score, cpas, party, flow, code)
  for _, k in ipairs(fbIndexKeys(ix .. status, cpas, party, flow, code)) do redis.call('ZADD', k, score, id) end
end
local function fbFlowOf(blinkerKey)
  local fs = redis.call('HGET', blinkerKey, 'fstat')
  if fs then return (string.match(fs, '[^|]*$')) end
  local doc = redis.call('HGET', blinkerKey, 'doc')
  if not doc then return '' end
  return string.match(doc, '"flow":"([^"]*)"') or ''
end
local function fbIndexMove(fbKey, from, to)
  if from == to then return end
  local ix = fbIndexPrefix(fbKey, 'feedback:[^:]*$')
  local id = string.match(fbKey, 'feedback:([^:]*)$')
  local score = redis.call('ZSCORE', ix .. from, id)
  if not score then return end
  local f = redis.call('HMGET', fbKey, 'cpas', 'party', 'code', 'blinkerId')
  local cpas, party, code = f[1] or '', f[2] or '', f[3] or ''
  local flow = fbFlowOf((string.gsub(fbKey, 'feedback:[^:]*$', 'blinker:' .. (f[4] or ''))))
  for _, k in ipairs(fbIndexKeys(ix .. from, cpas, party, flow, code)) do redis.call('ZREM', k, id) end
  fbIndexPut(ix, to, id, score, cpas, party, flow, code)
end
`

// KEYS: feedback hashes. ARGV[1]: JSON of every status; then per key its receivedAt ms. Each
// message goes under its current status; its entries under other statuses are removed first.
const REINDEX_LUA = `${FEEDBACK_INDEX_LUA}
local statuses = cjson.decode(ARGV[1])
local n = 0
for i, h in ipairs(KEYS) do
  local f = redis.call('HMGET', h, 'status', 'cpas', 'party', 'code', 'blinkerId')
  local ms = ARGV[i + 1]
  if f[1] and f[2] and f[3] and f[4] and f[5] and ms ~= '' then
    local ix = fbIndexPrefix(h, 'feedback:[^:]*$')
    local id = string.match(h, 'feedback:([^:]*)$')
    local flow = fbFlowOf((string.gsub(h, 'feedback:[^:]*$', 'blinker:' .. f[5])))
    for _, s in ipairs(statuses) do
      if s ~= f[1] then
        for _, k in ipairs(fbIndexKeys(ix .. s, f[2], f[3], flow, f[4])) do redis.call('ZREM', k, id) end
      end
    end
    fbIndexPut(ix, f[1], id, ms, f[2], f[3], flow, f[4])
    n = n + 1
  end
end
return n
`
const reindexScript: LuaScript = { numberOfKeys: null, lua: REINDEX_LUA }

/** (Re)indexes feedback messages from their records, one Lua step per call; returns how many. */
export async function reindexFeedback(redis: Redis, hashKeys: readonly string[], statuses: readonly string[]): Promise<number> {
  return reindexWithScores(redis, reindexScript, hashKeys, statuses, 'receivedAt')
}
