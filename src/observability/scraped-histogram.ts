/**
 * A Prometheus histogram whose buckets are not observed in this process but read from Redis at
 * scrape time (job durations and attempts: the workers may run in other processes, and counts
 * must survive restarts). prom-client's Histogram can only `observe`, so this is a minimal metric
 * of its own that the registry renders like any other (`# TYPE … histogram`, then `_bucket` with
 * `le` last, `_sum`, `_count`) — promtool then sees a real histogram, not gauges named like one.
 */
import type { Metric, Registry } from 'prom-client'

export interface HistogramSeries {
  /** Cumulative counts by upper bound, as kept in Redis; a bound missing counts 0. */
  buckets: ReadonlyMap<number, number>
  sum: number
  count: number
}

export interface ScrapedHistogramOptions<L extends string> {
  name: string
  help: string
  labelNames: readonly L[]
  /** Finite upper bounds, ascending; `+Inf` is added (it is always `count`). */
  buckets: readonly number[]
  registers: Registry[]
}

/** One line of the exposition, the shape the registry renders (as prom-client's Histogram gives). */
interface SampleLine {
  metricName: string
  labels: Record<string, string>
  value: number
}

export class ScrapedHistogram<L extends string> {
  readonly name: string
  readonly help: string
  readonly type = 'histogram' as const
  readonly aggregator = 'sum' as const
  readonly labelNames: readonly L[]
  private readonly bounds: readonly number[]
  private series = new Map<string, { labels: Record<L, string>; data: HistogramSeries }>()

  constructor(opts: ScrapedHistogramOptions<L>) {
    this.name = opts.name
    this.help = opts.help
    this.labelNames = opts.labelNames
    this.bounds = [...opts.buckets].sort((a, b) => a - b)
    // The registry only calls get() and reset(); its Metric type lists prom-client's own classes.
    for (const r of opts.registers) r.registerMetric(this as unknown as Metric)
  }

  /** Replaces one series (labels in labelNames order decide the output order). */
  set(labels: Record<L, string>, data: HistogramSeries): void {
    const ordered = Object.fromEntries(this.labelNames.map((l) => [l, labels[l]])) as Record<L, string>
    this.series.set(JSON.stringify(ordered), { labels: ordered, data })
  }

  reset(): void {
    this.series = new Map()
  }

  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: SampleLine[] }> {
    const values: SampleLine[] = []
    for (const { labels, data } of this.series.values()) {
      // Kept cumulative and never above count, even if Redis holds an older layout (a bucket
      // added later starts at 0 while +Inf already counts everything).
      let running = 0
      for (const le of this.bounds) {
        running = Math.min(data.count, Math.max(running, data.buckets.get(le) ?? 0))
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: String(le) }, value: running })
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: data.count })
      values.push({ metricName: `${this.name}_sum`, labels, value: data.sum })
      values.push({ metricName: `${this.name}_count`, labels, value: data.count })
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator })
  }
}
