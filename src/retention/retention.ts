/**
 * Retention: personal data is kept only as long as the work needs it. For one environment, after
 * RETENTION_DAYS without a change:
 *   - a CLOSED blinker loses its personal and free-text fields (beneficiary, form reference,
 *     finding description, amount and source employer); what statistics count stays: ids, CPAS,
 *     regime, flow, form type and periods, detection date, status, history (times and causes);
 *     its entry leaves the CPAS mailbox stream (XDEL), so the mailbox never serves a stripped
 *     record; the record gets `purgedAt`;
 *   - a feedback message that is finished (not RECEIVED, not DEAD_LETTERED) loses its free-text
 *     `comment`; code, kind, ids, dates, status and history stay, and so does the digest, so an
 *     identical re-send is still recognised as a duplicate;
 *   - the built-in inspection inbox (a STREAM of full forwarded bodies, NISS included) is trimmed
 *     to the entries newer than the cutoff (XTRIM MINID).
 * Each record is purged by one Lua step that re-checks its status and age, so a blinker reopened
 * or a record changed meanwhile is left alone. Dry run counts without changing anything.
 * Completed jobs are bounded by the queues (KEEP_COMPLETED); dead letters by `dead-letters purge`.
 */
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'

export interface RetentionOptions {
  /** Records untouched for this many days are purged. */
  olderThanDays: number
  /** Count only; change nothing. Default false. */
  dryRun?: boolean
  /** The clock (tests); default now. */
  now?: Date
  /** Called as records are examined; `total` is an estimate (blinkers per status), may be absent. */
  onProgress?: (p: { phase: 'blinkers' | 'feedback' | 'inbox'; done: number; total?: number }) => void
}

export interface RetentionReport {
  env: string
  dryRun: boolean
  cutoff: string
  blinkers: { examined: number; purged: number }
  feedback: { examined: number; purged: number }
  inboxEntries: number
}

type Ctx = Pick<EnvContext, 'env' | 'keys' | 'redis'>

// KEYS: blinker hash, mailbox stream. ARGV: cutoff ISO, now ISO. 1 purged, 0 left alone.
const PURGE_BLINKER_LUA = `
local f = redis.call('HMGET', KEYS[1], 'status', 'updatedAt', 'purgedAt', 'doc', 'seq')
if f[1] ~= 'CLOSED' or not f[2] or f[2] >= ARGV[1] or f[3] or not f[4] then return 0 end
local d = cjson.decode(f[4])
local form, finding = d.form or {}, d.finding or {}
local kept = { blinkerId = d.blinkerId, cpasKbo = d.cpasKbo, regime = d.regime, flow = d.flow, detectedAt = d.detectedAt,
  form = { type = form.type, periodStart = form.periodStart, periodEnd = form.periodEnd },
  finding = { periodStart = finding.periodStart, periodEnd = finding.periodEnd } }
redis.call('HSET', KEYS[1], 'doc', cjson.encode(kept), 'purgedAt', ARGV[2])
if f[5] then redis.call('XDEL', KEYS[2], f[5]) end
return 1
`
// KEYS: feedback hash. ARGV: cutoff ISO, now ISO.
const PURGE_FEEDBACK_LUA = `
local f = redis.call('HMGET', KEYS[1], 'status', 'updatedAt', 'purgedAt', 'doc')
if not f[1] or f[1] == 'RECEIVED' or f[1] == 'DEAD_LETTERED' or not f[2] or f[2] >= ARGV[1] or f[3] or not f[4] then return 0 end
local d = cjson.decode(f[4])
d.comment = nil
redis.call('HSET', KEYS[1], 'doc', cjson.encode(d), 'purgedAt', ARGV[2])
return 1
`
const purgeBlinkerScript: LuaScript = { numberOfKeys: 2, lua: PURGE_BLINKER_LUA }
const purgeFeedbackScript: LuaScript = { numberOfKeys: 1, lua: PURGE_FEEDBACK_LUA }

const FINISHED_FEEDBACK = new Set(['FORWARDED', 'ACCEPTED', 'REFUSED'])

/** Record hashes under `{p}{kind}:` (not their `:history` lists), a page at a time. */
async function* scanHashes(redis: Redis, match: string): AsyncGenerator<string[]> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000, 'TYPE', 'hash')
    cursor = next
    if (found.length > 0) yield found
  } while (cursor !== '0')
}

async function purgeBlinkers(ctx: Ctx, cutoff: string, now: string, opts: RetentionOptions, report: RetentionReport): Promise<void> {
  const counts = await ctx.redis.hgetall(keys.statusCounts(ctx.keys))
  const total = Object.values(counts).reduce((sum, n) => sum + Math.max(0, Number(n)), 0)
  for await (const page of scanHashes(ctx.redis, `${ctx.keys}blinker:*`)) {
    const p = ctx.redis.pipeline()
    for (const key of page) p.hmget(key, 'status', 'updatedAt', 'purgedAt', 'cpas')
    const rows = (await p.exec()) ?? []
    for (const [i, key] of page.entries()) {
      const [status, updatedAt, purgedAt, cpas] = (rows[i]?.[1] ?? []) as (string | null)[]
      report.blinkers.examined++
      if (status !== 'CLOSED' || !updatedAt || updatedAt >= cutoff || purgedAt || !cpas) continue
      if (opts.dryRun) report.blinkers.purged++
      else report.blinkers.purged += await runScript<number>(ctx.redis, purgeBlinkerScript, [key, keys.mailbox(ctx.keys, cpas)], [cutoff, now])
    }
    opts.onProgress?.({ phase: 'blinkers', done: report.blinkers.examined, total: Math.max(total, report.blinkers.examined) })
  }
}

async function purgeFeedback(ctx: Ctx, cutoff: string, now: string, opts: RetentionOptions, report: RetentionReport): Promise<void> {
  for await (const page of scanHashes(ctx.redis, `${ctx.keys}feedback:*`)) {
    const p = ctx.redis.pipeline()
    for (const key of page) p.hmget(key, 'status', 'updatedAt', 'purgedAt')
    const rows = (await p.exec()) ?? []
    for (const [i, key] of page.entries()) {
      const [status, updatedAt, purgedAt] = (rows[i]?.[1] ?? []) as (string | null)[]
      report.feedback.examined++
      if (!status || !FINISHED_FEEDBACK.has(status) || !updatedAt || updatedAt >= cutoff || purgedAt) continue
      if (opts.dryRun) report.feedback.purged++
      else report.feedback.purged += await runScript<number>(ctx.redis, purgeFeedbackScript, [key], [cutoff, now])
    }
    opts.onProgress?.({ phase: 'feedback', done: report.feedback.examined })
  }
}

/** Inbox entries older than the cutoff: counted (dry run) or trimmed. Stream ids start with the ms time. */
async function trimInbox(ctx: Ctx, cutoffMs: number, dryRun: boolean): Promise<number> {
  const key = keys.inspectionInbox(ctx.keys)
  if (!dryRun) return (await ctx.redis.xtrim(key, 'MINID', `${cutoffMs}-0`)) as number
  let n = 0
  let start = '-'
  for (;;) {
    const page = (await ctx.redis.xrange(key, start, `${cutoffMs - 1}`, 'COUNT', 1000)) as [string, string[]][]
    n += page.length
    if (page.length < 1000) return n
    start = `(${page[page.length - 1]?.[0] ?? ''}`
  }
}

/** Runs retention over one environment; see the file comment for what is purged. */
export async function runRetention(ctx: Ctx, opts: RetentionOptions): Promise<RetentionReport> {
  const nowDate = opts.now ?? new Date()
  const cutoffMs = nowDate.getTime() - opts.olderThanDays * 24 * 3600 * 1000
  const cutoff = new Date(cutoffMs).toISOString()
  const now = nowDate.toISOString()
  const report: RetentionReport = { env: ctx.env, dryRun: opts.dryRun ?? false, cutoff, blinkers: { examined: 0, purged: 0 }, feedback: { examined: 0, purged: 0 }, inboxEntries: 0 }
  await purgeBlinkers(ctx, cutoff, now, opts, report)
  await purgeFeedback(ctx, cutoff, now, opts, report)
  report.inboxEntries = await trimInbox(ctx, cutoffMs, report.dryRun)
  opts.onProgress?.({ phase: 'inbox', done: report.inboxEntries, total: report.inboxEntries })
  return report
}
