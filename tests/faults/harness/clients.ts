/**
 * The clients' side: publish blinkers, then send one feedback per blinker through the real REST
 * route while faults are injected, logging every answer (the "clients' log" reconciliation reads).
 * A client never re-sends here: a request that got an error stays an error, so the reconciler can
 * check that nothing refused was forwarded anyway.
 */
import { randomUUID } from 'node:crypto'
import type { Blinker, Feedback } from '../../../src/domain/model.js'
import { blinker, CPAS } from '../../helpers/blinkers.js'
import { TOKENS } from '../../helpers/gateway.js'

const A = TOKENS.acceptance

export interface Sent {
  messageId: string
  start: number
  end: number
  /** HTTP status; 0 when no answer came (refused, reset, timeout). */
  status: number
  code?: string
  receivedAt?: string
}

/** Everything every client sent, in completion order. */
export class ClientLog {
  readonly sent: Sent[] = []

  /** Distinct messageIds (lower case) that got at least one 202. */
  acknowledged(): Set<string> {
    return new Set(this.sent.filter((s) => s.status === 202).map((s) => s.messageId))
  }

  /** messageIds whose every answer was a definite error (≥ 400): the gateway said "not taken". */
  refused(): Set<string> {
    const byId = new Map<string, number[]>()
    for (const s of this.sent) byId.set(s.messageId, [...(byId.get(s.messageId) ?? []), s.status])
    return new Set([...byId].filter(([, st]) => st.every((x) => x >= 400)).map(([id]) => id))
  }

  messages(): number {
    return new Set(this.sent.map((s) => s.messageId)).size
  }
}

const json = { 'content-type': 'application/json' }

/** Publishes `n` blinkers (DIMONA flow, so code 131 applies) while everything is healthy. */
export async function publishBlinkers(url: string, n: number): Promise<Blinker[]> {
  const all: Blinker[] = []
  for (let done = 0; done < n; done += 500) {
    const batch = Array.from({ length: Math.min(500, n - done) }, (_, i) => blinker(i % 2 ? CPAS.alpha1 : CPAS.alpha2))
    const res = await fetch(`${url}/acceptance/v1/blinkers`, { method: 'POST', headers: { ...json, authorization: `Bearer ${A.publisher}` }, body: JSON.stringify({ blinkers: batch }) })
    const body = (await res.json()) as { accepted?: number }
    if (res.status !== 202 || body.accepted !== batch.length) throw new Error(`publication failed: ${res.status} ${JSON.stringify(body)}`)
    all.push(...batch)
  }
  return all
}

export const feedbackOf = (b: Blinker, messageId: string = randomUUID()): Feedback => ({ messageId, blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, code: 131, sentAt: '2026-02-12T09:00:00+01:00' })

/** One POST /acceptance/v1/feedback, logged. */
export async function sendFeedback(url: string, f: Feedback, log: ClientLog, timeoutMs = 10_000): Promise<Sent> {
  const start = Date.now()
  const sent: Sent = { messageId: f.messageId.toLowerCase(), start, end: start, status: 0 }
  try {
    const res = await fetch(`${url}/acceptance/v1/feedback`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${A.alpha}` },
      body: JSON.stringify(f),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = (await res.json().catch(() => ({}))) as { code?: string; receivedAt?: string }
    sent.status = res.status
    if (body.code) sent.code = body.code
    if (body.receivedAt) sent.receivedAt = body.receivedAt
  } catch {
    // No answer: outcome unknown to this client (it would re-send; the gateway is idempotent).
  }
  sent.end = Date.now()
  log.sent.push(sent)
  return sent
}

export interface LoadOptions {
  /** Where to send now (the gateway may be restarted on another port mid-run). */
  target: () => string
  blinkers: readonly Blinker[]
  log: ClientLog
  /** Requests in flight at once; default 8. */
  lanes?: number
  /** Pause of each lane between two requests; default 0. */
  paceMs?: number
  /** Stop sending once this says so (blinkers left over stay unused); default: send them all. */
  stopWhen?: () => boolean
}

/** One feedback per blinker, `lanes` at a time, paced so the run spans the faults. */
export async function runLoad(o: LoadOptions): Promise<void> {
  let next = 0
  const lane = async () => {
    for (let i = next++; i < o.blinkers.length && !o.stopWhen?.(); i = next++) {
      const sent = await sendFeedback(o.target(), feedbackOf(o.blinkers[i] as Blinker), o.log)
      // While the gateway is away, do not burn every blinker on refused connections.
      const pause = sent.status === 0 || sent.status === 503 ? Math.max(o.paceMs ?? 0, 200) : o.paceMs
      if (pause) await new Promise((r) => setTimeout(r, pause))
    }
  }
  await Promise.all(Array.from({ length: o.lanes ?? 8 }, lane))
}
