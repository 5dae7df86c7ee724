/**
 * A follow-up's trajectory: the CPAS's rate per period since the follow-up's period, read from the
 * SAME write-time counters as GET /v1/statistics (stats:files and stats:cpas per period, see
 * src/store/statistics-store.ts) and computed by the same function (computeStatistics), so a
 * trajectory point always equals that CPAS's `rate` in the statistics report of the period.
 *
 * Regime: both together (the report's default, regime ALL, and the distribution the 5 % target and
 * the 10 % inspection line are judged on): files = DIS + law of 1965, filesWithBlinker = the two
 * distinct counts added. Cost: two HMGETs per CPAS and period, all in one round trip — no scan.
 * A period in which the CPAS has neither files nor blinkers (a year only other CPAS have data for)
 * is left out; one with blinkers but no files stays, with rate null (the denominator is missing).
 */
import type { EnvContext } from '../context.js'
import { REGIMES } from '../domain/model.js'
import { keys } from '../store/keys.js'
import { listPeriods, type PeriodCounts } from '../store/statistics-store.js'
import { computeStatistics, TARGET_RATE } from '../statistics/compute.js'
import type { TrajectoryPoint } from './model.js'

export interface TrajectoryRequest {
  cpasKbo: string
  period: string
}

const key = (r: TrajectoryRequest) => `${r.cpasKbo}|${r.period}`

/** The trajectories of several follow-ups at once, keyed `{kbo}|{period}`. */
export async function trajectories(envCtx: EnvContext, wanted: readonly TrajectoryRequest[]): Promise<Map<string, TrajectoryPoint[]>> {
  const out = new Map<string, TrajectoryPoint[]>()
  if (wanted.length === 0) return out
  const periods = await listPeriods(envCtx.redis, envCtx.keys)
  const kbos = [...new Set(wanted.map((w) => w.cpasKbo))]
  const first = wanted.reduce((a, w) => (w.period < a ? w.period : a), '9999')
  const needed = periods.filter((p) => p >= first)
  const multi = envCtx.redis.multi()
  for (const period of needed) {
    for (const kbo of kbos) {
      multi.hmget(keys.statsFiles(envCtx.keys, period), ...REGIMES.map((r) => `${r}:${kbo}`))
      multi.hmget(keys.statsCpas(envCtx.keys, period), ...REGIMES.flatMap((r) => [`${r}:${kbo}:n`, `${r}:${kbo}:b`]))
    }
  }
  const raw = needed.length > 0 ? ((await multi.exec()) ?? []) : []
  const points = new Map<string, TrajectoryPoint>()
  const empty = new Set<string>()
  let i = 0
  for (const period of needed) {
    for (const kbo of kbos) {
      const [filesErr, files] = raw[i++] as [Error | null, (string | null)[]]
      const [cpasErr, cpas] = raw[i++] as [Error | null, (string | null)[]]
      if (filesErr) throw filesErr
      if (cpasErr) throw cpasErr
      points.set(`${kbo}|${period}`, pointOf(envCtx, period, kbo, files, cpas))
      if ([...files, ...cpas].every((v) => v === null || v === undefined)) empty.add(`${kbo}|${period}`)
    }
  }
  for (const w of wanted) out.set(key(w), needed.filter((p) => p >= w.period && !empty.has(`${w.cpasKbo}|${p}`)).map((p) => points.get(`${w.cpasKbo}|${p}`) as TrajectoryPoint))
  return out
}

/** The counters of one CPAS and period as a PeriodCounts, through the statistics' own computation. */
function pointOf(envCtx: EnvContext, period: string, kbo: string, files: (string | null)[], cpas: (string | null)[]): TrajectoryPoint {
  const counts: PeriodCounts = { files: new Map(), withBlinker: new Map(), blinkers: new Map(), feedback: new Map() }
  REGIMES.forEach((r, j) => {
    const f = files[j]
    const n = cpas[2 * j]
    const b = cpas[2 * j + 1]
    if (f !== null && f !== undefined) counts.files.set(`${r}:${kbo}`, Number(f))
    if (n !== null && n !== undefined) counts.withBlinker.set(`${r}:${kbo}`, Number(n))
    if (b !== null && b !== undefined) counts.blinkers.set(`${r}:${kbo}`, Number(b))
  })
  const row = computeStatistics(period, 'ALL', counts, envCtx.parties).cpas[0]
  return { period, rate: row?.rate ?? null, files: row?.files ?? 0, filesWithBlinker: row?.filesWithBlinker ?? 0 }
}

export const trajectoryKey = key

/** The target is met when the latest period with a rate is under 5 % (false without any rate). */
export function targetMet(trajectory: readonly TrajectoryPoint[]): boolean {
  const latest = trajectory.filter((p) => p.rate !== null).at(-1)
  return latest !== undefined && (latest.rate as number) < TARGET_RATE
}
