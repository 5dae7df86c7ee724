/**
 * GET /{env}/v1/barometer with 50 software houses and the demo data set (issue 20: "under 100 ms
 * p99"): p50/p99 of sequential GETs by the inspection, for the running cycle and for 2016-2017
 * (the demo data's years), each answer every party's latest evaluation with its trend.
 *
 * The demo parties have two software houses, so this scenario runs its own gateway process (the
 * bench's server script, same settings) with a parties file of 50 software houses serving 10 demo
 * CPAS each (500 CPAS); the other 80 demo CPAS stay on Excel lists and are measured too, as
 * `excel:{kbo}` — 130 parties in the answer. The demo data set is loaded into that gateway's own
 * key prefix through the same services as `blinker-gateway demo-data` (with its timeline, so the
 * counters hold real delays), the barometer's demo profiles included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { request } from 'undici'
import { loadConfig } from '../../src/config.js'
import type { EnvContext } from '../../src/context.js'
import { createContexts } from '../../src/gateway.js'
import { hashToken, loadParties, type Party } from '../../src/parties/parties.js'
import { allQueues } from '../../src/queue/queues.js'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { demoKbos } from '../../src/statistics/demo-plan.js'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import type { BenchContext } from '../lib/harness.js'
import { freePort, startNode, waitHttp } from '../lib/processes.js'
import type { ScenarioResult } from '../lib/report.js'
import { summarize } from '../lib/stats.js'

export interface BarometerOptions {
  /** KEY_PREFIX of this scenario's gateway; default 'bgw-bench-baro'. */
  keyPrefix?: string
  /** Software houses in the parties file; default 50. */
  houses?: number
  /** CPAS served by each; default 10. */
  cpasPerHouse?: number
  /** Only the first N demo CPAS (the plumbing test); default all 580. */
  cpasLimit?: number
  /** Measured GETs per query; default 200. */
  samples?: number
  /** GETs per query before measuring (not counted); default 20. */
  warmup?: number
  /** A gateway already serving barometerParties(houses, cpasPerHouse, cpasLimit) under keyPrefix (the plumbing test); default: start one. */
  origin?: string
}

const ENV = 'production'
const INSPECTION_TOKEN = 'bench-baro-inspection'
const TREND_YEARS = [
  [2014, 0.97, 1.22],
  [2015, 0.98, 1.1],
] as const

/** The parties file: a publisher, the inspection, `houses` software houses with `perHouse` CPAS each. */
interface FileParty {
  id: string
  name?: string
  role: Party['role']
  tokenSha256: string[]
  cpas?: string[]
}

export function barometerParties(houses: number, perHouse: number, cpasCount: number): Record<typeof ENV, { cpas: { kbo: string }[]; parties: FileParty[] }> {
  const kbos = demoKbos(cpasCount)
  const sh = Array.from({ length: houses }, (_, i): FileParty => ({
    id: `sh-${String(i + 1).padStart(2, '0')}`,
    name: `Software house ${i + 1}`,
    role: 'software-house',
    tokenSha256: [hashToken(`bench-baro-sh-${i + 1}`)],
    cpas: kbos.slice(i * perHouse, (i + 1) * perHouse),
  }))
  return {
    [ENV]: {
      cpas: kbos.map((kbo) => ({ kbo })),
      parties: [
        { id: 'publisher', role: 'publisher', tokenSha256: [hashToken('bench-baro-publisher')] },
        { id: 'inspection', role: 'inspection', tokenSha256: [hashToken(INSPECTION_TOKEN)] },
        ...sh.filter((h) => (h.cpas?.length ?? 0) > 0),
      ],
    },
  }
}

const roleParty = (ctx: EnvContext, role: Party['role']): Party => {
  const party = [...ctx.parties.parties.values()].find((p) => p.role === role)
  if (!party) throw new Error(`${ctx.env} has no ${role} party`)
  return party
}

async function measure(origin: string, path: string, samples: number, warmup: number) {
  const latencies: number[] = []
  let errors = 0
  let bytes = 0
  let parties = 0
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now()
    const res = await request(`${origin}${path}`, { headers: { authorization: `Bearer ${INSPECTION_TOKEN}` } })
    const body = await res.body.text()
    const ms = performance.now() - started
    if (res.statusCode !== 200) errors++
    else parties = (JSON.parse(body) as { parties: unknown[] }).parties.length
    bytes = body.length
    if (i >= warmup) latencies.push(ms)
  }
  return { path, ...summarize(latencies), bytes, errors, parties }
}

export async function barometer(ctx: BenchContext, opts: BarometerOptions = {}): Promise<ScenarioResult> {
  const samples = opts.samples ?? 200
  const warmup = opts.warmup ?? 20
  const houses = opts.houses ?? 50
  const keyPrefix = opts.keyPrefix ?? 'bgw-bench-baro'
  const dir = mkdtempSync(join(tmpdir(), 'bgw-bench-baro-'))
  const partiesFile = join(dir, 'parties.json')
  writeFileSync(partiesFile, JSON.stringify(barometerParties(houses, opts.cpasPerHouse ?? 10, opts.cpasLimit ?? 580)))
  const env = { REDIS_URL: ctx.redisUrl, KEY_PREFIX: keyPrefix, ENVIRONMENTS: ENV, PARTIES_FILE: partiesFile, LOG_LEVEL: 'warn' }
  const config = loadConfig(env)
  const redis = commandConnection(ctx.redisUrl)
  const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
  const envCtx = contexts.get(ENV) as EnvContext
  let loaded: string
  try {
    await waitReady(redis)
    const started = performance.now()
    const summary = await loadDemoData(envCtx, roleParty(envCtx, 'publisher'), roleParty(envCtx, 'inspection'), { feedbackShare: 0.3, trendYears: TREND_YEARS, timeline: true, ...(opts.cpasLimit !== undefined && { cpasLimit: opts.cpasLimit }) })
    loaded = `${summary.cpas} CPAS, years ${summary.years.join(', ')}, ${summary.accepted + summary.duplicates} blinkers, ${summary.feedback} feedback`
    ctx.log(`  demo data into ${keyPrefix}:${ENV} in ${((performance.now() - started) / 1000).toFixed(0)} s: ${loaded}`)
  } finally {
    for (const c of contexts.values()) for (const q of allQueues(c).values()) await q.close()
    redis.disconnect()
  }
  const port = opts.origin ? 0 : await freePort()
  const child = opts.origin ? undefined : startNode('barometer gateway', ctx.scripts.gatewayServer, { ...ctx.gatewayEnv, ...env, PORT: String(port) }, ctx.gatewayExecArgv)
  const origin = opts.origin ?? `http://127.0.0.1:${port}`
  const results: Awaited<ReturnType<typeof measure>>[] = []
  try {
    if (child) await waitHttp(child, `${origin}/health/live`)
    for (const path of [`/${ENV}/v1/barometer`, `/${ENV}/v1/barometer?cycle=2016-2017`]) {
      const r = await measure(origin, path, samples, warmup)
      ctx.log(`  ${path}: ${r.parties} parties, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (${(r.bytes / 1024).toFixed(0)} KiB)${r.errors ? `, ${r.errors} errors` : ''}`)
      results.push(r)
    }
  } finally {
    await child?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a))
  const nan = Number.NaN
  return {
    id: 'barometer',
    title: `GET /v1/barometer, ${houses} software houses and the demo data set (${worst.parties} parties), sequential, slower cycle`,
    unit: 'answers/s',
    gateway: { throughput: 1000 / worst.p50, p50: worst.p50, p99: worst.p99, halfP50: nan, halfP99: nan, peakRss: nan, cpuUsPerItem: nan, redisCpuUsPerItem: nan, errors: results.reduce((a, r) => a + r.errors, 0) },
    rounds: { gateway: [], baseline: [] },
    notes: [
      `own gateway process (KEY_PREFIX ${keyPrefix}, ${ENV} only) with ${houses} software houses serving ${opts.cpasPerHouse ?? 10} demo CPAS each, the other demo CPAS on Excel lists; demo data set with its timeline: ${loaded}`,
      `${warmup} warm-up then ${samples} sequential GETs per cycle, inspection token; each answer measures every party twice (latest evaluation and the previous one, for the trend)`,
      ...results.map((r) => `${r.path}: ${r.parties} parties, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, ${(r.bytes / 1024).toFixed(0)} KiB${r.errors ? `, ${r.errors} errors` : ''}`),
    ],
  }
}
