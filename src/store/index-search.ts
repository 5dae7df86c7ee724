/**
 * Reading the search indexes (feedback-index.ts, blinker-index.ts): one read-only Lua step per page.
 *
 * The caller gives groups of index keys that can each answer the query (one key per status of the
 * query, for one filter dimension: e.g. every status's `|c:{kbo}` set, or every status's `|f:{flow}`
 * set). The step counts each group's entries in the time range (ZCOUNT, O(log n) per key), walks the
 * smallest group as one merged list in (score, id) order — the order Redis keeps equal scores in,
 * byte-wise — and checks EVERY filter on the record of each entry it meets (so a filter that chose
 * no set, and an entry an older index left behind, are judged the same way). It stops at `limit`
 * matches or after `budget` entries examined, whichever comes first.
 *
 * The cursor is the (score, id) of the last entry examined: the next page starts strictly after it,
 * so an entry that stays in the walked sets is never skipped nor repeated, whatever is added or
 * moved meanwhile. `next` is returned when entries remain after it.
 */
import type { Redis } from 'ioredis'
import { FEEDBACK_INDEX_LUA } from './feedback-index.js'
import { runScript, type LuaScript } from './scripts.js'

// ARGV[1] group sizes (csv), [2] lowest score (inclusive), [3] highest ('+inf' or '(ms'), [4] cursor
// score or '', [5] cursor id, [6] limit, [7] budget, then the matcher's. `match(id, out)` appends an
// item's fields to `out` and returns true when the record passes every filter.
const WALK_LUA = `
local function blt(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function walk(match)
  local lo, hi = ARGV[2], ARGV[3]
  local cs, cid = tonumber(ARGV[4]), ARGV[5]
  local limit, budget = tonumber(ARGV[6]), tonumber(ARGV[7])
  local best, bestN, k = nil, nil, 0
  local single = not string.find(ARGV[1], ',')
  for size in string.gmatch(ARGV[1], '[^,]+') do
    local n, last = 0, k + tonumber(size)
    -- One group: nothing to choose, no need to count.
    if single then n = 1 else for i = k + 1, last do n = n + redis.call('ZCOUNT', KEYS[i], lo, hi) end end
    if not bestN or n < bestN then best, bestN = { k + 1, last }, n end
    k = last
  end
  local out = { '' }
  if not best or bestN == 0 then return out end
  local its = {}
  local first = math.max(8, math.ceil((limit + 1) / (best[2] - best[1] + 1)))
  for i = best[1], best[2] do its[#its + 1] = { key = KEYS[i], buf = {}, pos = 1, off = 0, n = first, done = false } end
  local function head(it)
    if it.pos > #it.buf then
      if it.done then return nil end
      local r = redis.call('ZRANGEBYSCORE', it.key, lo, hi, 'WITHSCORES', 'LIMIT', it.off, it.n)
      it.off = it.off + #r / 2
      if #r < 2 * it.n then it.done = true end
      it.n = math.min(it.n * 2, 1000)
      it.buf, it.pos = r, 1
      if #r == 0 then return nil end
    end
    return it.buf[it.pos], it.buf[it.pos + 1]
  end
  local found, scanned, lastRaw, lastS, lastId = 0, 0, nil, nil, nil
  while found < limit and scanned < budget do
    local bi, bs, bid, braw = nil, nil, nil, nil
    for i, it in ipairs(its) do
      local id, raw = head(it)
      if id then
        local s = tonumber(raw)
        if not bi or s < bs or (s == bs and blt(id, bid)) then bi, bs, bid, braw = i, s, id, raw end
      end
    end
    if not bi then break end
    its[bi].pos = its[bi].pos + 2
    local beforeCursor = cs and bs == cs and not blt(cid, bid)
    local repeated = lastId and bs == lastS and bid == lastId
    if not beforeCursor and not repeated then
      scanned = scanned + 1
      lastRaw, lastS, lastId = braw, bs, bid
      if match(bid, out) then found = found + 1 end
    end
  end
  if lastId then
    for _, it in ipairs(its) do
      if head(it) then
        out[1] = lastRaw .. ':' .. lastId
        break
      end
    end
  end
  return out
end
`

// Matcher ARGV: [8] feedback key prefix, [9] blinker key prefix, [10] statuses csv, [11] cpas,
// [12] party, [13] flow, [14] code, [15] kind ('' = any). Item: id, blinkerId, cpas, flow, code,
// kind, status, receivedAt, party.
const FEEDBACK_SEARCH_LUA = `${FEEDBACK_INDEX_LUA}${WALK_LUA}
local FP, BP = ARGV[8], ARGV[9]
local want = {}
for s in string.gmatch(ARGV[10], '[^,]+') do want[s] = true end
local wCpas, wParty, wFlow, wCode, wKind = ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15]
return walk(function(id, out)
  local f = redis.call('HMGET', FP .. id, 'status', 'blinkerId', 'cpas', 'code', 'kind', 'party', 'receivedAt')
  if not f[1] or not want[f[1]] or not f[2] then return false end
  if (wCpas ~= '' and f[3] ~= wCpas) or (wParty ~= '' and f[6] ~= wParty) or (wCode ~= '' and f[4] ~= wCode) or (wKind ~= '' and f[5] ~= wKind) then return false end
  local flow = fbFlowOf(BP .. f[2])
  if wFlow ~= '' and flow ~= wFlow then return false end
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5] = id, f[2], f[3] or '', flow, f[4] or ''
  out[n + 6], out[n + 7], out[n + 8], out[n + 9] = f[5] or '', f[1], f[7] or '', f[6] or ''
  return true
end)
`

// Matcher ARGV: [8] blinker key prefix, [9] statuses csv, [10] CPAS csv ('' = any), [11] flow,
// [12] period. Item: id, cpas, flow, regime, status, publishedAt, periodStart.
const BLINKER_SEARCH_LUA = `${WALK_LUA}
local BP = ARGV[8]
local want, cpasSet = {}, nil
for s in string.gmatch(ARGV[9], '[^,]+') do want[s] = true end
if ARGV[10] ~= '' then
  cpasSet = {}
  for c in string.gmatch(ARGV[10], '[^,]+') do cpasSet[c] = true end
end
local wFlow, wPeriod = ARGV[11], ARGV[12]
return walk(function(id, out)
  local h = BP .. id
  local f = redis.call('HMGET', h, 'status', 'cpas', 'publishedAt', 'fstat')
  if not f[1] or not want[f[1]] or not f[2] then return false end
  if cpasSet and not cpasSet[f[2]] then return false end
  local fs, doc = f[4], nil
  if not fs then
    doc = redis.call('HGET', h, 'doc')
    if not doc then return false end
    local d = cjson.decode(doc)
    fs = string.sub(d.form.periodStart, 1, 4) .. '|' .. d.regime .. '|' .. d.flow
  end
  local period, regime, flow = string.match(fs, '^([^|]*)|([^|]*)|(.*)$')
  if (wFlow ~= '' and flow ~= wFlow) or (wPeriod ~= '' and period ~= wPeriod) then return false end
  doc = doc or redis.call('HGET', h, 'doc') or ''
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = id, f[2], flow or '', regime or ''
  out[n + 5], out[n + 6], out[n + 7] = f[1], f[3] or '', string.match(doc, '"form":{[^}]*"periodStart":"([^"]*)"') or ''
  return true
end)
`

const feedbackSearchScript: LuaScript = { numberOfKeys: null, lua: FEEDBACK_SEARCH_LUA }
const blinkerSearchScript: LuaScript = { numberOfKeys: null, lua: BLINKER_SEARCH_LUA }

/** What every walk takes: candidate key groups, the score range, the cursor, the bounds. */
export interface Walk {
  /** Groups of index keys; the smallest (by entries in range) is walked. Each group non-empty. */
  groups: readonly (readonly string[])[]
  /** Lowest score, inclusive (ms); undefined: no bound. */
  from?: number
  /** Highest score, exclusive (ms); undefined: no bound. */
  until?: number
  /** Start strictly after this (score, id). */
  after?: { score: number; id: string }
  limit: number
  /** Entries examined at most. */
  budget: number
}

/** Rows of a page (each the matcher's fields) and the cursor of the last entry examined when more remain. */
export interface WalkResult {
  rows: string[][]
  next?: { score: number; id: string }
}

function walkArgs(w: Walk): string[] {
  let lo = w.from ?? -Infinity
  if (w.after && w.after.score > lo) lo = w.after.score
  return [
    w.groups.map((g) => g.length).join(','),
    lo === -Infinity ? '-inf' : String(lo),
    w.until === undefined ? '+inf' : `(${w.until}`,
    w.after ? String(w.after.score) : '',
    w.after?.id ?? '',
    String(w.limit),
    String(w.budget),
  ]
}

function result(flat: string[], width: number): WalkResult {
  const rows: string[][] = []
  for (let i = 1; i + width <= flat.length; i += width) rows.push(flat.slice(i, i + width))
  const head = flat[0] ?? ''
  const sep = head.indexOf(':')
  const out: WalkResult = { rows }
  if (sep > 0) out.next = { score: Number(head.slice(0, sep)), id: head.slice(sep + 1) }
  return out
}

export interface FeedbackMatch {
  statuses: readonly string[]
  cpas?: string
  party?: string
  flow?: string
  code?: number
  kind?: string
}

/** Walks feedback index keys; rows are [id, blinkerId, cpas, flow, code, kind, status, receivedAt, party]. */
export async function walkFeedback(redis: Redis, feedbackPrefix: string, blinkerPrefix: string, w: Walk, m: FeedbackMatch): Promise<WalkResult> {
  const keyList = w.groups.flat()
  const args = [...walkArgs(w), feedbackPrefix, blinkerPrefix, m.statuses.join(','), m.cpas ?? '', m.party ?? '', m.flow ?? '', m.code === undefined ? '' : String(m.code), m.kind ?? '']
  return result(await runScript<string[]>(redis, feedbackSearchScript, [String(keyList.length), ...keyList], args), 9)
}

export interface BlinkerMatch {
  statuses: readonly string[]
  /** Only these CPAS; undefined: any. */
  cpas?: readonly string[]
  flow?: string
  period?: string
}

/** Walks blinker index keys; rows are [id, cpas, flow, regime, status, publishedAt, periodStart]. */
export async function walkBlinkers(redis: Redis, blinkerPrefix: string, w: Walk, m: BlinkerMatch): Promise<WalkResult> {
  const keyList = w.groups.flat()
  const args = [...walkArgs(w), blinkerPrefix, m.statuses.join(','), m.cpas ? m.cpas.join(',') : '', m.flow ?? '', m.period ?? '']
  return result(await runScript<string[]>(redis, blinkerSearchScript, [String(keyList.length), ...keyList], args), 7)
}
