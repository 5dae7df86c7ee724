/**
 * Statistics for REST (GET/PUT /{env}/v1/statistics…), the dashboard and the demo-data command:
 * read the counters of a period, compute the report, add the open blinkers by age; write the
 * denominators; the trend over every period known.
 */
import type { EnvContext } from '../context.js'
import { REGIMES, type Regime } from '../domain/model.js'
import { GatewayError, type FieldError } from '../errors.js'
import { readDecisions } from '../store/decision-stats.js'
import { listPeriods, openByAge, putFiles, readMonths, readPeriod, type FilesCount } from '../store/statistics-store.js'
import { computeStatistics, type RegimeFilter, type StatisticsReport, type Totals } from './compute.js'
import { timelinessReport, type TimelinessQuery, type TimelinessReport } from '../timeliness/timeliness-report.js'

/** A period is a calendar year (the year the subsidy form's period starts in). */
export const PERIOD_PATTERN = '^(19|20)[0-9]{2}$'

export interface FilesRequest {
  period: string
  counts: FilesCount[]
}

export type OpenByAge = Awaited<ReturnType<typeof openByAge>>

export interface StatisticsAnswer extends StatisticsReport {
  /** Blinkers not CLOSED, by days since publication (every period). */
  openByAge: OpenByAge
  /** Median and p90 durations per measure, flow and software house, with the previous period (src/timeliness/). */
  timeliness: TimelinessReport
}

/** Stores the denominators; the same CPAS and regime twice in one request is refused (400). */
export async function putFilesCounts(envCtx: EnvContext, body: FilesRequest): Promise<void> {
  const seen = new Map<string, number>()
  const errors: FieldError[] = []
  body.counts.forEach((c, i) => {
    const key = `${c.regime}:${c.cpasKbo}`
    const first = seen.get(key)
    if (first !== undefined) errors.push({ path: `/counts/${i}`, message: `repeats /counts/${first} (${c.cpasKbo}, ${c.regime})` })
    else seen.set(key, i)
  })
  if (errors.length > 0) throw new GatewayError('GW_ERR_VALIDATION', 'Each CPAS and regime may appear once per request', errors)
  await putFiles(envCtx.redis, envCtx.keys, body.period, body.counts)
}

export async function statisticsFor(envCtx: EnvContext, period: string, regime: RegimeFilter = 'ALL', now = Date.now(), timeliness: TimelinessQuery = {}): Promise<StatisticsAnswer> {
  const [counts, decisions, ages, tl] = await Promise.all([
    readPeriod(envCtx.redis, envCtx.keys, period),
    readDecisions(envCtx.redis, envCtx.keys, period),
    openByAge(envCtx.redis, envCtx.keys, now),
    timelinessReport(envCtx, period, timeliness),
  ])
  return { ...computeStatistics(period, regime, { ...counts, decisions }, envCtx.parties), openByAge: ages, timeliness: tl }
}

export interface TrendPoint {
  period: string
  all: Totals
  perRegime: Record<Regime, Totals>
}

/** Totals of every period known, oldest first (the dashboard's trend chart). */
export async function trend(envCtx: EnvContext): Promise<TrendPoint[]> {
  const periods = await listPeriods(envCtx.redis, envCtx.keys)
  return Promise.all(
    periods.map(async (period) => {
      const report = computeStatistics(period, 'ALL', await readPeriod(envCtx.redis, envCtx.keys, period), envCtx.parties)
      const perRegime = {} as Record<Regime, Totals>
      for (const r of report.perRegime) perRegime[r.regime] = r
      return { period, all: report.totals, perRegime }
    }),
  )
}

/** Blinkers per month of their form period, oldest first, both regimes and per regime. */
export async function monthlyBlinkers(envCtx: EnvContext): Promise<{ month: string; total: number; perRegime: Record<Regime, number> }[]> {
  const months = new Map<string, Record<Regime, number>>()
  for (const [field, n] of await readMonths(envCtx.redis, envCtx.keys)) {
    const [month, regime] = field.split('|') as [string, Regime]
    const row = months.get(month) ?? (Object.fromEntries(REGIMES.map((r) => [r, 0])) as Record<Regime, number>)
    row[regime] = (row[regime] ?? 0) + n
    months.set(month, row)
  }
  return [...months]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, perRegime]) => ({ month, total: REGIMES.reduce((a, r) => a + perRegime[r], 0), perRegime }))
}
