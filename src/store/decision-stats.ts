/**
 * Decisions in the statistics (issue 19 item 3): the inspection's ACCEPTED / REFUSED per period ×
 * regime × flow × code, counted at write time in the decision's own Lua step
 * (feedback-progress-store.ts), so a report reads one HASH and never scans messages.
 *
 * The period, regime and flow are the blinker's (its `fstat` field, as the feedback counters use,
 * or its document for a record stored without one): a decision counts in the same period as the
 * feedback it decides. A decision whose blinker is gone (purged) has no period and is not counted.
 * Counters are history, like the others: never decremented. Decisions taken before this counter
 * existed are not in it (reindex rebuilds indexes, not statistics).
 *
 * Memory: one field per period × regime × flow × code × decision, whatever the number of
 * blinkers — nothing per blinker.
 */
import type { Redis } from 'ioredis'
import { keys } from './keys.js'

/** The two decisions as they appear in a counter field. */
export const DECISIONS = ['ACCEPTED', 'REFUSED'] as const

/**
 * Lua used inside the decision script, once the decision is recorded: counts it under
 * `{period}|{regime}|{flow}|{code}|{decision}`.
 */
export const COUNT_DECISION_LUA = `
local function countDecision(statsKey, bKey, code, decision)
  if not code then return end
  local fstat = redis.call('HGET', bKey, 'fstat')
  if not fstat then
    local doc = redis.call('HGET', bKey, 'doc')
    if not doc then return end
    local d = cjson.decode(doc)
    fstat = string.sub(d.form.periodStart, 1, 4) .. '|' .. d.regime .. '|' .. d.flow
  end
  redis.call('HINCRBY', statsKey, fstat .. '|' .. code .. '|' .. decision, 1)
end
`

/** The key the decision script passes to countDecision. */
export const decisionStatsKey = (prefix: string): string => keys.statsDecisions(prefix)

/** Decisions of one period: `{regime}|{flow}|{code}|{decision}` → count. One HGETALL. */
export async function readDecisions(redis: Redis, prefix: string, period: string): Promise<Map<string, number>> {
  const all = await redis.hgetall(keys.statsDecisions(prefix))
  const head = `${period}|`
  const out = new Map<string, number>()
  for (const [k, v] of Object.entries(all)) if (k.startsWith(head)) out.set(k.slice(head.length), Number(v))
  return out
}
