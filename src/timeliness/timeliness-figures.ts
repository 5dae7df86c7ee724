/**
 * From bucket counts to the figures the statistics serve: n, median and p90 in milliseconds,
 * each with the bounds of the bucket it lies in — the figure's precision, since the histograms
 * keep counts per fixed bucket, not the durations (src/store/duration-histogram.ts): minutes in
 * the first hour, hours up to a day, days beyond. And the trend against the previous period.
 */
import { BUCKET_BOUNDS_S, quantileMs } from '../store/duration-histogram.js'

/** [from, to] in ms of a bucket; `to` null for the overflow bucket (above a year). */
export type BucketRange = [number, number | null]

export interface DurationFigure {
  /** Events counted. */
  n: number
  /** Median, ms (linear inside its bucket); null when n = 0. */
  medianMs: number | null
  /** 90th percentile, ms; null when n = 0. */
  p90Ms: number | null
  /** The bucket holding the median: the median is exact to this range. */
  medianBucketMs: BucketRange | null
  /** The bucket holding the p90. */
  p90BucketMs: BucketRange | null
}

/** faster / slower: the median moved to a lower / higher bucket; same: same bucket. */
export type Trend = 'faster' | 'slower' | 'same'

export interface TimelinessFigure extends DurationFigure {
  /** The same dimension in the previous period. */
  previous: DurationFigure
  /** Median against the previous period's, at bucket precision; null when either has none. */
  trend: Trend | null
}

export const MEDIAN = 0.5
export const P90 = 0.9

/** Index of the bucket holding the q-quantile's rank (as quantileMs walks it); -1 when empty. */
export function rankBucket(counts: readonly number[], q: number): number {
  const total = counts.reduce((s, c) => s + c, 0)
  if (total === 0) return -1
  const rank = q * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number
    if (c > 0 && seen + c >= rank) return i
    seen += c
  }
  return counts.length - 1
}

export function bucketRange(i: number): BucketRange {
  const from = i === 0 ? 0 : (BUCKET_BOUNDS_S[i - 1] as number) * 1000
  const to = i < BUCKET_BOUNDS_S.length ? (BUCKET_BOUNDS_S[i] as number) * 1000 : null
  return [from, to]
}

export function durationFigure(counts: readonly number[]): DurationFigure {
  const n = counts.reduce((s, c) => s + c, 0)
  if (n === 0) return { n: 0, medianMs: null, p90Ms: null, medianBucketMs: null, p90BucketMs: null }
  return {
    n,
    medianMs: quantileMs(counts, MEDIAN) ?? null,
    p90Ms: quantileMs(counts, P90) ?? null,
    medianBucketMs: bucketRange(rankBucket(counts, MEDIAN)),
    p90BucketMs: bucketRange(rankBucket(counts, P90)),
  }
}

export function trendOf(current: readonly number[], previous: readonly number[]): Trend | null {
  const a = rankBucket(current, MEDIAN)
  const b = rankBucket(previous, MEDIAN)
  if (a < 0 || b < 0) return null
  return a === b ? 'same' : a < b ? 'faster' : 'slower'
}

export function timelinessFigure(current: readonly number[], previous: readonly number[]): TimelinessFigure {
  return { ...durationFigure(current), previous: durationFigure(previous), trend: trendOf(current, previous) }
}
