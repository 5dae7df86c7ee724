/**
 * Statistics counters, maintained at write time so a report never scans blinkers:
 * - publication (publish-store.ts, same Lua step): per period × regime × CPAS a SET of the
 *   beneficiaries with a blinker (exact distinct count, kept as a counter beside it so a report is
 *   two HGETALLs), a blinker counter, the month counter and the period list;
 * - feedback (feedback-store.ts, same Lua step): per period × regime × flow × code a counter;
 * - open blinkers by age are counted off the blinker search index (blinker-index.ts: one ZSET per
 *   status scored by publishedAt), which every transition keeps; it replaced the open-blinker ZSET
 *   `stats:open` (same entries, a second copy: about 110 B per blinker);
 * - PUT /v1/statistics/files writes the denominators.
 *
 * The period of a blinker is the calendar year its subsidy form's period starts in
 * (form.periodStart): "files of 2016 with at least one blinker" is the seed's figure. Counters are
 * history: they are not decremented when a blinker closes or is purged.
 */
import type { Redis } from 'ioredis'
import { BLINKER_STATUSES, type Blinker, type Regime } from '../domain/model.js'
import { blinkerIndexKey } from './blinker-index.js'
import { keys } from './keys.js'

/** What the publish script needs to count one blinker. */
export interface PublishStats {
  period: string
  regime: Regime
  kbo: string
  /** '1' + NISS: an integer member, so sets of up to 512 beneficiaries stay compact intsets. */
  member: string
  /** `{YYYY-MM}|{regime}` of the form period (monthly trend). */
  month: string
  /** `{period}|{regime}|{flow}`: kept on the blinker record (field `fstat`) so feedback is counted without decoding the blinker. */
  feedbackStat: string
}

export const periodOf = (b: Pick<Blinker, 'form'>): string => b.form.periodStart.slice(0, 4)

export function publishStats(b: Blinker): PublishStats {
  const period = periodOf(b)
  return { period, regime: b.regime, kbo: b.cpasKbo, member: `1${b.beneficiary.niss}`, month: `${b.form.periodStart.slice(0, 7)}|${b.regime}`, feedbackStat: `${period}|${b.regime}|${b.flow}` }
}

/**
 * Lua used inside the publish script for each NEW blinker (not for duplicates or conflicts).
 * Keys per item: the beneficiary SET and the period's CPAS HASH; shared: periods, open, months.
 */
export const COUNT_PUBLISHED_LUA = `
-- openKey, score and id are no longer used (open blinkers are counted off the search index); the
-- parameters stay so the publish script's KEYS and ARGV layout does not move.
local function countPublished(benefKey, cpasKey, periodsKey, openKey, monthsKey, member, field, period, month, score, id)
  if redis.call('SADD', benefKey, member) == 1 then redis.call('HINCRBY', cpasKey, field .. ':n', 1) end
  redis.call('HINCRBY', cpasKey, field .. ':b', 1)
  redis.call('SADD', periodsKey, period)
  redis.call('HINCRBY', monthsKey, month, 1)
end
`

/** Per item keys of the publish script (after its own three). */
export const publishStatsItemKeys = (prefix: string, s: PublishStats): [string, string] => [keys.statsBeneficiaries(prefix, s.period, s.regime, s.kbo), keys.statsCpas(prefix, s.period)]
/** Per item arguments of the publish script (after its own five). */
export const publishStatsItemArgs = (s: PublishStats): [string, string, string, string, string] => [s.member, `${s.regime}:${s.kbo}`, s.period, s.month, s.feedbackStat]
/** Keys shared by the whole batch, passed last. */
export const publishStatsSharedKeys = (prefix: string): [string, string, string] => [keys.statsPeriods(prefix), keys.statsOpen(prefix), keys.statsMonths(prefix)]

/**
 * Lua used inside the feedback submit script: `feedbackStat` reads the blinker's `{period}|{regime}|{flow}`
 * (its `fstat` field, or from its document for a record stored without one); the script then
 * counts the messages stored per `{period}|{regime}|{flow}|{code}`.
 */
export const FEEDBACK_STAT_LUA = `
local function feedbackStat(blinkerKey, fstat)
  if fstat then return fstat end
  local d = cjson.decode(redis.call('HGET', blinkerKey, 'doc'))
  return string.sub(d.form.periodStart, 1, 4) .. '|' .. d.regime .. '|' .. d.flow
end
`

export interface FilesCount {
  cpasKbo: string
  regime: Regime
  files: number
}

/** Writes denominators (a CPAS × regime given again replaces its value; others stay). */
export async function putFiles(redis: Redis, prefix: string, period: string, counts: readonly FilesCount[]): Promise<void> {
  if (counts.length === 0) return
  const fields: string[] = []
  for (const c of counts) fields.push(`${c.regime}:${c.cpasKbo}`, String(c.files))
  await redis.multi().hset(keys.statsFiles(prefix, period), ...fields).sadd(keys.statsPeriods(prefix), period).exec()
}

/** The raw counters of one period, as numbers keyed `{regime}:{kbo}`. */
export interface PeriodCounts {
  files: Map<string, number>
  withBlinker: Map<string, number>
  blinkers: Map<string, number>
  /** `{regime}|{flow}|{code}` → feedback messages. */
  feedback: Map<string, number>
}

function toNumbers(hash: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>()
  for (const [k, v] of Object.entries(hash)) out.set(k, Number(v))
  return out
}

function results<T>(raw: [Error | null, unknown][] | null): T[] {
  if (!raw) throw new Error('MULTI aborted')
  return raw.map(([err, value]) => {
    if (err) throw err
    return value as T
  })
}

/** One round trip: the period's denominators, CPAS counters and feedback counters. */
export async function readPeriod(redis: Redis, prefix: string, period: string): Promise<PeriodCounts> {
  const [files, cpas, feedback] = results<Record<string, string>>(
    await redis.multi().hgetall(keys.statsFiles(prefix, period)).hgetall(keys.statsCpas(prefix, period)).hgetall(keys.statsFeedback(prefix)).exec(),
  )
  const withBlinker = new Map<string, number>()
  const blinkers = new Map<string, number>()
  for (const [k, v] of Object.entries(cpas ?? {})) {
    if (k.endsWith(':n')) withBlinker.set(k.slice(0, -2), Number(v))
    else if (k.endsWith(':b')) blinkers.set(k.slice(0, -2), Number(v))
  }
  const fb = new Map<string, number>()
  const head = `${period}|`
  for (const [k, v] of Object.entries(feedback ?? {})) if (k.startsWith(head)) fb.set(k.slice(head.length), Number(v))
  return { files: toNumbers(files ?? {}), withBlinker, blinkers, feedback: fb }
}

/** Periods with blinkers or files, oldest first. */
export async function listPeriods(redis: Redis, prefix: string): Promise<string[]> {
  return (await redis.smembers(keys.statsPeriods(prefix))).sort()
}

/** Blinkers per `{YYYY-MM}|{regime}` of their form period. */
export async function readMonths(redis: Redis, prefix: string): Promise<Map<string, number>> {
  return toNumbers(await redis.hgetall(keys.statsMonths(prefix)))
}

/** Age buckets of open blinkers, in days since publication: [from, to) with to undefined = older. */
export const AGE_BUCKETS: readonly { label: string; fromDays: number; toDays?: number }[] = [
  { label: 'under 30 days', fromDays: 0, toDays: 30 },
  { label: '30 to 90 days', fromDays: 30, toDays: 90 },
  { label: '90 to 180 days', fromDays: 90, toDays: 180 },
  { label: '180 to 365 days', fromDays: 180, toDays: 365 },
  { label: 'over a year', fromDays: 365 },
]

const DAY = 86_400_000

const OPEN_STATUSES = BLINKER_STATUSES.filter((s) => s !== 'CLOSED')

/** Open (not CLOSED) blinkers per age bucket: one ZCOUNT per bucket and open status, in one round trip. */
export async function openByAge(redis: Redis, prefix: string, now = Date.now()): Promise<{ label: string; fromDays: number; toDays?: number; count: number }[]> {
  const multi = redis.multi()
  for (const b of AGE_BUCKETS) {
    // Age in [from, to) days ⇔ publishedAt in (now − to, now − from].
    for (const s of OPEN_STATUSES) multi.zcount(blinkerIndexKey(prefix, s), b.toDays === undefined ? '-inf' : `(${now - b.toDays * DAY}`, b.fromDays === 0 ? '+inf' : now - b.fromDays * DAY)
  }
  const counts = results<number>(await multi.exec())
  const n = OPEN_STATUSES.length
  return AGE_BUCKETS.map((b, i) => ({ ...b, count: counts.slice(i * n, i * n + n).reduce((sum, c) => sum + c, 0) }))
}
