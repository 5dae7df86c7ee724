/**
 * Pure statistics of the bench: percentiles of latency samples, medians over rounds, ratios.
 * Kept free of I/O so tests/bench/stats.test.ts can pin them.
 */

export interface LatencySummary {
  /** Milliseconds. */
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
  count: number
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

/** p50/p90/p99/max/mean of latency samples in ms (the input is not modified). */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    count: sorted.length,
  }
}

/** Median of the finite values (mean of the two middle ones for an even count); NaN when none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2
}

/** gateway / baseline; NaN when either is missing or the baseline is 0. */
export function ratio(gateway: number | undefined, baseline: number | undefined): number {
  if (gateway === undefined || baseline === undefined || !Number.isFinite(gateway) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN
  return gateway / baseline
}

/** Rounds to `digits` significant decimals for display and JSON (NaN stays NaN). */
export const round = (value: number, digits = 2): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : Number.NaN)
