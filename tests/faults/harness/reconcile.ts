/**
 * After a scenario: wait until the system has nothing left to do (no waiting, active, delayed job
 * and an empty outbox, a few polls in a row), then compare three independent records:
 *   - the clients' log (which messageIds got a 202, which got a definite error),
 *   - the back office's effects per messageId,
 *   - the forward queue's dead letters (listDeadLetters, as an operator would list them).
 * lost = acknowledged, yet neither at the back office nor dead-lettered; must be 0.
 * duplicate effects = messages whose effect happened more than once; must be 0.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { listDeadLetters } from '../../../src/queue/dead-letters.js'
import { QUEUES } from '../../../src/queue/queues.js'
import { keys } from '../../../src/store/keys.js'
import type { ClientLog, Sent } from './clients.js'
import type { FaultSystem } from './fault-system.js'

export interface Row {
  scenario: string
  appendfsync: string
  /** Faults injected in this scenario. */
  faults: number
  /** HTTP requests sent (a duplicate flood sends one message many times). */
  requests: number
  /** Distinct messageIds sent. */
  messages: number
  /** Distinct messageIds that got a 202. */
  acknowledged: number
  forwarded: number
  deadLettered: number
  lost: number
  duplicateEffects: number
  /** Messages refused with a definite error (≥ 400) that reached the back office anyway; must be 0. */
  refusedButForwarded: number
  /**
   * Messages answered 503 because Redis died while the request was in flight, whose store step
   * Redis had executed and written to its AOF before dying (the reply was lost, not the write):
   * stored, so forwarded. Not a loss, and a client that re-sends gets the first receipt.
   */
  inFlight503Stored: number
  /** 202s answered while Redis was down (scenario-specific; must be 0). */
  acksWhileDown: number
  /** Re-deliveries the back office absorbed by Idempotency-Key (at-least-once at work). */
  redeliveries: number
  /** Dead-lettered messages whose feedback status does not say DEAD_LETTERED (or FORWARDED); must be 0. */
  deadNotMarked: number
  /** Seconds from the last fault to a settled system. */
  settleSeconds: number
}

export interface Settled {
  dead: Set<string>
  idle: boolean
  /** Feedback status of each dead-lettered message. */
  deadStatus: Map<string, string | null>
}

/** Polls until nothing is left to run (or the deadline); returns the dead letters then. */
export async function settle(sys: FaultSystem, timeoutMs = 60_000): Promise<Settled> {
  const redis = new Redis(sys.redis.url, { maxRetriesPerRequest: 3 })
  const queue = new Queue(QUEUES.forward, { connection: redis, prefix: keys.queuePrefix(sys.envKeys) })
  try {
    const deadline = Date.now() + timeoutMs
    let quiet = 0
    while (Date.now() < deadline) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
      const outbox = await redis.zcard(keys.outbox(sys.envKeys, QUEUES.forward))
      const busy = Object.values(counts).reduce((a, b) => a + b, 0) + outbox
      quiet = busy === 0 ? quiet + 1 : 0
      if (quiet >= 4) break
      await new Promise((r) => setTimeout(r, 250))
    }
    const letters = await listDeadLetters(queue, { limit: 1_000_000 })
    const deadStatus = new Map<string, string | null>()
    for (const l of letters) deadStatus.set(l.jobId, await redis.hget(keys.feedback(sys.envKeys, l.jobId), 'status'))
    return { dead: new Set(letters.map((l) => l.jobId)), idle: quiet >= 4, deadStatus }
  } finally {
    await queue.close()
    redis.disconnect()
  }
}

export async function reconcile(
  sys: FaultSystem,
  log: ClientLog,
  o: {
    scenario: string
    faults: number
    acksWhileDown?: number
    since: number
    timeoutMs?: number
    /** messageIds whose error answer came for a request in flight when Redis was killed. */
    inFlightAtKill?: ReadonlySet<string>
  },
): Promise<Row & { idle: boolean; lostIds: string[]; refusedForwarded: Sent[] }> {
  const { dead, idle, deadStatus } = await settle(sys, o.timeoutMs)
  const effects = sys.backOffice.effects
  const acked = log.acknowledged()
  let forwarded = 0
  let deadLettered = 0
  const lostIds: string[] = []
  for (const id of acked) {
    if (effects.has(id)) forwarded++
    else if (dead.has(id)) deadLettered++
    else lostIds.push(id)
  }
  const inFlight = o.inFlightAtKill ?? new Set<string>()
  const refused = new Set([...log.refused()].filter((id) => !inFlight.has(id)))
  return {
    scenario: o.scenario,
    appendfsync: sys.redis.appendfsync,
    faults: o.faults,
    requests: log.sent.length,
    messages: log.messages(),
    acknowledged: acked.size,
    forwarded,
    deadLettered,
    lost: lostIds.length,
    duplicateEffects: [...effects.values()].filter((n) => n > 1).length,
    refusedButForwarded: [...refused].filter((id) => effects.has(id)).length,
    inFlight503Stored: [...log.refused()].filter((id) => inFlight.has(id) && effects.has(id)).length,
    acksWhileDown: o.acksWhileDown ?? 0,
    deadNotMarked: [...deadStatus.values()].filter((st) => st !== 'DEAD_LETTERED' && st !== 'FORWARDED').length,
    redeliveries: sys.backOffice.redeliveries,
    settleSeconds: Math.round((Date.now() - o.since) / 100) / 10,
    idle,
    lostIds,
    // Each answer of a refused message that was forwarded anyway: what was said, and when.
    refusedForwarded: log.sent.filter((x) => refused.has(x.messageId) && effects.has(x.messageId)),
  }
}

const COLUMNS: [keyof Row, string][] = [
  ['scenario', 'scenario'],
  ['appendfsync', 'appendfsync'],
  ['faults', 'faults injected'],
  ['requests', 'requests'],
  ['messages', 'messages sent'],
  ['acknowledged', '202s'],
  ['forwarded', 'forwarded'],
  ['deadLettered', 'dead-lettered'],
  ['lost', 'lost'],
  ['duplicateEffects', 'duplicates by effect'],
  ['refusedButForwarded', 'refused but forwarded'],
  ['inFlight503Stored', '503 in flight at the kill, stored'],
  ['acksWhileDown', '202 while Redis down'],
  ['deadNotMarked', 'dead letters not marked'],
  ['redeliveries', 'redeliveries absorbed'],
  ['settleSeconds', 'settled in (s)'],
]

/** The reconciliation table, as Markdown, with a totals line. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [`| ${COLUMNS.map(([, h]) => h).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`]
  for (const r of rows) lines.push(`| ${COLUMNS.map(([k]) => String(r[k])).join(' | ')} |`)
  const sum = (k: keyof Row) => rows.reduce((a, r) => a + Number(r[k]), 0)
  lines.push(`| **total** | | ${COLUMNS.slice(2).map(([k]) => (k === 'settleSeconds' ? '' : `**${sum(k)}**`)).join(' | ')} |`)
  return lines.join('\n')
}
