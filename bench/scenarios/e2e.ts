/**
 * End to end: N accepted feedback messages forwarded to a local back office. Gateway side = the
 * gateway HTTP process (WORKERS=none) taking batches of 1000 and a separate worker process
 * (dist/src/worker.js, the documented scale-out layout) forwarding them; baseline = the REST
 * baseline's addBulk route and a BullMQ worker + undici POST process. Same back office, same
 * worker concurrency, same batches. Throughput = N / (last arrival − first request sent).
 */
import { request } from 'undici'
import type { Child } from '../lib/processes.js'
import { freePort, startNode, totalCpuMs, waitHttp, withPeakRss } from '../lib/processes.js'
import { alternate, compactAof, type BenchContext, type Server } from '../lib/harness.js'
import { combineRounds, type ScenarioResult, type SideResult } from '../lib/report.js'
import { blinkerFor, type RequestSpec, type Target } from '../lib/requests.js'

export const BATCH = 1000
export const CONCURRENCY = 16
const E2E_CPAS = '0212344876'
const YEAR = 2028

interface OfficeState {
  count: number
  lastAt: number
}

function ask(office: Child, type: 'count' | 'reset'): Promise<OfficeState> {
  return new Promise((resolve) => {
    office.process.once('message', (msg: OfficeState) => resolve(msg))
    office.process.send({ type })
  })
}

async function forwardRound(ctx: BenchContext, office: Child, server: Server, spec: RequestSpec, n: number): Promise<SideResult> {
  await ask(office, 'reset')
  await compactAof(ctx)
  const pids = server.children.map((c) => c.process.pid)
  const cpuBefore = [totalCpuMs(pids), totalCpuMs([ctx.redisPid])]
  const measured = await withPeakRss(pids, async () => {
    const t0 = Date.now()
    const sent = await ctx.load({ origin: server.origin, request: spec, connections: 1, amount: n / BATCH })
    const deadline = Date.now() + 300_000
    let state = await ask(office, 'count')
    while (state.count < sent.ok * BATCH && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      state = await ask(office, 'count')
    }
    return { sent, state, seconds: (state.lastAt - t0) / 1000 }
  })
  const { sent, state, seconds } = measured.value
  const cpuUsPerItem = ((totalCpuMs(pids) - (cpuBefore[0] as number)) * 1000) / state.count
  const redisCpuUsPerItem = ((totalCpuMs([ctx.redisPid]) - (cpuBefore[1] as number)) * 1000) / state.count
  const missing = n - state.count
  if (missing > 0) ctx.log(`    e2e: ${missing} of ${n} messages never arrived${sent.firstError ? `; first error: ${sent.firstError}` : ''}`)
  return { throughput: state.count / seconds, p50: Number.NaN, p99: Number.NaN, halfP50: Number.NaN, halfP99: Number.NaN, cpuUsPerItem, redisCpuUsPerItem, peakRss: measured.peakRss, errors: sent.errors + Math.max(0, missing) }
}

export async function endToEnd(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.settings.e2eMessages
  const children: Child[] = []
  try {
    const officePort = await freePort()
    const office = startNode('back office', ctx.scripts.backOffice, { PORT: String(officePort) }, [])
    children.push(office)
    const officeUrl = `http://127.0.0.1:${officePort}`
    await waitHttp(office, `${officeUrl}/health`)

    const gwPort = await freePort()
    const gwEnv = { ...ctx.gatewayEnv, KEY_PREFIX: 'bgw-e2e', INSPECTION_URL: officeUrl, WORKER_CONCURRENCY: String(CONCURRENCY) }
    const gwHttp = startNode('gateway (e2e)', ctx.scripts.gatewayServer, { ...gwEnv, PORT: String(gwPort) }, ctx.gatewayExecArgv)
    const gwWorker = startNode('gateway worker (e2e)', ctx.scripts.gatewayWorker, gwEnv, ctx.gatewayExecArgv)
    const baseWorker = startNode('worker baseline', ctx.scripts.workerBaseline, { REDIS_URL: ctx.redisUrl, BENCH_PREFIX: 'bench-base', BACK_OFFICE_URL: officeUrl, WORKER_CONCURRENCY: String(CONCURRENCY) }, [])
    children.push(gwHttp, gwWorker, baseWorker)
    const gateway: Server = { origin: `http://127.0.0.1:${gwPort}`, children: [gwHttp, gwWorker] }
    await waitHttp(gwHttp, `${gateway.origin}/health/live`)

    // Set-up: the blinkers the feedback is about, published in this gateway's own key space.
    const targets: Target[] = []
    const first = ctx.nextSeq(BATCH)
    const blinkers = Array.from({ length: BATCH }, (_, k) => blinkerFor(E2E_CPAS, YEAR, first + k))
    const res = await request(`${gateway.origin}/acceptance/v1/blinkers`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-acc-publisher', 'content-type': 'application/json' },
      body: JSON.stringify({ blinkers }),
    })
    const published = (await res.body.json()) as { accepted?: number }
    if (published.accepted !== BATCH) throw new Error(`e2e set-up: publish answered ${res.statusCode} ${JSON.stringify(published).slice(0, 300)}`)
    for (const b of blinkers) targets.push({ blinkerId: b.blinkerId, cpasKbo: b.cpasKbo })

    const gwSpec: RequestSpec = { kind: 'feedback-batch', size: BATCH, path: '/acceptance/v1/feedback', token: 'demo-acc-alpha', targets, expectStatus: 202, expectBody: '"rejected":[]' }
    const baseSpec: RequestSpec = { kind: 'feedback-batch', size: BATCH, path: '/e2e-batch', targets, expectStatus: 202, expectBody: '"rejected":[]' }
    const baseline: Server = { origin: ctx.rest.origin, children: [...ctx.rest.children, baseWorker] }
    const rounds = await alternate(
      ctx,
      'e2e',
      () => forwardRound(ctx, office, gateway, gwSpec, n),
      () => forwardRound(ctx, office, baseline, baseSpec, n),
    )
    return {
      id: 'e2e',
      title: `end-to-end forward of ${n.toLocaleString('en-US')} messages to a local back office`,
      unit: 'messages/s',
      gateway: combineRounds(rounds.gateway),
      baseline: combineRounds(rounds.baseline),
      rounds,
      notes: [
        `worker concurrency ${CONCURRENCY} on both sides; gateway = HTTP process + worker process (peak RSS of the larger); baseline = REST baseline addBulk + BullMQ worker with undici POST`,
        'per-message latency is not measured here (throughput from the first request sent to the last arrival)',
      ],
    }
  } finally {
    for (const c of children.reverse()) await c.stop()
  }
}
