/**
 * Redis side of the acceptance sandbox: the id counter, the per-CPAS set of blinkers the sandbox
 * created, and the reset. The set is the only thing that makes a blinker "sandbox": reset and
 * sandbox decisions touch nothing outside it, so the publisher's acceptance data is never at risk.
 */
import type { Redis } from 'ioredis'
import { BLINKER_INDEX_LUA } from '../store/blinker-index.js'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'

/** Reserves `n` consecutive sequence numbers; returns them. */
export async function reserveSeqs(redis: Redis, prefix: string, n: number): Promise<number[]> {
  const last = await redis.incrby(keys.sandboxSeq(prefix), n)
  return Array.from({ length: n }, (_, i) => last - n + 1 + i)
}

/** Records blinkers as sandbox-created (after the publish step stored them). */
export async function markSandbox(redis: Redis, prefix: string, kbo: string, blinkerIds: readonly string[]): Promise<void> {
  if (blinkerIds.length > 0) await redis.sadd(keys.sandboxBlinkers(prefix, kbo), ...blinkerIds)
}

export const isSandboxBlinker = async (redis: Redis, prefix: string, kbo: string, blinkerId: string): Promise<boolean> =>
  (await redis.sismember(keys.sandboxBlinkers(prefix, kbo), blinkerId)) === 1

/**
 * Two steps, like the mailbox read: SMEMBERS, then one Lua step over those blinkers' keys (passed
 * as KEYS, so the script declares everything it touches). For each sandbox blinker, unless a
 * feedback on it is still on its way to the inspection (FEEDBACK_RECEIVED: deleting the blinker
 * would dead-letter the forward), delete its record and history, XDEL its mailbox entry (its
 * `seq`), decrement the per-status count, leave the search index, and drop it from the set. Feedback records stay: a
 * messageId is an idempotency key for good. A blinker the sandbox creates between the two steps is
 * simply not part of this reset.
 * KEYS: set, mailbox, statusCounts, then per blinker: hash, history. ARGV: the blinker ids.
 */
const RESET_LUA = `${BLINKER_INDEX_LUA}
local deleted, kept = 0, {}
for i, id in ipairs(ARGV) do
  local h, hist = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local f = redis.call('HMGET', h, 'status', 'seq', 'cpas')
  if f[1] == 'FEEDBACK_RECEIVED' then
    kept[#kept + 1] = id
  else
    if f[1] then
      if f[2] then redis.call('XDEL', KEYS[2], f[2]) end
      redis.call('HINCRBY', KEYS[3], f[1], -1)
      redis.call('DEL', h, hist)
      blIndexDrop(h, f[1], f[3] or '')
      deleted = deleted + 1
    end
    redis.call('SREM', KEYS[1], id)
  end
end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local lastId = '0-0'
if last[1] then lastId = last[1][1] end
return {deleted, kept, lastId}
`

const resetScript: LuaScript = { numberOfKeys: null, lua: RESET_LUA }

export interface ResetOutcome {
  deleted: number
  kept: string[]
  /** Stream id of the mailbox's last entry after the reset ('0-0' when empty). */
  lastId: string
}

export async function resetSandbox(redis: Redis, prefix: string, kbo: string): Promise<ResetOutcome> {
  const ids = (await redis.smembers(keys.sandboxBlinkers(prefix, kbo))).sort()
  const keyList = [keys.sandboxBlinkers(prefix, kbo), keys.mailbox(prefix, kbo), keys.statusCounts(prefix)]
  for (const id of ids) keyList.push(keys.blinker(prefix, id), keys.blinkerHistory(prefix, id))
  const [deleted, kept, lastId] = await runScript<[number, string[], string]>(redis, resetScript, [String(keyList.length), ...keyList], ids)
  return { deleted, kept, lastId }
}
