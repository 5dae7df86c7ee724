/**
 * What the follow-up pages and the dashboard panel show beside the follow-ups themselves:
 * - the headline "CPAS at or above 5 %: n" per period (the trend), from the statistics counters
 *   of every period (files and beneficiaries only: the feedback counters are not needed here);
 * - the latest period with file counts (the rates' denominators) and its CPAS above 10 %;
 * - among those, the CPAS without an active follow-up (none, or only CLOSED ones): flagged, with a
 *   form to open one.
 * Every rate is computed by computeStatistics on the same counters as GET /v1/statistics.
 */
import type { EnvContext } from '../context.js'
import { keys } from '../store/keys.js'
import { listPeriods, type PeriodCounts } from '../store/statistics-store.js'
import { computeStatistics, type CpasRate } from '../statistics/compute.js'
import { listFollowUps } from './follow-up-service.js'
import type { FollowUp } from './model.js'

export interface HeadlinePoint {
  period: string
  /** CPAS with a rate of 5 % or more (between5And10 + above10). */
  atOrAbove5: number
  /** CPAS with a rate (files given). */
  rated: number
  above10: number
}

export interface FollowUpOverview {
  /** Oldest first; periods with file counts only. */
  headline: HeadlinePoint[]
  /** The latest period with file counts, if any. */
  latestPeriod: string | undefined
  /** Its CPAS above 10 %, highest rate first. */
  above10: CpasRate[]
  /** Those of above10 without an active (not CLOSED) follow-up. */
  flagged: CpasRate[]
  followUps: FollowUp[]
}

function toMap(hash: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(hash).map(([k, v]) => [k, Number(v)]))
}

/** The counters of the periods (files and CPAS hashes only), in one round trip. */
async function readRates(envCtx: EnvContext, periods: readonly string[]): Promise<Map<string, PeriodCounts>> {
  const multi = envCtx.redis.multi()
  for (const p of periods) multi.hgetall(keys.statsFiles(envCtx.keys, p)).hgetall(keys.statsCpas(envCtx.keys, p))
  const raw = periods.length > 0 ? ((await multi.exec()) ?? []) : []
  const out = new Map<string, PeriodCounts>()
  periods.forEach((p, i) => {
    const [fErr, files] = raw[2 * i] as [Error | null, Record<string, string>]
    const [cErr, cpas] = raw[2 * i + 1] as [Error | null, Record<string, string>]
    if (fErr) throw fErr
    if (cErr) throw cErr
    const withBlinker = new Map<string, number>()
    const blinkers = new Map<string, number>()
    for (const [k, v] of Object.entries(cpas)) {
      if (k.endsWith(':n')) withBlinker.set(k.slice(0, -2), Number(v))
      else if (k.endsWith(':b')) blinkers.set(k.slice(0, -2), Number(v))
    }
    out.set(p, { files: toMap(files), withBlinker, blinkers, feedback: new Map() })
  })
  return out
}

export async function followUpOverview(envCtx: EnvContext): Promise<FollowUpOverview> {
  const periods = await listPeriods(envCtx.redis, envCtx.keys)
  const [counts, followUps] = await Promise.all([readRates(envCtx, periods), listFollowUps(envCtx)])
  const headline: HeadlinePoint[] = []
  let latest: { period: string; above10: CpasRate[] } | undefined
  for (const period of periods) {
    const report = computeStatistics(period, 'ALL', counts.get(period) as PeriodCounts, envCtx.parties)
    if (report.totals.files === 0) continue
    headline.push({ period, atOrAbove5: report.between5And10.length + report.above10.length, rated: report.distribution.count, above10: report.above10.length })
    latest = { period, above10: report.above10 }
  }
  const active = new Set(followUps.filter((f) => f.status !== 'CLOSED').map((f) => f.cpasKbo))
  const above10 = latest?.above10 ?? []
  return { headline, latestPeriod: latest?.period, above10, flagged: above10.filter((c) => !active.has(c.cpasKbo)), followUps }
}
