/**
 * What every scenario shares: the bench context (Redis, servers under test, settings) and the
 * measuring steps — one side of one round at full then half load, rounds alternated between the
 * gateway and its baseline, Redis memory growth.
 */
import type { Redis } from 'ioredis'
import type { LoadResult, LoadSpec } from './load-driver.js'
import type { Child } from './processes.js'
import { totalCpuMs, withPeakRss } from './processes.js'
import type { SideResult } from './report.js'
import type { Target } from './requests.js'

export interface Server {
  origin: string
  /** The processes whose RSS counts for this side. */
  children: Child[]
}

export interface BenchSettings {
  quick: boolean
  /** Rounds per scenario (gateway, baseline, gateway, baseline…; medians reported). */
  rounds: number
  /** Length of one full-load and of one half-load measurement, ms. */
  durationMs: number
  /** Blinkers published in the publish scenario (batches of 1000). */
  publishTotal: number
  /** Feedback messages forwarded per end-to-end round. */
  e2eMessages: number
}

export interface BenchContext {
  settings: BenchSettings
  redisUrl: string
  /** PID of the private redis-server (its CPU time is sampled). */
  redisPid: number | undefined
  /** The orchestrator's own connection: INFO memory, nothing else. */
  redis: Redis
  /** The gateway under test for the ingest scenarios (WORKERS=none, rate limit off). */
  gateway: Server
  rest: Server
  soap: Server
  /** node:http + libxml2 XSD validation + queue.add: the least a validating SOAP server does. */
  soapFloor: Server
  /** Blinkers published at set-up, for feedback to refer to. */
  targets: Target[]
  /** Runs one load in the generator process. */
  load(spec: LoadSpec): Promise<LoadResult>
  /** Paths of the compiled bench children. */
  scripts: { gatewayServer: string; gatewayWorker: string; backOffice: string; workerBaseline: string; restBaseline: string }
  /** Environment of every gateway process (Redis, rate limit off, WORKERS=none, log level). */
  gatewayEnv: Record<string, string>
  /** Node flags of the gateway processes (e.g. --cpu-prof). */
  gatewayExecArgv: string[]
  /** Next free blinker sequence number for publications (unique across sides and rounds). */
  nextSeq(count: number): number
  /** AOF rewrites run between measurements (compactAof) and the time they took. */
  aof: { rewrites: number; ms: number }
  log(message: string): void
}

/** Redis INFO used_memory, bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory')
  const m = /used_memory:(\d+)/.exec(info)
  return m ? Number(m[1]) : Number.NaN
}

export interface SideOptions {
  /** Items per request (batch size), for items/s; default 1. */
  itemsPerRequest?: number
  /** Skip the half-load measurement. */
  noHalf?: boolean
  /** Overrides of the half-load spec (e.g. a smaller amount). */
  half?: Partial<LoadSpec>
  /** Called with the full-load result and the Redis memory growth it caused. */
  onFull?: (result: LoadResult, memoryDelta: number) => void
}

const errorsOf = (r: LoadResult) => r.errors

const persistence = async (redis: Redis): Promise<string> => redis.info('persistence')

/** AOF growth (bytes since the last rewrite) past which compactAof rewrites it. */
export const AOF_COMPACT_AFTER = 1024 * 1024 * 1024

/**
 * Called before every measurement: rewrites Redis' append-only file once it has grown by
 * AOF_COMPACT_AFTER since the last rewrite, and waits until that is done. The bench's Redis has
 * automatic rewrites off (run.ts): left on, a rewrite (a fork writing the whole data set, seconds
 * once the rounds have stored a few hundred thousand records) fell into whichever side's window
 * came next, nearly always the gateway's third round, which stores more per request. Rewriting
 * here keeps the file bounded as in production and its cost out of both sides' figures; the
 * report says how many rewrites ran and how long they took.
 */
export async function compactAof(ctx: BenchContext, after = AOF_COMPACT_AFTER): Promise<void> {
  const info = await persistence(ctx.redis)
  // A Redis without an AOF (the tests' shared one) has nothing to compact.
  if (!/aof_enabled:1/.test(info)) return
  const size = (field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? 0)
  if (size('aof_current_size') - size('aof_base_size') < after) return
  const started = Date.now()
  try {
    await ctx.redis.bgrewriteaof()
  } catch (err) {
    // One already running (or scheduled) is waited for like ours.
    if (!/already in progress|scheduled/i.test((err as Error).message)) throw err
  }
  for (;;) {
    const state = await persistence(ctx.redis)
    if (/aof_rewrite_in_progress:0/.test(state) && /aof_rewrite_scheduled:0/.test(state)) break
    await new Promise((r) => setTimeout(r, 50))
  }
  ctx.aof.rewrites++
  ctx.aof.ms += Date.now() - started
}

/** One side of one round: full load (closed loop) then half load (open loop at half the rps). */
export async function measureSide(ctx: BenchContext, server: Server, spec: Omit<LoadSpec, 'origin'>, opts: SideOptions = {}): Promise<SideResult> {
  const items = opts.itemsPerRequest ?? 1
  const pids = server.children.map((c) => c.process.pid)
  await compactAof(ctx)
  const before = await usedMemory(ctx.redis)
  const cpuBefore = [totalCpuMs(pids), totalCpuMs([ctx.redisPid])]
  const full = await withPeakRss(pids, () => ctx.load({ ...spec, origin: server.origin }))
  const doneItems = full.value.ok * items
  const cpuUsPerItem = ((totalCpuMs(pids) - (cpuBefore[0] as number)) * 1000) / doneItems
  const redisCpuUsPerItem = ((totalCpuMs([ctx.redisPid]) - (cpuBefore[1] as number)) * 1000) / doneItems
  opts.onFull?.(full.value, (await usedMemory(ctx.redis)) - before)
  if (full.value.errors > 0) ctx.log(`    ${full.value.errors} errors, first: ${full.value.firstError}`)
  let half: { value: LoadResult; peakRss: number } | undefined
  if (!opts.noHalf && full.value.rps > 0) {
    const rate = full.value.rps / 2
    await compactAof(ctx)
    half = await withPeakRss(pids, () => ctx.load({ ...spec, origin: server.origin, rate, durationMs: ctx.settings.durationMs, amount: undefined, ...opts.half }))
    if (half.value.errors > 0) ctx.log(`    half load: ${half.value.errors} errors, first: ${half.value.firstError}`)
  }
  return {
    throughput: full.value.rps * items,
    p50: full.value.latency.p50,
    p99: full.value.latency.p99,
    halfP50: half ? half.value.latency.p50 : Number.NaN,
    halfP99: half ? half.value.latency.p99 : Number.NaN,
    cpuUsPerItem,
    redisCpuUsPerItem,
    peakRss: Math.max(full.peakRss, half?.peakRss ?? 0),
    errors: errorsOf(full.value) + (half ? errorsOf(half.value) : 0),
  }
}

/**
 * Rounds alternated gateway, baseline(, reference), gateway, baseline… so drift hits all alike.
 * The reference is a third server measured for information (no target), e.g. the SOAP floor.
 */
export async function alternate(
  ctx: BenchContext,
  name: string,
  gateway: () => Promise<SideResult>,
  baseline?: () => Promise<SideResult>,
  reference?: () => Promise<SideResult>,
): Promise<{ gateway: SideResult[]; baseline: SideResult[]; reference: SideResult[] }> {
  const rounds = { gateway: [] as SideResult[], baseline: [] as SideResult[], reference: [] as SideResult[] }
  const sides = [
    ['gateway', gateway],
    ['baseline', baseline],
    ['reference', reference],
  ] as const
  for (let i = 1; i <= ctx.settings.rounds; i++) {
    for (const [side, measure] of sides) {
      if (!measure) continue
      const r = await measure()
      rounds[side].push(r)
      ctx.log(`  ${name} round ${i} ${side}: ${r.throughput.toFixed(0)}/s p99 ${r.p99.toFixed(1)} ms, half-load p99 ${r.halfP99.toFixed(1)} ms`)
    }
  }
  return rounds
}

/** A short unrecorded load so both servers are JIT-warm before the first round. */
export async function warmUp(ctx: BenchContext, server: Server, spec: Omit<LoadSpec, 'origin'>, ms = 1500): Promise<void> {
  await ctx.load({ ...spec, origin: server.origin, durationMs: ms, amount: undefined, rate: undefined })
}
