/**
 * Page render (issue 18): the inspection's pages on the demo data set, p50/p99 of sequential GETs
 * by a logged-in demo inspector (session cookie, as a browser sends it):
 *   /{env}/dashboard (default period), /{env}/dashboard/cpas/{kbo} (the CPAS with the most
 *   blinkers), /{env}/dashboard/pending and /{env}/dashboard/follow-ups.
 *
 * The data is the demo data set of `blinker-gateway demo-data` (src/statistics/demo-data.ts
 * `loadDemoData`, the CLI's options: 2016 plus 2014 and 2015 for the trend, feedback for 30 % of
 * the blinkers, the demo follow-ups: ~57 000 blinkers), written through the same services into the
 * gateway's keys of the production environment. Production, not acceptance: the other scenarios
 * fill acceptance (the search scenario alone seeds 1 000 000 messages there), so the figures are
 * those of the demo data set whichever scenarios ran before. The demo feedback is then forwarded
 * by the gateway's own forward worker (in this process, for that environment only; no back office
 * is configured, so into the built-in inspection inbox, as the default start does): every message
 * ends FORWARDED, which is the pending list a demo deployment shows.
 */
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { request } from 'undici'
import { loadConfig, type EnvName } from '../../src/config.js'
import type { EnvContext } from '../../src/context.js'
import { BLINKER_STATUSES } from '../../src/domain/model.js'
import { createContexts } from '../../src/gateway.js'
import { loadParties, type Party } from '../../src/parties/parties.js'
import { allQueues } from '../../src/queue/queues.js'
import { blinkerIndexKey } from '../../src/store/blinker-index.js'
import { feedbackIndexKey } from '../../src/store/feedback-index.js'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import { loadDemoData, type DemoSummary } from '../../src/statistics/demo-data.js'
import { demoPlan } from '../../src/statistics/demo-plan.js'
import { startForwardWorker } from '../../src/workers/forward-worker.js'
import type { BenchContext } from '../lib/harness.js'
import type { PageResult, ScenarioResult } from '../lib/report.js'
import { summarize } from '../lib/stats.js'

export interface PagesOptions {
  /** The gateway's KEY_PREFIX; default 'bgw-bench' (bench/run.ts). */
  keyPrefix?: string
  /** Environment the data goes into and the pages are read from; default 'production'. */
  env?: EnvName
  /** Only the first N demo CPAS (the plumbing test); default all 580. */
  cpasLimit?: number
  /** Measured GETs per page; default 200. */
  samples?: number
  /** GETs per page before measuring (not counted); default 20. */
  warmup?: number
}

/** The demo inspector of each environment (src/accounts/inspectors.ts, README). */
const INSPECTOR: Record<EnvName, { name: string; password: string }> = {
  acceptance: { name: 'marie.dubois', password: 'demo-acc-marie' },
  production: { name: 'marie.dubois', password: 'demo-prod-marie' },
}
/** The trend years of `blinker-gateway demo-data` (src/cli/demo-data.ts). */
const TREND_YEARS = [
  [2014, 0.97, 1.22],
  [2015, 0.98, 1.1],
] as const
const FEEDBACK_SHARE = 0.3
const FORWARD_TIMEOUT_MS = 600_000

const roleParty = (ctx: EnvContext, role: Party['role']): Party => {
  const party = [...ctx.parties.parties.values()].find((p) => p.role === role)
  if (!party) throw new Error(`${ctx.env} has no ${role} party`)
  return party
}

/** Runs the forward worker until no demo message is left RECEIVED; returns how many are FORWARDED. */
async function forwardAll(ctx: EnvContext, redisUrl: string): Promise<{ forwarded: number; seconds: number }> {
  const started = performance.now()
  const worker = await startForwardWorker(ctx, redisUrl, pino({ level: 'warn' }))
  try {
    const deadline = Date.now() + FORWARD_TIMEOUT_MS
    while ((await ctx.redis.zcard(feedbackIndexKey(ctx.keys, 'RECEIVED'))) > 0) {
      if (Date.now() > deadline) throw new Error(`demo feedback still RECEIVED after ${FORWARD_TIMEOUT_MS / 1000} s`)
      await new Promise((r) => setTimeout(r, 250))
    }
  } finally {
    await worker.close()
  }
  return { forwarded: await ctx.redis.zcard(feedbackIndexKey(ctx.keys, 'FORWARDED')), seconds: (performance.now() - started) / 1000 }
}

/** The demo CPAS with the most blinkers (every status, every year), from the blinker index. */
async function busiestCpas(ctx: EnvContext, kbos: readonly string[]): Promise<{ kbo: string; blinkers: number }> {
  const pipe = ctx.redis.pipeline()
  for (const kbo of kbos) for (const status of BLINKER_STATUSES) pipe.zcard(blinkerIndexKey(ctx.keys, status, kbo))
  const counts = ((await pipe.exec()) ?? []).map(([, v]) => Number(v ?? 0))
  let best = { kbo: kbos[0] as string, blinkers: -1 }
  kbos.forEach((kbo, i) => {
    const n = counts.slice(i * BLINKER_STATUSES.length, (i + 1) * BLINKER_STATUSES.length).reduce((a, b) => a + b, 0)
    if (n > best.blinkers) best = { kbo, blinkers: n }
  })
  return best
}

/** Logs the demo inspector in (the browser's form post) and returns the session cookie. */
export async function loginCookie(origin: string, env: EnvName): Promise<string> {
  const { name, password } = INSPECTOR[env]
  const res = await request(`${origin}/${env}/dashboard/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, password }).toString(),
  })
  await res.body.dump()
  const setCookie = res.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('bgw_session='))
  if (res.statusCode !== 303 || !cookie) throw new Error(`login as ${name} answered ${res.statusCode} without a session cookie`)
  return cookie
}

async function getPage(origin: string, path: string, cookie: string): Promise<{ ms: number; ok: boolean; bytes: number; status: number }> {
  const started = performance.now()
  const res = await request(`${origin}${path}`, { headers: { cookie, 'accept-language': 'fr-BE' } })
  const body = await res.body.text()
  const ms = performance.now() - started
  const ok = res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/html') && body.includes('</html>')
  return { ms, ok, bytes: body.length, status: res.statusCode }
}

/** Sequential GETs of one page: `warmup` uncounted, then `samples` measured. */
async function measurePage(origin: string, name: string, path: string, cookie: string, samples: number, warmup: number): Promise<PageResult> {
  let errors = 0
  let firstError: string | undefined
  let bytes = 0
  const latencies: number[] = []
  for (let i = 0; i < warmup + samples; i++) {
    const r = await getPage(origin, path, cookie)
    if (!r.ok) {
      errors++
      firstError ??= `${r.status}`
    }
    bytes = r.bytes
    if (i >= warmup) latencies.push(r.ms)
  }
  const s = summarize(latencies)
  return { name, path, p50: s.p50, p99: s.p99, max: s.max, count: s.count, bytes, errors, ...(firstError && { firstError }) }
}

export async function pages(ctx: BenchContext, opts: PagesOptions = {}): Promise<ScenarioResult> {
  const env = opts.env ?? 'production'
  const samples = opts.samples ?? 200
  const warmup = opts.warmup ?? 20
  const config = loadConfig({ REDIS_URL: ctx.redisUrl, KEY_PREFIX: opts.keyPrefix ?? 'bgw-bench', ENVIRONMENTS: env, LOG_LEVEL: 'warn' })
  const redis = commandConnection(ctx.redisUrl)
  const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
  const envCtx = contexts.get(env) as EnvContext
  let summary: DemoSummary
  let forward: { forwarded: number; seconds: number }
  let busiest: { kbo: string; blinkers: number }
  try {
    await waitReady(redis)
    const started = performance.now()
    summary = await loadDemoData(envCtx, roleParty(envCtx, 'publisher'), roleParty(envCtx, 'inspection'), { feedbackShare: FEEDBACK_SHARE, trendYears: TREND_YEARS, ...(opts.cpasLimit !== undefined && { cpasLimit: opts.cpasLimit }) })
    const loadS = (performance.now() - started) / 1000
    ctx.log(`  demo data into ${config.KEY_PREFIX}:${env}: in ${loadS.toFixed(0)} s, ${summary.cpas} CPAS, years ${summary.years.join(', ')}: ${summary.accepted} blinkers (${summary.duplicates} already there), ${summary.feedback} feedback, ${summary.followUps} follow-ups`)
    forward = await forwardAll(envCtx, ctx.redisUrl)
    ctx.log(`  forward worker: ${forward.forwarded} messages FORWARDED (pending) after ${forward.seconds.toFixed(0)} s`)
    busiest = await busiestCpas(envCtx, demoPlan().slice(0, opts.cpasLimit ?? Infinity).map((c) => c.kbo))
  } finally {
    for (const c of contexts.values()) for (const q of allQueues(c).values()) await q.close()
    redis.disconnect()
  }
  const origin = ctx.gateway.origin
  const cookie = await loginCookie(origin, env)
  const targets: [string, string][] = [
    ['dashboard', `/${env}/dashboard`],
    ['CPAS page', `/${env}/dashboard/cpas/${busiest.kbo}`],
    ['pending', `/${env}/dashboard/pending`],
    ['follow-ups', `/${env}/dashboard/follow-ups`],
  ]
  const results: PageResult[] = []
  const measuring = performance.now()
  for (const [name, path] of targets) {
    const r = await measurePage(origin, name, path, cookie, samples, warmup)
    ctx.log(`  ${name} ${path}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (${r.count} GETs, ${(r.bytes / 1024).toFixed(0)} KiB)${r.errors ? `, ${r.errors} errors (first: ${r.firstError})` : ''}`)
    results.push(r)
  }
  const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a))
  const errors = results.reduce((a, r) => a + r.errors, 0)
  // Warm-up GETs included: pages per second of the whole sequential walk.
  const seconds = (performance.now() - measuring) / 1000
  const nan = Number.NaN
  return {
    id: 'pages',
    title: `inspection pages on the demo data set (${summary.accepted + summary.duplicates} blinkers), sequential, slowest page`,
    unit: 'pages/s',
    gateway: { throughput: ((samples + warmup) * results.length) / seconds, p50: worst.p50, p99: worst.p99, halfP50: nan, halfP99: nan, peakRss: nan, cpuUsPerItem: nan, redisCpuUsPerItem: nan, errors },
    pages: results,
    rounds: { gateway: [], baseline: [] },
    notes: [
      `demo data set (loadDemoData, as \`blinker-gateway demo-data\`): ${summary.cpas} CPAS, years ${summary.years.join(', ')}, ${summary.accepted + summary.duplicates} blinkers, ${summary.feedback} feedback (${forward.forwarded} FORWARDED by the forward worker: the pending list), ${summary.followUps} follow-ups; environment ${env}`,
      `logged in as the demo inspector ${INSPECTOR[env].name} (session cookie); ${warmup} warm-up then ${samples} sequential GETs per page; CPAS page of ${busiest.kbo} (${busiest.blinkers} blinkers, the most)`,
      ...results.map((r) => `${r.name} ${r.path}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, ${(r.bytes / 1024).toFixed(0)} KiB${r.errors ? `, ${r.errors} errors` : ''}`),
    ],
  }
}
