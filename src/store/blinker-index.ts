/**
 * The blinker search index (GET /{env}/v1/blinkers, src/services/search-service.ts): ZSETs of
 * blinkerId scored by publishedAt ms, one per status (`{p}ix:bl:{status}`) and one per status and
 * CPAS (`{p}ix:bl:{status}|c:{kbo}`). Two entries per blinker, no more: the publish bench holds the
 * gateway under 2 KB of Redis per blinker, and flow and period are filters applied to a walk of
 * one of these (bounded, see search-service.ts), not sets of their own.
 *
 * Written in the same Lua step as the record: the publish script puts a new blinker under
 * PUBLISHED, and `transition()` (blinker-store.ts TRANSITION_LUA, shared by every script that moves
 * a blinker: mailbox delivery, acknowledgement, feedback, forwarding, decisions, resolve) moves it
 * when its status changes. The score is read back from the entry being moved (ZSCORE), so the
 * record needs no extra field. A blinker stored before the index existed has no entry: it is left
 * alone here and added by `blinker-gateway reindex` (src/cli/reindex.ts).
 */
import type { Redis } from 'ioredis'
import { keys } from './keys.js'
import { reindexWithScores } from './index-scores.js'
import type { LuaScript } from './scripts.js'

const IX = keys.blinkerIndex('')

/** The index key of a status, or of a status and CPAS. */
export const blinkerIndexKey = (prefix: string, status: string, cpas?: string): string => `${keys.blinkerIndex(prefix)}${status}${cpas === undefined ? '' : `|c:${cpas}`}`

/**
 * Lua: `blIndexPut(ix, status, id, score, cpas)`, `blIndexMove(hashKey, from, to)` and
 * `blIndexDrop(hashKey, status, cpas)` (a deleted record); `ix` is the
 * environment's index prefix (`{p}ix:bl:`), derived from a sibling key with `blIndexPrefix`.
 */
export const BLINKER_INDEX_LUA = `
local function blIndexPrefix(siblingKey, siblingPattern)
  return (string.gsub(siblingKey, siblingPattern, '${IX}'))
end
local function blIndexPut(ix, status, id, score, cpas)
  redis.call('ZADD', ix .. status, score, id)
  redis.call('ZADD', ix .. status .. '|c:' .. cpas, score, id)
end
local function blIndexMove(hashKey, from, to)
  local ix = blIndexPrefix(hashKey, 'blinker:[^:]*$')
  local id = string.match(hashKey, 'blinker:([^:]*)$')
  local score = redis.call('ZSCORE', ix .. from, id)
  if not score then return end
  local cpas = redis.call('HGET', hashKey, 'cpas') or ''
  redis.call('ZREM', ix .. from, id)
  redis.call('ZREM', ix .. from .. '|c:' .. cpas, id)
  blIndexPut(ix, to, id, score, cpas)
end
-- A record deleted (sandbox reset): its entries go with it.
local function blIndexDrop(hashKey, status, cpas)
  local ix = blIndexPrefix(hashKey, 'blinker:[^:]*$')
  local id = string.match(hashKey, 'blinker:([^:]*)$')
  redis.call('ZREM', ix .. status, id)
  redis.call('ZREM', ix .. status .. '|c:' .. cpas, id)
end
`

// KEYS: blinker hashes. ARGV: their publishedAt ms. Each goes under its current status; entries
// under other statuses (an index older than a transition) are removed first.
const REINDEX_LUA = `${BLINKER_INDEX_LUA}
local statuses = cjson.decode(ARGV[1])
local n = 0
for i, h in ipairs(KEYS) do
  local f = redis.call('HMGET', h, 'status', 'cpas')
  local ms = ARGV[i + 1]
  if f[1] and f[2] and ms ~= '' then
    local ix = blIndexPrefix(h, 'blinker:[^:]*$')
    local id = string.match(h, 'blinker:([^:]*)$')
    for _, s in ipairs(statuses) do
      if s ~= f[1] then
        redis.call('ZREM', ix .. s, id)
        redis.call('ZREM', ix .. s .. '|c:' .. f[2], id)
      end
    end
    blIndexPut(ix, f[1], id, ms, f[2])
    n = n + 1
  end
end
return n
`
const reindexScript: LuaScript = { numberOfKeys: null, lua: REINDEX_LUA }

/**
 * (Re)indexes blinkers from their records, one Lua step per call (the reindex command calls it
 * per SCAN page). Returns how many were indexed (records without status or CPAS are skipped).
 */
export async function reindexBlinkers(redis: Redis, hashKeys: readonly string[], statuses: readonly string[]): Promise<number> {
  return reindexWithScores(redis, reindexScript, hashKeys, statuses, 'publishedAt')
}
