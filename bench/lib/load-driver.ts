/**
 * The load generator: an undici Pool driving one target, closed loop (N connections, each sends
 * its next request when the previous answer is in: "full load") or open loop at a fixed rate
 * (requests leave on a uniform schedule whatever the answers do: "half load"). Latency is timed
 * from the moment a request was due, so a server that falls behind a fixed rate pays for the
 * queueing it causes (no coordinated omission).
 *
 * Why not autocannon: its `overallRate` sends each second's quota back to back at the start of the
 * second (a burst at full speed, then silence), so "half load" would measure full-load latency,
 * and its histogram has 1 ms resolution; bodies that must differ per request (fresh messageIds)
 * are also cheaper to build here. It runs in its own process (load-child.ts) all the same.
 */
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { requestFactory, type RequestSpec } from './requests.js'
import { summarize, type LatencySummary } from './stats.js'

export interface LoadSpec {
  /** e.g. http://127.0.0.1:3000 */
  origin: string
  request: RequestSpec
  /** Concurrent connections (closed loop) or the pool size (open loop). */
  connections: number
  /** Stop issuing after this long (ms); at least one of durationMs / amount. */
  durationMs?: number
  /** Stop after this many requests. */
  amount?: number
  /** Open loop: requests per second on a uniform schedule. Unset: closed loop. */
  rate?: number
  /**
   * Unrecorded lead-in (ms) with the same schedule and pool before the measured run, so the load
   * process' own start (cold JIT, connections being opened) is not counted as server latency.
   * Duration-bounded runs only (an `amount` run must send exactly that many). Default 500.
   */
  warmupMs?: number
}

export interface LoadResult {
  requests: number
  /** Answers with the expected status (and body marker, when one is set). */
  ok: number
  errors: number
  /** The first unexpected answer or network error, for the report. */
  firstError?: string
  durationMs: number
  /** ok answers per second over the run. */
  rps: number
  /** Latency of the ok answers, ms. */
  latency: LatencySummary
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.durationMs === undefined && spec.amount === undefined) throw new Error('runLoad needs durationMs or amount')
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 })
  const next = requestFactory(spec.request)
  const counter = { issued: 0 }
  const warmupMs = spec.amount === undefined ? (spec.warmupMs ?? 500) : 0
  if (warmupMs > 0) await drive(pool, next, counter, { ...spec, durationMs: warmupMs })
  const result = await drive(pool, next, counter, spec)
  await pool.close()
  return result
}

/** One run on an open pool; `counter` numbers requests across runs, so every body stays fresh. */
async function drive(pool: Pool, next: ReturnType<typeof requestFactory>, counter: { issued: number }, spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = []
  let issued = 0
  let ok = 0
  let errors = 0
  let firstError: string | undefined
  const started = performance.now()
  const endAt = spec.durationMs === undefined ? Infinity : started + spec.durationMs
  const more = () => (spec.amount === undefined || issued < spec.amount) && performance.now() < endAt

  const one = async (dueAt: number) => {
    issued++
    const req = next(counter.issued++)
    try {
      const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body })
      const text = await res.body.text()
      const good = res.statusCode === spec.request.expectStatus && (!spec.request.expectBody || text.includes(spec.request.expectBody))
      if (good) {
        ok++
        latencies.push(performance.now() - dueAt)
      } else {
        errors++
        firstError ??= `${res.statusCode} ${text.slice(0, 300)}`
      }
    } catch (err) {
      errors++
      firstError ??= (err as Error).message
    }
  }

  if (spec.rate === undefined) {
    const loop = async () => {
      while (more()) await one(performance.now())
    }
    await Promise.all(Array.from({ length: spec.connections }, loop))
  } else {
    const interval = 1000 / spec.rate
    const inFlight = new Set<Promise<void>>()
    for (let i = 0; more(); i++) {
      const due = started + i * interval
      const wait = due - performance.now()
      if (wait > 1) await new Promise((r) => setTimeout(r, wait))
      const p = one(due).finally(() => inFlight.delete(p))
      inFlight.add(p)
      // A server far behind the schedule: stop queueing more than a few seconds of work.
      if (inFlight.size > spec.rate * 5) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
  }
  const durationMs = performance.now() - started
  return { requests: issued, ok, errors, ...(firstError ? { firstError } : {}), durationMs, rps: (ok * 1000) / durationMs, latency: summarize(latencies) }
}
