/**
 * `npm run bench` (about 10 minutes) and `npm run bench -- --quick` (about 1–2 minutes).
 *
 * Starts a private redis-server (AOF appendfsync everysec, as in production, noeviction; the AOF
 * is rewritten before each measurement rather than whenever it doubles, see compactAof), the
 * gateway from dist/ as a child process (WORKERS=none, rate limit off, LOG_LEVEL=warn) and the raw
 * baselines as other children, all on that Redis; drives each scenario with the load generator in
 * yet another child process, gateway and baseline in alternate rounds (medians reported); prints
 * the results and the targets with PASS/FAIL and writes bench/results.json.
 *
 * Options: --quick; --only=rest-single,rest-batch,soap,publish,mailbox,e2e,search,pages,statistics,barometer; --rounds=N;
 * --duration=ms; --publish=N; --e2e=N; --cpu-prof (gateway processes write .cpuprofile files to
 * bench/profiles/); --strict (exit 1 when a target fails); --out=file.
 */
import { writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { request } from 'undici'
import { startPrivateRedis } from '../src/store/redis-resolve.js'
import type { BenchContext, BenchSettings, Server } from './lib/harness.js'
import { freePort, loadInChild, startNode, waitHttp, type Child } from './lib/processes.js'
import { evaluateTargets, resultsTable, targetsTable, type ScenarioId, type ScenarioResult } from './lib/report.js'
import { blinkerFor, type Target } from './lib/requests.js'
import { endToEnd } from './scenarios/e2e.js'
import { mailbox } from './scenarios/mailbox.js'
import { publish } from './scenarios/publish.js'
import { restBatch } from './scenarios/rest-batch.js'
import { restSingle } from './scenarios/rest-single.js'
import { pages } from './scenarios/pages.js'
import { search } from './scenarios/search.js'
import { statistics } from './scenarios/statistics.js'
import { barometer } from './scenarios/barometer.js'
import { soapSubmit } from './scenarios/soap.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const DIST = resolve(HERE, '..')
const ROOT = resolve(DIST, '..')

const SCENARIOS: Record<ScenarioId, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  'rest-single': restSingle,
  'rest-batch': restBatch,
  soap: soapSubmit,
  publish,
  mailbox,
  e2e: endToEnd,
  search,
  // Last: its data goes to production, untouched by the others, and it runs no load of its own.
  pages: (ctx) => pages(ctx),
  // After pages: the same demo data set in production (loaded by whichever runs first).
  statistics: (ctx) => statistics(ctx),
  // Its own gateway process (50 software houses) and key prefix: independent of the others.
  barometer: (ctx) => barometer(ctx),
}

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const flag = (name: string): boolean => process.argv.includes(`--${name}`)

function settings(): BenchSettings {
  const quick = flag('quick')
  const num = (name: string, def: number) => (arg(name) === undefined ? def : Number(arg(name)))
  return {
    quick,
    rounds: num('rounds', quick ? 1 : 3),
    durationMs: num('duration', quick ? 3000 : 8000),
    publishTotal: num('publish', quick ? 20_000 : 100_000),
    e2eMessages: num('e2e', quick ? 3000 : 20_000),
  }
}

const TARGET_BLINKERS = 5000
const TARGET_CPAS = '0212344876'

async function publishTargets(origin: string, first: number): Promise<Target[]> {
  const targets: Target[] = []
  for (let b = 0; b < TARGET_BLINKERS / 1000; b++) {
    const blinkers = Array.from({ length: 1000 }, (_, k) => blinkerFor(TARGET_CPAS, 2026, first + b * 1000 + k))
    const res = await request(`${origin}/acceptance/v1/blinkers`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-acc-publisher', 'content-type': 'application/json' },
      body: JSON.stringify({ blinkers }),
    })
    const body = (await res.body.json()) as { accepted?: number }
    if (body.accepted !== 1000) throw new Error(`set-up publish answered ${res.statusCode}: ${JSON.stringify(body).slice(0, 300)}`)
    for (const x of blinkers) targets.push({ blinkerId: x.blinkerId, cpasKbo: x.cpasKbo })
  }
  return targets
}

async function machine(redis: Redis) {
  const info = await redis.info('server')
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

async function main(): Promise<void> {
  const s = settings()
  const only = (arg('only')?.split(',') ?? Object.keys(SCENARIOS)) as ScenarioId[]
  for (const id of only) if (!(id in SCENARIOS)) throw new Error(`unknown scenario ${id}; known: ${Object.keys(SCENARIOS).join(', ')}`)
  const scripts = {
    gatewayServer: resolve(DIST, 'src/server.js'),
    gatewayWorker: resolve(DIST, 'src/worker.js'),
    restBaseline: resolve(HERE, 'baselines/rest-baseline.js'),
    soapBaseline: resolve(HERE, 'baselines/soap-baseline.js'),
    soapFloor: resolve(HERE, 'baselines/soap-floor.js'),
    workerBaseline: resolve(HERE, 'baselines/worker-baseline.js'),
    backOffice: resolve(HERE, 'baselines/back-office.js'),
    loadChild: resolve(HERE, 'lib/load-child.js'),
  }
  for (const file of Object.values(scripts)) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bench\` (it builds first)`)
  const started = Date.now()
  const log = (m: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`)
  log(`blinker gateway bench${s.quick ? ' (quick)' : ''}: ${only.join(', ')}; ${s.rounds} round(s) of ${s.durationMs} ms`)

  const redisServer = await startPrivateRedis({ appendfsync: 'everysec' })
  const redis = new Redis(redisServer.url)
  const children: Child[] = []
  try {
    // Rewrites run between measurements instead (compactAof in harness.ts).
    await redis.config('SET', 'auto-aof-rewrite-percentage', '0')
    const m = await machine(redis)
    log(`machine: ${m.cores} cores ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, Redis ${m.redis}, load ${m.loadAverageAtStart.join(' ')}`)
    const profDir = resolve(ROOT, 'bench/profiles')
    const gatewayExecArgv = flag('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
    if (gatewayExecArgv.length) mkdirSync(profDir, { recursive: true })
    const gatewayEnv = { REDIS_URL: redisServer.url, HOST: '127.0.0.1', WORKERS: 'none', RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn' }
    const gwPort = await freePort()
    const gwChild = startNode('gateway', scripts.gatewayServer, { ...gatewayEnv, KEY_PREFIX: 'bgw-bench', PORT: String(gwPort) }, gatewayExecArgv)
    children.push(gwChild)
    const gateway: Server = { origin: `http://127.0.0.1:${gwPort}`, children: [gwChild] }
    const baseEnv = { REDIS_URL: redisServer.url, BENCH_PREFIX: 'bench-base' }
    // Each baseline in its own process on a free port, all started before any is waited for.
    const startBaseline = async (name: string, script: string): Promise<Server> => {
      const port = await freePort()
      const child = startNode(name, script, { ...baseEnv, PORT: String(port) }, [])
      children.push(child)
      const server: Server = { origin: `http://127.0.0.1:${port}`, children: [child] }
      await waitHttp(child, `${server.origin}/health`)
      return server
    }
    const [rest, soap, soapFloor] = await Promise.all([
      startBaseline('rest baseline', scripts.restBaseline),
      startBaseline('soap baseline', scripts.soapBaseline),
      startBaseline('soap floor', scripts.soapFloor),
    ])
    await waitHttp(gwChild, `${gateway.origin}/health/live`)

    let seq = 1
    const nextSeq = (count: number) => {
      const first = seq
      seq += count
      return first
    }
    const targets = await publishTargets(gateway.origin, nextSeq(TARGET_BLINKERS))
    log(`set-up: ${targets.length} blinkers published for feedback to refer to`)
    const ctx: BenchContext = {
      settings: s,
      redisUrl: redisServer.url,
      redisPid: redisServer.process.pid,
      redis,
      gateway,
      rest,
      soap,
      soapFloor,
      targets,
      load: (spec) => loadInChild(scripts.loadChild, spec, []),
      scripts,
      gatewayEnv,
      gatewayExecArgv,
      nextSeq,
      log,
      aof: { rewrites: 0, ms: 0 },
    }
    const results: ScenarioResult[] = []
    for (const id of Object.keys(SCENARIOS) as ScenarioId[]) {
      if (!only.includes(id)) continue
      log(`scenario ${id}`)
      results.push(await SCENARIOS[id](ctx))
    }
    const checks = evaluateTargets(results)
    const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100)
    const report = [
      '',
      `Blinker gateway bench, ${new Date().toISOString()}${s.quick ? ' (quick)' : ''}: ${m.cores} cores ${m.cpuModel}, Node ${m.node}, Redis ${m.redis} (private, AOF everysec)`,
      `load average at start ${m.loadAverageAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}; ${s.rounds} round(s), medians; ${s.durationMs} ms per measurement`,
      '',
      resultsTable(results),
      '',
      targetsTable(checks),
      '',
      ...results.flatMap((r) => r.notes.map((n) => `- ${r.id}: ${n}`)),
      `- Redis AOF rewritten before each measurement, not during one: ${ctx.aof.rewrites} rewrites, ${(ctx.aof.ms / 1000).toFixed(1)} s in all`,
    ].join('\n')
    console.log(report)
    const out = arg('out') ?? resolve(ROOT, 'bench/results.json')
    writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: { ...m, loadAverageAtEnd: loadAtEnd }, settings: s, results, targets: checks, aofRewrites: ctx.aof, durationSeconds: (Date.now() - started) / 1000 }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`)
    log(`wrote ${out}; ${checks.filter((c) => !c.pass).length} target(s) failed of ${checks.length}`)
    if (flag('strict') && checks.some((c) => !c.pass)) process.exitCode = 1
  } finally {
    for (const c of children.reverse()) await c.stop()
    redis.disconnect()
    await redisServer.stop()
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
})
