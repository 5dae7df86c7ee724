/**
 * The `timeliness` part of GET /{env}/v1/statistics (issue 19 item 2): per measure, median and
 * p90 over the whole environment, per flow and per software house, for the period and the one
 * before it (the trend), read from the histograms the write steps keep
 * (src/store/timeliness-counters.ts). Both regimes together (the counters have no regime).
 *
 * Cost: one HMGET per period of the fields asked — measures × dimensions × buckets, about 1 600
 * fields with the demo's flows and software houses — never the whole HASH, which also holds one
 * histogram per CPAS. Per-CPAS figures are therefore not in the default answer (580 CPAS would
 * more than double the report's size): they come for the CPAS named in `timelinessCpas` only.
 */
import type { EnvContext } from '../context.js'
import { CATALOGUE_FLOWS } from '../flows/flow-catalogue.js'
import { BUCKET_BOUNDS_S, BUCKET_COUNT } from '../store/duration-histogram.js'
import { keys } from '../store/keys.js'
import { TIMELINESS_MEASURES, type TimelinessMeasure } from '../store/timeliness-counters.js'
import { timelinessFigure, type TimelinessFigure } from './timeliness-figures.js'

/** CPAS one request may ask per-CPAS figures for. */
export const MAX_TIMELINESS_CPAS = 50

export interface MeasureReport {
  measure: TimelinessMeasure
  all: TimelinessFigure
  /** Flows of the catalogue with an event in the period or the previous one. */
  perFlow: (TimelinessFigure & { flow: string })[]
  /** Software houses of the parties file with an event in either period. */
  perSoftwareHouse: (TimelinessFigure & { softwareHouse: string })[]
  /** Only for the CPAS asked (timelinessCpas), each listed even without events. */
  perCpas?: (TimelinessFigure & { cpasKbo: string })[]
}

export interface TimelinessReport {
  period: string
  previousPeriod: string
  /** Upper bounds (inclusive, seconds) of the fixed buckets; one more bucket holds the rest. */
  bucketBoundsS: readonly number[]
  measures: MeasureReport[]
}

export interface TimelinessQuery {
  /** CPAS whose own figures are wanted (≤ MAX_TIMELINESS_CPAS); default none. */
  cpas?: readonly string[]
}

type Dim = { kind: 'all' } | { kind: 'flow'; id: string } | { kind: 'softwareHouse'; id: string } | { kind: 'cpas'; id: string }

const dimField = (d: Dim): string => (d.kind === 'all' ? 'all' : d.kind === 'flow' ? `f:${d.id}` : d.kind === 'softwareHouse' ? `p:${d.id}` : `c:${d.id}`)

/** The previous calendar year of a period. */
export const previousPeriod = (period: string): string => String(Number(period) - 1)

/** The software houses of an environment, in parties-file order. */
export function softwareHouses(envCtx: Pick<EnvContext, 'parties'>): string[] {
  return [...envCtx.parties.parties.values()].filter((p) => p.role === 'software-house').map((p) => p.id)
}

/** Counts per bucket of every (measure, dimension) asked, one HMGET per period. */
async function readCounts(envCtx: EnvContext, periods: readonly string[], dims: readonly Dim[]): Promise<Map<string, number[]>[]> {
  const fields: string[] = []
  for (const m of TIMELINESS_MEASURES) for (const d of dims) for (let b = 0; b < BUCKET_COUNT; b++) fields.push(`${m}|${dimField(d)}|${b}`)
  const pipe = envCtx.redis.pipeline()
  for (const p of periods) pipe.hmget(keys.timeliness(envCtx.keys, p), ...fields)
  const results = (await pipe.exec()) ?? []
  return results.map(([err, values]) => {
    if (err) throw err
    const out = new Map<string, number[]>()
    const list = values as (string | null)[]
    let i = 0
    for (const m of TIMELINESS_MEASURES) {
      for (const d of dims) {
        const counts = new Array<number>(BUCKET_COUNT)
        for (let b = 0; b < BUCKET_COUNT; b++) counts[b] = Number(list[i++] ?? 0)
        out.set(`${m}|${dimField(d)}`, counts)
      }
    }
    return out
  })
}

const hasEvents = (f: TimelinessFigure): boolean => f.n > 0 || f.previous.n > 0

/** The timeliness report of a period (figures for it and for the previous period). */
export async function timelinessReport(envCtx: EnvContext, period: string, query: TimelinessQuery = {}): Promise<TimelinessReport> {
  const prev = previousPeriod(period)
  const flows = CATALOGUE_FLOWS.map((id): Dim => ({ kind: 'flow', id }))
  const houses = softwareHouses(envCtx).map((id): Dim => ({ kind: 'softwareHouse', id }))
  const cpas = [...new Set(query.cpas ?? [])].map((id): Dim => ({ kind: 'cpas', id }))
  const dims: Dim[] = [{ kind: 'all' }, ...flows, ...houses, ...cpas]
  const [now, before] = (await readCounts(envCtx, [period, prev], dims)) as [Map<string, number[]>, Map<string, number[]>]
  const none = new Array<number>(BUCKET_COUNT).fill(0)
  const figure = (m: TimelinessMeasure, d: Dim) => timelinessFigure(now.get(`${m}|${dimField(d)}`) ?? none, before.get(`${m}|${dimField(d)}`) ?? none)
  const measures = TIMELINESS_MEASURES.map((measure): MeasureReport => {
    const report: MeasureReport = {
      measure,
      all: figure(measure, { kind: 'all' }),
      perFlow: flows.map((d) => ({ flow: (d as { id: string }).id, ...figure(measure, d) })).filter(hasEvents),
      perSoftwareHouse: houses.map((d) => ({ softwareHouse: (d as { id: string }).id, ...figure(measure, d) })).filter(hasEvents),
    }
    if (cpas.length > 0) report.perCpas = cpas.map((d) => ({ cpasKbo: (d as { id: string }).id, ...figure(measure, d) }))
    return report
  })
  return { period, previousPeriod: prev, bucketBoundsS: BUCKET_BOUNDS_S, measures }
}
