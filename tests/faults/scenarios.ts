/**
 * The five fault scenarios. Each builds a fresh system (private Redis with AOF, back office,
 * gateway process, worker processes), drives traffic through the real REST route while injecting
 * its faults, reconciles, tears everything down and returns its table row plus what it observed.
 * Sizes are parameters: the tests inside `npm test` run small versions, `npm run test:faults`
 * (tests/faults/full.fault.ts) the full ones in both appendfsync modes.
 */
import { randomUUID } from 'node:crypto'
import type { Appendfsync } from './harness/fault-redis.js'
import { ClientLog, feedbackOf, publishBlinkers, runLoad, sendFeedback, type Sent } from './harness/clients.js'
import type { BackOfficeMode } from './harness/fault-back-office.js'
import { FaultSystem } from './harness/fault-system.js'
import { reconcile, type Row } from './harness/reconcile.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo))

export type Result = Row & { idle: boolean; lostIds: string[]; refusedForwarded: Sent[]; observed: Record<string, unknown> }

/** FAULTS_TRACE=1 prints each step with its time to stderr (where a slow run spends its time). */
export function trace(what: string): void {
  if (process.env.FAULTS_TRACE) process.stderr.write(`[faults ${new Date().toISOString().slice(11, 23)}] ${what}\n`)
}

async function withSystem(appendfsync: Appendfsync, workers: number, run: (sys: FaultSystem) => Promise<Result>, extraEnv: Record<string, string> = {}): Promise<Result> {
  const sys = new FaultSystem(appendfsync, extraEnv)
  try {
    trace(`starting system (${appendfsync}, ${workers} workers)`)
    await sys.start(workers)
    trace('system started')
    return await run(sys)
  } finally {
    trace('stopping system')
    await sys.stop().catch(() => {})
    trace('system stopped')
  }
}

/** 1. Worker SIGKILLs in the middle of jobs: `kills` times, a random worker, replaced at once. */
export function workerKills(appendfsync: Appendfsync, o: { kills: number; messages?: number }): Promise<Result> {
  return withSystem(appendfsync, 3, async (sys) => {
    // 200 ms per back-office call keeps ~10 forwards in flight: every kill interrupts some of them,
    // some after the back office took the effect and before the worker recorded it.
    sys.backOffice.latencyMs = 200
    const blinkers = await publishBlinkers(sys.gateway.url, o.messages ?? 4000)
    const log = new ClientLog()
    trace('published')
    let killing = true
    const load = runLoad({ target: () => sys.gateway.url, blinkers, log, lanes: 4, paceMs: 80, stopWhen: () => !killing })
    let busyAtKill = 0
    while (sys.workerKills < o.kills) {
      await sleep(between(400, 900))
      // Kill a running worker, even the last one (jobs then wait for a replacement: harsher), but
      // keep at most 3 starting at once so the machine is not spent on process starts alone.
      if (sys.workers.length === 0 || sys.starting.size >= 3) continue
      busyAtKill += sys.backOffice.inFlight
      await sys.killWorker(between(0, sys.workers.length))
    }
    killing = false
    trace('kills done')
    await load
    await sys.replacements()
    trace('load done')
    const since = Date.now()
    const row = await reconcile(sys, log, { scenario: 'worker SIGKILL mid-job', faults: sys.workerKills, since })
    return { ...row, observed: { backOfficeCallsInFlightAtKills: busyAtKill } }
  })
}

const OUTAGE_PHASES: (BackOfficeMode | 'down')[] = ['500', '503', 'slow', 'reset', 'down']

/**
 * 2. Back office failing in every way in turn (500, 503, slower than FORWARD_TIMEOUT_MS, socket
 * destroyed mid-response, server down), each for `phaseMs`, `rounds` times, then healthy again.
 * About 1 message in 16 is refused for good (400): those must end dead-lettered, not lost.
 */
export function backOfficeOutage(appendfsync: Appendfsync, o: { rounds: number; phaseMs: number; messages?: number }): Promise<Result> {
  return withSystem(appendfsync, 2, async (sys) => {
    const bo = sys.backOffice
    bo.latencyMs = 5
    bo.slowMs = 1000
    bo.refuses = (id) => id.startsWith('0')
    const blinkers = await publishBlinkers(sys.gateway.url, o.messages ?? 3000)
    const log = new ClientLog()
    let injecting = true
    const load = runLoad({ target: () => sys.gateway.url, blinkers, log, lanes: 4, paceMs: 40, stopWhen: () => !injecting })
    for (let round = 0; round < o.rounds; round++) {
      await sleep(o.phaseMs)
      for (const phase of OUTAGE_PHASES) {
        if (phase === 'down') await bo.down()
        else bo.setMode(phase)
        await sleep(o.phaseMs)
        if (phase === 'down') await bo.up()
        bo.setMode('ok')
      }
    }
    await sleep(o.phaseMs)
    injecting = false
    await load
    const since = Date.now()
    const row = await reconcile(sys, log, { scenario: 'back office 500/503/slow/reset/down', faults: bo.faults, since, timeoutMs: 90_000 })
    const refusedAcked = [...log.acknowledged()].filter((id) => bo.refuses(id)).length
    return { ...row, observed: { refusedByBackOffice: refusedAcked } }
  })
}

/**
 * 3. Redis kill -9 and restart (same port, same folder: the AOF is replayed) while traffic flows,
 * `kills` times. While it is down the gateway must answer 503, never 202, and recover by itself.
 */
export function redisRestart(appendfsync: Appendfsync, o: { kills: number; downMs: number; messages?: number }): Promise<Result> {
  return withSystem(appendfsync, 2, async (sys) => {
    sys.backOffice.latencyMs = 5
    const blinkers = await publishBlinkers(sys.gateway.url, o.messages ?? 3000)
    const log = new ClientLog()
    let injecting = true
    const load = runLoad({ target: () => sys.gateway.url, blinkers, log, lanes: 4, paceMs: 20, stopWhen: () => !injecting })
    const windows: { down: number; up: number }[] = []
    const recoveryMs: number[] = []
    for (let k = 0; k < o.kills; k++) {
      await sleep(1500)
      const down = Date.now()
      await sys.redis.kill()
      await sleep(o.downMs)
      const up = Date.now()
      await sys.redis.restart()
      windows.push({ down, up })
      // Recovered = the same gateway process answers a 202 again, by itself.
      const deadline = Date.now() + 30_000
      while (Date.now() < deadline && !log.sent.some((s) => s.status === 202 && s.start > up)) await sleep(50)
      recoveryMs.push(Date.now() - up)
    }
    await sleep(1000)
    injecting = false
    await load
    const inside = (s: Sent) => windows.some((w) => s.start >= w.down && s.end <= w.up)
    const during = log.sent.filter(inside)
    // Requests under way when Redis died got 503 whether or not Redis had run their store step.
    const inFlightAtKill = new Set(log.sent.filter((s) => s.status !== 202 && windows.some((w) => s.start < w.down && s.end >= w.down)).map((s) => s.messageId))
    const since = Date.now()
    const row = await reconcile(sys, log, {
      scenario: 'Redis kill -9 + restart',
      faults: sys.redis.kills,
      since,
      acksWhileDown: during.filter((s) => s.status === 202).length,
      inFlightAtKill,
    })
    return {
      ...row,
      observed: {
        answersWhileDown: during.length,
        storeUnavailableWhileDown: during.filter((s) => s.status === 503 && s.code === 'GW_ERR_STORE_UNAVAILABLE').length,
        otherWhileDown: during.filter((s) => !(s.status === 503 && s.code === 'GW_ERR_STORE_UNAVAILABLE')).map((s) => `${s.status} ${s.code ?? ''}`),
        recoveryMs,
        windows,
        gatewayAlive: sys.gateway.alive,
        workersAlive: sys.workers.every((w) => w.alive),
      },
    }
  })
}

/** 4. SIGTERM to the gateway under load, a new gateway, then SIGKILL (a crash) and a new one, `rounds` times. */
export function gatewayStop(appendfsync: Appendfsync, o: { rounds: number; messages?: number }): Promise<Result> {
  return withSystem(appendfsync, 2, async (sys) => {
    sys.backOffice.latencyMs = 5
    const blinkers = await publishBlinkers(sys.gateway.url, o.messages ?? 3000)
    const log = new ClientLog()
    let injecting = true
    const load = runLoad({ target: () => sys.gateway.url, blinkers, log, lanes: 8, paceMs: 10, stopWhen: () => !injecting })
    const exits: { signal: string; code: number | null; ms: number }[] = []
    let stops = 0
    for (let round = 0; round < o.rounds; round++) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        await sleep(1500)
        const at = Date.now()
        const r = await sys.gateway.stop(signal)
        stops++
        exits.push({ signal, code: r.code, ms: Date.now() - at })
        await sys.restartGateway()
      }
    }
    await sleep(1000)
    injecting = false
    await load
    const since = Date.now()
    const row = await reconcile(sys, log, { scenario: 'gateway SIGTERM / SIGKILL under load', faults: stops, since })
    return { ...row, observed: { exits, noAnswer: log.sent.filter((s) => s.status === 0).length, unavailable: log.sent.filter((s) => s.status === 503).length } }
  })
}

/**
 * 5. Duplicate floods: each of `ids` messageIds sent `copies` times at once (every other copy with
 * the UUID in upper case), plus 5 copies with other content. Exactly one content wins: all its
 * copies get the same receipt, every other-content copy 409, one effect at the back office.
 */
export function duplicateFlood(appendfsync: Appendfsync, o: { ids: number; copies: number }): Promise<Result> {
  return withSystem(appendfsync, 2, async (sys) => {
    const blinkers = await publishBlinkers(sys.gateway.url, o.ids)
    const log = new ClientLog()
    const verdicts: { sameReceipt: boolean; oneWinner: boolean; losersConflict: boolean; forwardedWinner: boolean }[] = []
    const winners = new Map<string, number>()
    for (const b of blinkers) {
      const id = randomUUID()
      const same = feedbackOf(b, id)
      const other = { ...feedbackOf(b, id), code: 140 }
      const copies = [
        ...Array.from({ length: o.copies }, (_, i) => ({ code: 131, f: i % 2 ? { ...same, messageId: id.toUpperCase() } : same })),
        ...Array.from({ length: 5 }, () => ({ code: 140, f: other })),
      ]
      const answers = await Promise.all(copies.map(async (c) => ({ code: c.code, sent: await sendFeedback(sys.gateway.url, c.f, log, 30_000) })))
      const won = new Set(answers.filter((a) => a.sent.status === 202).map((a) => a.code))
      const [winner] = won
      if (winner !== undefined) winners.set(id, winner)
      verdicts.push({
        oneWinner: won.size === 1,
        sameReceipt: new Set(answers.filter((a) => a.sent.status === 202).map((a) => a.sent.receivedAt)).size === 1,
        losersConflict: answers.filter((a) => a.code !== winner).every((a) => a.sent.status === 409 && a.sent.code === 'GW_ERR_MESSAGE_ID_REUSED'),
        forwardedWinner: false,
      })
    }
    const since = Date.now()
    const row = await reconcile(sys, log, { scenario: 'duplicate floods', faults: o.ids, since })
    ;[...winners].forEach(([id, code], i) => {
      const v = verdicts[i]
      if (v) v.forwardedWinner = sys.backOffice.codes.get(id) === code
    })
    return { ...row, observed: { floods: verdicts } }
  })
}
