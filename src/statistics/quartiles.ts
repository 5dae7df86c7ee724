/**
 * Quartiles by the NEAREST-RANK method: the p-quantile of n sorted values is the value at rank
 * ⌈p·n⌉ (1-based), i.e. the smallest value such that at least p·n values are ≤ it. It is always
 * one of the observed rates (no interpolation between two CPAS), which is what the seed's
 * sentences mean: "a quarter of CPAS under 5 %" ⇔ Q1 ≈ 5 % with 25 % of CPAS at or below Q1.
 */

/** The p-quantile (0 < p ≤ 1) of values sorted ascending; null when there are none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[rank - 1] ?? null
}

export interface Distribution {
  method: 'nearest-rank'
  /** CPAS counted (those with files for the period). */
  count: number
  min: number | null
  q1: number | null
  median: number | null
  q3: number | null
  max: number | null
  /** For each threshold: how many CPAS have a rate strictly below it, and their share. */
  under: { threshold: number; count: number; share: number }[]
}

export function distribution(rates: readonly number[], thresholds: readonly number[]): Distribution {
  const sorted = [...rates].sort((a, b) => a - b)
  const n = sorted.length
  return {
    method: 'nearest-rank',
    count: n,
    min: sorted[0] ?? null,
    q1: nearestRank(sorted, 0.25),
    median: nearestRank(sorted, 0.5),
    q3: nearestRank(sorted, 0.75),
    max: sorted.at(-1) ?? null,
    under: thresholds.map((threshold) => {
      const count = sorted.filter((r) => r < threshold).length
      return { threshold, count, share: n === 0 ? 0 : count / n }
    }),
  }
}
