/**
 * The bench's result model, its targets (issue 8) with PASS/FAIL, and the tables printed on stdout
 * and pasted into BENCHMARKS.md. Pure functions: tests/bench/report.test.ts pins them.
 */
import { median, ratio, round } from './stats.js'

export type ScenarioId = 'rest-single' | 'rest-batch' | 'soap' | 'publish' | 'mailbox' | 'e2e' | 'search' | 'pages' | 'statistics' | 'barometer'

/** One side (gateway or baseline) of a scenario, the median over rounds. */
export interface SideResult {
  /** Items per second (feedback, blinkers, pages or forwarded messages). */
  throughput: number
  /** Latency of one request at full load, ms. */
  p50: number
  p99: number
  /** Latency at half of this side's own full-load throughput, ms (NaN when not measured). */
  halfP50: number
  halfP99: number
  /** Peak resident memory of the server processes during the load, bytes (NaN when not sampled). */
  peakRss: number
  /** CPU time of the server processes per item at full load, µs (NaN when not measured). */
  cpuUsPerItem: number
  /** CPU time of redis-server per item at full load, µs. */
  redisCpuUsPerItem: number
  /** Failed or unexpected answers, summed over the rounds: a run with errors is not a result. */
  errors: number
}

/** One page of the page-render scenario (issue 18): sequential GETs, ms. */
export interface PageResult {
  name: string
  path: string
  p50: number
  p99: number
  max: number
  /** Measured GETs (warm-up not counted). */
  count: number
  /** Size of the last answer, characters. */
  bytes: number
  /** Answers that were not a 200 HTML page, warm-up included. */
  errors: number
  firstError?: string
}

export interface ScenarioResult {
  id: ScenarioId
  title: string
  /** What throughput counts, e.g. "feedback/s". */
  unit: string
  gateway: SideResult
  baseline?: SideResult
  /** Redis used_memory growth per stored item (blinker or feedback), bytes. */
  redisBytesPerItem?: number
  /** The feedback search page (issue 18): p99 with 10 000 and with 1 000 000 stored messages, ms. */
  search?: { p99Small: number; p99Large: number; ratio: number; seedSeconds: number }
  /** The inspection's pages on the demo data set (issue 18), one entry per page. */
  pages?: PageResult[]
  /** A third server measured in the same rounds for information, with no target (results.json). */
  reference?: { title: string; result: SideResult }
  /** Every round, for results.json. */
  rounds: { gateway: SideResult[]; baseline: SideResult[]; reference?: SideResult[] }
  notes: string[]
}

/** Median of each field over rounds (errors summed). */
export function combineRounds(rounds: readonly SideResult[]): SideResult {
  const m = (k: keyof SideResult) => median(rounds.map((r) => r[k]))
  return {
    throughput: m('throughput'),
    p50: m('p50'),
    p99: m('p99'),
    halfP50: m('halfP50'),
    halfP99: m('halfP99'),
    cpuUsPerItem: m('cpuUsPerItem'),
    redisCpuUsPerItem: m('redisCpuUsPerItem'),
    peakRss: Math.max(...rounds.map((r) => (Number.isFinite(r.peakRss) ? r.peakRss : 0)), 0) || Number.NaN,
    errors: rounds.reduce((s, r) => s + r.errors, 0),
  }
}

export interface TargetCheck {
  target: string
  value: number
  limit: number
  op: '>=' | '<'
  unit: string
  pass: boolean
}

const MB = 1024 * 1024
/** The issue's targets: ratio to the baseline per scenario, latencies, memory. */
export const RATIO_TARGETS: Partial<Record<ScenarioId, number>> = { 'rest-single': 0.8, 'rest-batch': 0.8, soap: 1.3, publish: 0.8, e2e: 0.8 }
export const HALF_LOAD_P99_MS: Partial<Record<ScenarioId, number>> = { 'rest-single': 25, soap: 25, mailbox: 50 }
export const REDIS_BYTES_PER_BLINKER = 2048
/** Issue 18: the feedback search page (limit 100, three filters), with 10 000 and with 1 000 000 stored. */
export const SEARCH_P99_MS = 50
/** Issue 18: the dashboard and the CPAS page (and the other inspection pages) on the demo data set. */
export const PAGE_P99_MS = 300
/** Issue 19: GET /v1/statistics (with the timeliness) on the demo data set. */
export const STATISTICS_P99_MS = 50
/** Issue 20: GET /v1/barometer with 50 software houses and the demo data set. */
export const BAROMETER_P99_MS = 100
export const PEAK_RSS_BYTES = 300 * MB

const check = (target: string, value: number, op: '>=' | '<', limit: number, unit: string): TargetCheck => ({
  target,
  value,
  limit,
  op,
  unit,
  // NaN (not measured, or a run with errors) never passes.
  pass: Number.isFinite(value) && (op === '>=' ? value >= limit : value < limit),
})

/** PASS/FAIL of every target whose scenario ran. A scenario with errors fails its targets. */
export function evaluateTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  const clean = (r: ScenarioResult, v: number) => (r.gateway.errors > 0 || (r.baseline?.errors ?? 0) > 0 ? Number.NaN : v)
  for (const r of results) {
    const minRatio = RATIO_TARGETS[r.id]
    if (minRatio !== undefined) checks.push(check(`${r.id}: throughput ratio to baseline`, clean(r, ratio(r.gateway.throughput, r.baseline?.throughput)), '>=', minRatio, '×'))
    const maxP99 = HALF_LOAD_P99_MS[r.id]
    if (maxP99 !== undefined) checks.push(check(`${r.id}: gateway p99 at half load`, clean(r, r.gateway.halfP99), '<', maxP99, 'ms'))
    if (r.id === 'publish') checks.push(check('publish: Redis memory per blinker', clean(r, r.redisBytesPerItem ?? Number.NaN), '<', REDIS_BYTES_PER_BLINKER, 'B'))
    if (r.search) {
      checks.push(check('search: page p99, 10 000 stored', clean(r, r.search.p99Small), '<', SEARCH_P99_MS, 'ms'))
      checks.push(check('search: page p99, 1 000 000 stored', clean(r, r.search.p99Large), '<', SEARCH_P99_MS, 'ms'))
    }
    if (r.id === 'statistics') checks.push(check('statistics: GET /v1/statistics p99', clean(r, r.gateway.p99), '<', STATISTICS_P99_MS, 'ms'))
    if (r.id === 'barometer') checks.push(check('barometer: GET /v1/barometer p99 (50 software houses)', clean(r, r.gateway.p99), '<', BAROMETER_P99_MS, 'ms'))
    // Each page on its own errors: one failing page does not hide the others' figures.
    for (const p of r.pages ?? []) checks.push(check(`pages: ${p.name} p99`, p.errors > 0 ? Number.NaN : p.p99, '<', PAGE_P99_MS, 'ms'))
  }
  const rss = results.map((r) => r.gateway.peakRss).filter(Number.isFinite)
  if (rss.length > 0) checks.push(check('gateway peak RSS under load', Math.max(...rss), '<', PEAK_RSS_BYTES, 'B'))
  return checks
}

const num = (v: number | undefined, digits = 0): string => (v === undefined || !Number.isFinite(v) ? '—' : round(v, digits).toLocaleString('en-US'))
const ms = (p50: number, p99: number): string => (Number.isFinite(p50) ? `${num(p50, 1)} / ${num(p99, 1)}` : '—')
const mb = (bytes: number): string => (Number.isFinite(bytes) ? `${num(bytes / MB, 0)} MB` : '—')

/** The main table (markdown): throughput side by side, ratio, latencies, memory. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const head = [
    '| scenario | gateway | raw baseline (same run) | ratio | gateway p50 / p99 ms, full load | gateway p50 / p99 ms, half load | baseline p50 / p99 ms, full / half | CPU µs per item, gateway / baseline (server + Redis) | gateway peak RSS | Redis per item |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  const rows = results.map((r) => {
    const g = r.gateway
    const b = r.baseline
    const base = b ? `${num(b.throughput)} ${r.unit}` : '—'
    const baseLat = b ? `${ms(b.p50, b.p99)} · ${ms(b.halfP50, b.halfP99)}` : '—'
    const cpu = (x: SideResult) => (Number.isFinite(x.cpuUsPerItem) ? `${num(x.cpuUsPerItem)} + ${num(x.redisCpuUsPerItem)}` : '—')
    const cpuCell = `${cpu(g)}${b ? ` / ${cpu(b)}` : ''}`
    const errs = g.errors + (b?.errors ?? 0)
    return `| ${r.title}${errs ? ` (**${errs} errors**)` : ''} | ${num(g.throughput)} ${r.unit} | ${base} | ${b ? `${num(ratio(g.throughput, b.throughput), 2)}×` : '—'} | ${ms(g.p50, g.p99)} | ${ms(g.halfP50, g.halfP99)} | ${baseLat} | ${cpuCell} | ${mb(g.peakRss)} | ${r.redisBytesPerItem === undefined ? '—' : `${num(r.redisBytesPerItem)} B`} |`
  })
  return [...head, ...rows].join('\n')
}

/** The targets table (markdown) with PASS/FAIL. */
export function targetsTable(checks: readonly TargetCheck[]): string {
  const show = (c: TargetCheck, v: number) => (c.unit === 'B' && v >= MB ? mb(v) : `${num(v, c.unit === '×' ? 2 : c.unit === 'ms' ? 1 : 0)}${c.unit === '×' ? '×' : ` ${c.unit}`}`)
  const rows = checks.map((c) => `| ${c.target} | ${show(c, c.value)} | ${c.op} ${show(c, c.limit)} | ${c.pass ? 'PASS' : '**FAIL**'} |`)
  return ['| target | measured | required | result |', '|---|---:|---:|---|', ...rows].join('\n')
}
