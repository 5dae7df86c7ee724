/**
 * Reading blinkers and moving them through the lifecycle. A transition is one Lua step: check the
 * current status against the LIFECYCLE row, set the new one, append the history entry, so two
 * concurrent events can never both win or leave a status without its history.
 */
import type { Redis } from 'ioredis'
import { LIFECYCLE, type LifecycleEvent } from '../domain/lifecycle.js'
import type { BlinkerStatus, HistoryEntry, PublishedBlinker } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { BAROMETER_LUA } from './barometer-counters.js'
import { BLINKER_INDEX_LUA } from './blinker-index.js'
import { DURATION_HISTOGRAM_LUA } from './duration-histogram.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'
import { TIMELINESS_LUA } from './timeliness-counters.js'

/**
 * Lua function shared by every script that moves a blinker (publication, feedback, decisions):
 * returns 'moved', 'noop', 'refused' or 'missing', and the status before the call. A status change
 * also moves the blinker in the search index (blinker-index.ts) and counts what the timeliness
 * (timeliness-counters.ts) and the barometer (barometer-counters.ts) measure, in the same step.
 */
export const TRANSITION_LUA = `${BLINKER_INDEX_LUA}${DURATION_HISTOGRAM_LUA}${TIMELINESS_LUA}${BAROMETER_LUA}
local function inlist(csv, value)
  for item in string.gmatch(csv, '[^,]+') do if item == value then return true end end
  return false
end
-- Blinkers per status (metrics): {prefix}stats:status beside {prefix}blinker:{id}.
local function countStatus(countsKey, deltas)
  for status, d in pairs(deltas) do
    if d ~= 0 then redis.call('HINCRBY', countsKey, status, d) end
  end
end
-- known: the status when the caller has just read it; deltas: a table that gathers the per-status
-- counts of a batch for one countStatus at its end (nil: counted here).
local function transition(hashKey, historyKey, fromCsv, to, noopCsv, entryJson, now, known, deltas)
  local status = known or redis.call('HGET', hashKey, 'status')
  if not status then return {'missing', ''} end
  if inlist(fromCsv, status) then
    redis.call('HSET', hashKey, 'status', to, 'updatedAt', now)
    redis.call('RPUSH', historyKey, entryJson)
    if status ~= to then
      blIndexMove(hashKey, status, to)
      -- What both counters need of the record, read once: fstat, cpas, party, publishedAt.
      local dims = redis.call('HMGET', hashKey, 'fstat', 'cpas', 'party', 'publishedAt')
      tlOnMove(hashKey, status, to, entryJson, now, dims)
      baroOnMove(hashKey, status, to, entryJson, now, dims)
      if deltas then
        deltas[status] = (deltas[status] or 0) - 1
        deltas[to] = (deltas[to] or 0) + 1
      else
        countStatus((string.gsub(hashKey, 'blinker:[^:]*$', 'stats:status')), {[status] = -1, [to] = 1})
      end
    end
    return {'moved', status}
  end
  if inlist(noopCsv, status) then return {'noop', status} end
  return {'refused', status}
end
`

const TRANSITION_SCRIPT = `${TRANSITION_LUA}
return transition(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])`

/** The ARGV of a transition for an event (used by this store and by other scripts). */
export function transitionArgs(event: LifecycleEvent, cause: string, by: string | undefined, at: string): [string, string, string, string, string] {
  const rule = LIFECYCLE[event]
  const entry: HistoryEntry = { at, status: rule.to, cause }
  if (by) entry.by = by
  return [rule.from.join(','), rule.to, rule.noop.join(','), JSON.stringify(entry), at]
}

export type TransitionResult = { outcome: 'moved' | 'noop'; previous: BlinkerStatus; status: BlinkerStatus }

const transitionScript: LuaScript = { numberOfKeys: 2, lua: TRANSITION_SCRIPT }

/**
 * Applies a lifecycle event. Unknown blinker → 404; refused → 409 (GW_ERR_BLINKER_CLOSED when the
 * blinker is closed, GW_ERR_ILLEGAL_TRANSITION otherwise).
 */
export async function applyEvent(redis: Redis, prefix: string, blinkerId: string, event: LifecycleEvent, cause: string, by?: string, at = new Date().toISOString()): Promise<TransitionResult> {
  const [outcome, previous] = await runScript<[string, string]>(
    redis,
    transitionScript,
    [keys.blinker(prefix, blinkerId), keys.blinkerHistory(prefix, blinkerId)],
    transitionArgs(event, cause, by, at),
  )
  return interpret(blinkerId, event, outcome, previous as BlinkerStatus)
}

/** Turns a script's answer into the result or the contract error. */
export function interpret(blinkerId: string, event: LifecycleEvent, outcome: string, previous: BlinkerStatus): TransitionResult {
  if (outcome === 'missing') throw new GatewayError('GW_ERR_UNKNOWN_BLINKER', `No blinker ${blinkerId} in this environment`)
  if (outcome === 'refused') {
    if (previous === 'CLOSED') throw new GatewayError('GW_ERR_BLINKER_CLOSED', `Blinker ${blinkerId} is CLOSED`)
    throw new GatewayError('GW_ERR_ILLEGAL_TRANSITION', `Blinker ${blinkerId} is ${previous}; ${event} is not allowed from there`)
  }
  return { outcome: outcome as 'moved' | 'noop', previous, status: outcome === 'moved' ? LIFECYCLE[event].to : previous }
}

/** A stored blinker with status and publishedAt; with its history when asked. */
export async function getBlinker(redis: Redis, prefix: string, blinkerId: string, withHistory = false): Promise<PublishedBlinker | undefined> {
  const multi = redis.multi().hmget(keys.blinker(prefix, blinkerId), 'doc', 'status', 'publishedAt')
  if (withHistory) multi.lrange(keys.blinkerHistory(prefix, blinkerId), 0, -1)
  const results = await multi.exec()
  if (!results) throw new Error('MULTI aborted')
  const [err, fields] = results[0] as [Error | null, (string | null)[]]
  if (err) throw err
  const [doc, status, publishedAt] = fields
  if (!doc || !status || !publishedAt) return undefined
  const blinker = { ...(JSON.parse(doc) as PublishedBlinker), status: status as BlinkerStatus, publishedAt }
  if (withHistory) blinker.history = ((results[1]?.[1] as string[]) ?? []).map((h) => JSON.parse(h) as HistoryEntry)
  return blinker
}

/** Like getBlinker, but a missing blinker is the contract's 404. */
export async function requireBlinker(redis: Redis, prefix: string, blinkerId: string, withHistory = false): Promise<PublishedBlinker> {
  const blinker = await getBlinker(redis, prefix, blinkerId, withHistory)
  if (!blinker) throw new GatewayError('GW_ERR_UNKNOWN_BLINKER', `No blinker ${blinkerId} in this environment`)
  return blinker
}
