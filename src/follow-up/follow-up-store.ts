/**
 * Follow-ups in Redis (keys in src/store/keys.ts): one HASH per follow-up (doc = the JSON, status,
 * cpas, version), a SET of ids per CPAS, a ZSET per status and one of all (scored by openedAt).
 *
 * Updates are compare-and-set on `version` in one Lua step (the doc, its status ZSETs and the new
 * version together): a writer reads, applies its change to what it read and writes only if nobody
 * wrote in between; otherwise it reads again and re-applies. So two concurrent PATCHes both land
 * (the second on top of the first) and nothing is ever half-written.
 */
import type { Redis } from 'ioredis'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'
import { formatFollowUpId, FOLLOW_UP_STATUSES, type FollowUpStatus, type StoredFollowUp } from './model.js'

/** KEYS: hash, by-status of the old status, by-status of the new status. ARGV: expected version, doc, new status, id. */
const CAS_LUA: LuaScript = {
  numberOfKeys: 3,
  lua: `
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'status', ARGV[3], 'version', tonumber(v) + 1)
if KEYS[2] ~= KEYS[3] then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZADD', KEYS[3], score or 0, ARGV[4])
end
return 1
`,
}

export interface Versioned {
  doc: StoredFollowUp
  version: string
}

/** A new id from the environment's sequence. */
export async function nextFollowUpId(redis: Redis, prefix: string): Promise<string> {
  return formatFollowUpId(await redis.incr(keys.followUpSeq(prefix)))
}

/** Stores a new follow-up with its indexes, all or nothing (MULTI). */
export async function createFollowUp(redis: Redis, prefix: string, doc: StoredFollowUp): Promise<void> {
  const score = Date.parse(doc.openedAt)
  const res = await redis
    .multi()
    .hset(keys.followUp(prefix, doc.id), 'doc', JSON.stringify(doc), 'status', doc.status, 'cpas', doc.cpasKbo, 'version', '1')
    .sadd(keys.followUpsOfCpas(prefix, doc.cpasKbo), doc.id)
    .zadd(keys.followUpsByStatus(prefix, 'ALL'), score, doc.id)
    .zadd(keys.followUpsByStatus(prefix, doc.status), score, doc.id)
    .exec()
  for (const [err] of res ?? []) if (err) throw err
}

export async function readFollowUp(redis: Redis, prefix: string, id: string): Promise<Versioned | undefined> {
  const [doc, version] = await redis.hmget(keys.followUp(prefix, id), 'doc', 'version')
  if (!doc || !version) return undefined
  return { doc: JSON.parse(doc) as StoredFollowUp, version }
}

/** Writes `doc` if the follow-up is still at `version`: 'ok', 'stale' (written meanwhile) or 'gone'. */
export async function compareAndSet(redis: Redis, prefix: string, before: Versioned, doc: StoredFollowUp): Promise<'ok' | 'stale' | 'gone'> {
  const r = await runScript<number>(
    redis,
    CAS_LUA,
    [keys.followUp(prefix, doc.id), keys.followUpsByStatus(prefix, before.doc.status), keys.followUpsByStatus(prefix, doc.status)],
    [before.version, JSON.stringify(doc), doc.status, doc.id],
  )
  return r === 1 ? 'ok' : r === 0 ? 'stale' : 'gone'
}

async function readMany(redis: Redis, prefix: string, ids: readonly string[]): Promise<StoredFollowUp[]> {
  if (ids.length === 0) return []
  const multi = redis.multi()
  for (const id of ids) multi.hget(keys.followUp(prefix, id), 'doc')
  const out: StoredFollowUp[] = []
  for (const [err, doc] of (await multi.exec()) ?? []) {
    if (err) throw err
    if (typeof doc === 'string') out.push(JSON.parse(doc) as StoredFollowUp)
  }
  return out
}

/** Follow-ups of one status (or all), oldest opened first. */
export async function listByStatus(redis: Redis, prefix: string, status: FollowUpStatus | 'ALL'): Promise<StoredFollowUp[]> {
  return readMany(redis, prefix, await redis.zrange(keys.followUpsByStatus(prefix, status), 0, -1))
}

/**
 * One page of a status list (or of all) after a cursor: the entries strictly after (score, id) in
 * the ZSET's own order (openedAt ms, then id), `limit` + 1 of them so the caller knows whether more
 * remain. O(log N + limit): the rank to start from is counted, nothing is walked. The cursor's id
 * may have left the set meanwhile (a status change); the rank is found all the same.
 */
const PAGE_LUA: LuaScript = {
  numberOfKeys: 1,
  lua: `
local start = 0
if ARGV[1] ~= '' then
  start = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[1], 'BYSCORE')) do
    if id <= ARGV[2] then start = start + 1 end
  end
end
return redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[3]), 'WITHSCORES')
`,
}

export interface FollowUpPage {
  docs: StoredFollowUp[]
  /** (openedAt ms, id) of the last follow-up of the page when more remain. */
  next?: { score: number; id: string }
}

/** A page of follow-ups of one status (or all), oldest opened first, after `after` (exclusive). */
export async function pageByStatus(redis: Redis, prefix: string, status: FollowUpStatus | 'ALL', limit: number, after?: { score: number; id: string }): Promise<FollowUpPage> {
  const flat = await runScript<string[]>(redis, PAGE_LUA, [keys.followUpsByStatus(prefix, status)], [after ? String(after.score) : '', after?.id ?? '', String(limit)])
  const entries: { id: string; score: number }[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i] as string, score: Number(flat[i + 1]) })
  const page = entries.slice(0, limit)
  const last = page.at(-1)
  const out: FollowUpPage = { docs: await readMany(redis, prefix, page.map((e) => e.id)) }
  if (entries.length > limit && last) out.next = { score: last.score, id: last.id }
  return out
}

/** Follow-ups of one CPAS, oldest opened first. */
export async function listOfCpas(redis: Redis, prefix: string, kbo: string): Promise<StoredFollowUp[]> {
  const docs = await readMany(redis, prefix, await redis.smembers(keys.followUpsOfCpas(prefix, kbo)))
  return docs.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id))
}

/** Whether the CPAS has files or blinkers in the statistics of a period (the CPAS on Excel lists are known only there). */
export async function cpasHasStatistics(redis: Redis, prefix: string, kbo: string, period: string): Promise<boolean> {
  const [files, cpas] = await redis
    .multi()
    .hmget(keys.statsFiles(prefix, period), `DIS:${kbo}`, `LAW_1965:${kbo}`)
    .hmget(keys.statsCpas(prefix, period), `DIS:${kbo}:b`, `LAW_1965:${kbo}:b`)
    .exec()
    .then((r) => (r ?? []).map(([err, v]) => {
      if (err) throw err
      return v as (string | null)[]
    }))
  return [...(files ?? []), ...(cpas ?? [])].some((v) => v !== null)
}

export const STATUS_FILTERS: readonly (FollowUpStatus | 'ALL')[] = ['ALL', ...FOLLOW_UP_STATUSES]
