/**
 * GET /{env}/v1/statistics on the demo data set (issue 19: "stays under 50 ms p99", with the
 * timeliness and the trajectories read from counters): p50/p99 of sequential GETs by the
 * inspection, for the seed year (2016, whose previous period 2015 is the trend's), both regimes —
 * the default answer, 580 CPAS rows, the timeliness per flow and software house — and the same
 * with per-CPAS timeliness for ten CPAS (timelinessCpas).
 *
 * The data is the demo data set as `blinker-gateway demo-data` loads it (src/statistics/demo-data.ts
 * with its timeline: 2016 plus 2014 and 2015, feedback for 30 %, decisions, form D), in production
 * under the bench's KEY_PREFIX, like the pages scenario: when that ran first, the blinkers are
 * there already (the load is idempotent) and the figures are read from its counters.
 */
import { performance } from 'node:perf_hooks'
import { request } from 'undici'
import { loadConfig, type EnvName } from '../../src/config.js'
import type { EnvContext } from '../../src/context.js'
import { createContexts } from '../../src/gateway.js'
import { loadParties, type Party } from '../../src/parties/parties.js'
import { allQueues } from '../../src/queue/queues.js'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { demoKbos } from '../../src/statistics/demo-plan.js'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import type { BenchContext } from '../lib/harness.js'
import type { ScenarioResult } from '../lib/report.js'
import { summarize } from '../lib/stats.js'

export interface StatisticsOptions {
  /** The gateway's KEY_PREFIX; default 'bgw-bench' (bench/run.ts). */
  keyPrefix?: string
  /** Environment the data goes into and is read from; default 'production'. */
  env?: EnvName
  /** Only the first N demo CPAS (the plumbing test); default all 580. */
  cpasLimit?: number
  /** Measured GETs per query; default 300. */
  samples?: number
  /** GETs per query before measuring (not counted); default 30. */
  warmup?: number
}

/** The CLI's trend years (src/cli/demo-data.ts). */
const TREND_YEARS = [
  [2014, 0.97, 1.22],
  [2015, 0.98, 1.1],
] as const
const FEEDBACK_SHARE = 0.3
const PERIOD = '2016'

const roleParty = (ctx: EnvContext, role: Party['role']): Party => {
  const party = [...ctx.parties.parties.values()].find((p) => p.role === role)
  if (!party) throw new Error(`${ctx.env} has no ${role} party`)
  return party
}

interface QueryResult {
  name: string
  path: string
  p50: number
  p99: number
  max: number
  bytes: number
  errors: number
}

async function measure(origin: string, token: string, name: string, path: string, samples: number, warmup: number): Promise<QueryResult> {
  const latencies: number[] = []
  let errors = 0
  let bytes = 0
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now()
    const res = await request(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.body.text()
    const ms = performance.now() - started
    if (res.statusCode !== 200 || !body.includes('"timeliness"')) errors++
    bytes = body.length
    if (i >= warmup) latencies.push(ms)
  }
  const s = summarize(latencies)
  return { name, path, p50: s.p50, p99: s.p99, max: s.max, bytes, errors }
}

export async function statistics(ctx: BenchContext, opts: StatisticsOptions = {}): Promise<ScenarioResult> {
  const env = opts.env ?? 'production'
  const samples = opts.samples ?? 300
  const warmup = opts.warmup ?? 30
  const config = loadConfig({ REDIS_URL: ctx.redisUrl, KEY_PREFIX: opts.keyPrefix ?? 'bgw-bench', ENVIRONMENTS: env, LOG_LEVEL: 'warn' })
  const redis = commandConnection(ctx.redisUrl)
  const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
  const envCtx = contexts.get(env) as EnvContext
  let loaded: string
  try {
    await waitReady(redis)
    const started = performance.now()
    const summary = await loadDemoData(envCtx, roleParty(envCtx, 'publisher'), roleParty(envCtx, 'inspection'), {
      feedbackShare: FEEDBACK_SHARE,
      trendYears: TREND_YEARS,
      timeline: true,
      ...(opts.cpasLimit !== undefined && { cpasLimit: opts.cpasLimit }),
    })
    loaded = `${summary.cpas} CPAS, years ${summary.years.join(', ')}, ${summary.accepted + summary.duplicates} blinkers (${summary.duplicates} already there), ${summary.feedback} feedback`
    ctx.log(`  demo data into ${config.KEY_PREFIX}:${env} in ${((performance.now() - started) / 1000).toFixed(0)} s: ${loaded}`)
  } finally {
    for (const c of contexts.values()) for (const q of allQueues(c).values()) await q.close()
    redis.disconnect()
  }
  const token = `demo-${env === 'production' ? 'prod' : 'acc'}-inspection`
  const ten = demoKbos(Math.min(10, opts.cpasLimit ?? 10)).join(',')
  const targets: [string, string][] = [
    ['default', `/${env}/v1/statistics?period=${PERIOD}`],
    ['ten CPAS timeliness', `/${env}/v1/statistics?period=${PERIOD}&timelinessCpas=${ten}`],
  ]
  const results: QueryResult[] = []
  for (const [name, path] of targets) {
    const r = await measure(ctx.gateway.origin, token, name, path, samples, warmup)
    ctx.log(`  ${name} ${path}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (${(r.bytes / 1024).toFixed(0)} KiB)${r.errors ? `, ${r.errors} errors` : ''}`)
    results.push(r)
  }
  const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a))
  const nan = Number.NaN
  return {
    id: 'statistics',
    title: `GET /v1/statistics on the demo data set (period ${PERIOD}, with timeliness), sequential, slower query`,
    unit: 'answers/s',
    gateway: { throughput: 1000 / worst.p50, p50: worst.p50, p99: worst.p99, halfP50: nan, halfP99: nan, peakRss: nan, cpuUsPerItem: nan, redisCpuUsPerItem: nan, errors: results.reduce((a, r) => a + r.errors, 0) },
    rounds: { gateway: [], baseline: [] },
    notes: [
      `demo data set (loadDemoData with its timeline, as \`blinker-gateway demo-data\`): ${loaded}; environment ${env}`,
      `${warmup} warm-up then ${samples} sequential GETs per query, inspection token`,
      ...results.map((r) => `${r.name} ${r.path}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, ${(r.bytes / 1024).toFixed(0)} KiB${r.errors ? `, ${r.errors} errors` : ''}`),
    ],
  }
}
