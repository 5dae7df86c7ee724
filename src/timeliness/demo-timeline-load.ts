/**
 * The demo timeline's events that loadDemoData does not send through a batch service
 * (demo-timeline.ts for the times): deliveries of the blinkers of CPAS served by a software house
 * (the DELIVER step a mailbox fetch runs, at the generated time, by that software house) and the
 * form D of a share of the code-2 feedback (the RESOLVE step of POST …/resolve, by the publisher).
 * A fetch through the real mailbox later returns those blinkers once more (DELIVER is then a
 * no-op): the demo's mailbox cursors are not moved.
 */
import type { EnvContext } from '../context.js'
import type { Blinker, Feedback } from '../domain/model.js'
import { applyEvent } from '../store/blinker-store.js'
import { demoBlinkerTimes, demoDecisionAt, demoFeedbackAt, demoFormDAt, type DemoBlinkerTimes } from './demo-timeline.js'

/** Events sent at once (one Lua step each). */
const PARALLEL = 32

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(run))
}

/** The software house serving a CPAS, as publication reads it. */
const servedBy = (ctx: EnvContext, kbo: string): string | undefined => ctx.parties.knownCpas.get(kbo)?.servedBy

/** The times of each demo blinker (its CPAS served or not, as the environment knows it). */
export function demoTimes(ctx: EnvContext, blinkers: readonly Blinker[], seed: number): Map<string, DemoBlinkerTimes> {
  return new Map(blinkers.map((b) => [b.blinkerId, demoBlinkerTimes(b, servedBy(ctx, b.cpasKbo) !== undefined, seed)]))
}

/** The feedback time function loadDemoData batches by. */
export const feedbackTime = (times: ReadonlyMap<string, DemoBlinkerTimes>, seed: number) => (f: Feedback): number => demoFeedbackAt(f, times.get(f.blinkerId) as DemoBlinkerTimes, seed)

/** DELIVER at the generated times; returns how many blinkers moved. */
export async function deliverDemo(ctx: EnvContext, blinkers: readonly Blinker[], times: ReadonlyMap<string, DemoBlinkerTimes>): Promise<number> {
  let moved = 0
  const due = blinkers.filter((b) => times.get(b.blinkerId)?.deliverAt !== undefined)
  await inParallel(due, async (b) => {
    const at = new Date(times.get(b.blinkerId)?.deliverAt as number).toISOString()
    const r = await applyEvent(ctx.redis, ctx.keys, b.blinkerId, 'DELIVER', 'pulled', servedBy(ctx, b.cpasKbo), at)
    if (r.outcome === 'moved') moved++
  })
  return moved
}

/** The form D (RESOLVE FORM_D_RECEIVED) of the code-2 feedback that gets one; returns how many closed. */
export async function formDDemo(ctx: EnvContext, by: string, feedback: readonly Feedback[], times: ReadonlyMap<string, DemoBlinkerTimes>, seed: number): Promise<number> {
  const at = feedbackTime(times, seed)
  const due = feedback.map((f) => ({ f, resolveAt: demoFormDAt(f, at(f), seed) })).filter((x): x is { f: Feedback; resolveAt: number } => x.resolveAt !== undefined)
  let closed = 0
  await inParallel(due, async ({ f, resolveAt }) => {
    try {
      const r = await applyEvent(ctx.redis, ctx.keys, f.blinkerId, 'RESOLVE', 'resolved:FORM_D_RECEIVED', by, new Date(resolveAt).toISOString())
      if (r.outcome === 'moved') closed++
    } catch (err) {
      // Loading again: the blinker is CLOSED already (409), nothing to do.
      if ((err as { code?: string }).code !== 'GW_ERR_BLINKER_CLOSED') throw err
    }
  })
  return closed
}

/** The decision time function loadDemoDecisions takes: from the decided message's feedback time. */
export function decisionTime(feedback: readonly Feedback[], feedbackAt: (f: Feedback) => number, seed: number): (d: { messageId: string; blinkerId: string }) => string {
  const at = new Map(feedback.map((f) => [f.messageId, feedbackAt(f)]))
  return (d) => new Date(demoDecisionAt(d.messageId, d.blinkerId, at.get(d.messageId) as number, seed)).toISOString()
}
