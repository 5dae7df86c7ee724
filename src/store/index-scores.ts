/**
 * Runs a reindex script over a page of record hashes with each record's index score (the time
 * field, as epoch ms) read in one pipeline beforehand: Lua has no date parser, so the backfill of
 * both indexes (blinker-index.ts, feedback-index.ts) turns the stored ISO times into scores here.
 * A record whose field is missing or unparsable gets '' (the script skips it).
 */
import type { Redis } from 'ioredis'
import { runScript, type LuaScript } from './scripts.js'

export async function reindexWithScores(redis: Redis, script: LuaScript, hashKeys: readonly string[], statuses: readonly string[], timeField: string): Promise<number> {
  if (hashKeys.length === 0) return 0
  const p = redis.pipeline()
  for (const k of hashKeys) p.hget(k, timeField)
  const rows = (await p.exec()) ?? []
  const ms = rows.map(([, v]) => {
    const t = typeof v === 'string' ? Date.parse(v) : NaN
    return Number.isFinite(t) ? String(t) : ''
  })
  return runScript<number>(redis, script, [String(hashKeys.length), ...hashKeys], [JSON.stringify(statuses), ...ms])
}
