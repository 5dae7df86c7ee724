/**
 * One CPAS's rate per period and regime (the CPAS page's trend), read from the statistics
 * counters the publication and PUT /v1/statistics/files maintain: one HMGET of six fields per
 * period, so the page costs the same whatever the number of CPAS. Definitions as compute.ts:
 * rate = distinct beneficiaries with a blinker / files; both regimes together add files and
 * beneficiaries per regime.
 */
import type { EnvContext } from '../context.js'
import { REGIMES, type Regime } from '../domain/model.js'
import { keys } from '../store/keys.js'
import { listPeriods } from '../store/statistics-store.js'

export interface RateCell {
  files: number
  filesWithBlinker: number
  blinkers: number
  /** null without files (no rate). */
  rate: number | null
}

export interface CpasTrendPoint {
  period: string
  all: RateCell
  perRegime: Record<Regime, RateCell>
}

const cell = (files: number, filesWithBlinker: number, blinkers: number): RateCell => ({ files, filesWithBlinker, blinkers, rate: files > 0 ? filesWithBlinker / files : null })

/** Periods oldest first; a period in which the CPAS has neither files nor blinkers is left out. */
export async function cpasTrend(ctx: EnvContext, kbo: string): Promise<CpasTrendPoint[]> {
  const periods = await listPeriods(ctx.redis, ctx.keys)
  if (periods.length === 0) return []
  const multi = ctx.redis.multi()
  for (const period of periods) {
    multi.hmget(keys.statsFiles(ctx.keys, period), ...REGIMES.map((r) => `${r}:${kbo}`))
    multi.hmget(keys.statsCpas(ctx.keys, period), ...REGIMES.flatMap((r) => [`${r}:${kbo}:n`, `${r}:${kbo}:b`]))
  }
  const replies = (await multi.exec()) ?? []
  const out: CpasTrendPoint[] = []
  periods.forEach((period, i) => {
    const [errFiles, files] = replies[2 * i] as [Error | null, (string | null)[]]
    const [errCounts, counts] = replies[2 * i + 1] as [Error | null, (string | null)[]]
    if (errFiles ?? errCounts) throw errFiles ?? errCounts
    const perRegime = {} as Record<Regime, RateCell>
    let any = false
    REGIMES.forEach((r, j) => {
      const f = Number(files[j] ?? 0)
      const n = Number(counts[2 * j] ?? 0)
      const b = Number(counts[2 * j + 1] ?? 0)
      if (f > 0 || b > 0) any = true
      perRegime[r] = cell(f, n, b)
    })
    if (!any) return
    const sum = (k: 'files' | 'filesWithBlinker' | 'blinkers') => REGIMES.reduce((a, r) => a + perRegime[r][k], 0)
    out.push({ period, all: cell(sum('files'), sum('filesWithBlinker'), sum('blinkers')), perRegime })
  })
  return out
}
