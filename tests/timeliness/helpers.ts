/**
 * Timeliness test helpers: the lifecycle events at controlled times, through the store steps the
 * services call (they take the event's time: storeBlinkers, applyEvent, storeFeedbackBatch,
 * recordDecision), and an independent reading of the fixed buckets: the bounds are the published
 * list (README), the bucketing and the quantile's bucket are recomputed here from the durations.
 */
import { randomUUID } from 'node:crypto'
import type { EnvContext } from '../../src/context.js'
import { storedDoc } from '../../src/domain/canonical-blinker.js'
import { feedbackCode } from '../../src/domain/feedback-codes.js'
import type { Blinker } from '../../src/domain/model.js'
import { applyEvent } from '../../src/store/blinker-store.js'
import { BUCKET_BOUNDS_S } from '../../src/store/duration-histogram.js'
import { recordDecision } from '../../src/store/feedback-progress-store.js'
import { storeFeedbackBatch } from '../../src/store/feedback-store.js'
import { storeBlinkers } from '../../src/store/publish-store.js'
import type { TestGateway } from '../helpers/gateway.js'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

export function acceptance(gw: TestGateway): EnvContext {
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  return ctx
}

export async function publishAt(ctx: EnvContext, b: Blinker, at: number, party: string | undefined): Promise<void> {
  const [outcome] = await storeBlinkers(ctx.redis, ctx.keys, [{ blinkerId: b.blinkerId, cpas: b.cpasKbo, ...storedDoc(b), party }], 'publisher', new Date(at))
  if (outcome !== 0 && outcome !== 1) throw new Error(`publish answered ${outcome}`)
}

export async function eventAt(ctx: EnvContext, blinkerId: string, event: 'DELIVER' | 'ACKNOWLEDGE' | 'RESOLVE', at: number, cause = event === 'RESOLVE' ? 'resolved:FORM_D_RECEIVED' : 'pulled'): Promise<void> {
  await applyEvent(ctx.redis, ctx.keys, blinkerId, event, cause, 'alpha', new Date(at).toISOString())
}

/** Stores one feedback message at `at`; returns its messageId. */
export async function feedbackAt(ctx: EnvContext, b: Blinker, code: number, at: number, party = 'alpha'): Promise<string> {
  const entry = feedbackCode(code)
  if (!entry) throw new Error(`no code ${code}`)
  const feedback = { messageId: randomUUID(), blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, code, sentAt: new Date(at).toISOString() }
  const doc = JSON.stringify(feedback)
  const [outcome] = await storeFeedbackBatch(ctx.redis, ctx.keys, [{ feedback, doc, digest: feedback.messageId, entry, flows: 'ALL', party }], new Date(at))
  if (outcome?.kind !== 'stored') throw new Error(`feedback answered ${outcome?.kind}`)
  return feedback.messageId
}

export async function decideAt(ctx: EnvContext, messageId: string, blinkerId: string, decision: 'ACCEPTED' | 'REFUSED', at: number): Promise<void> {
  const outcome = await recordDecision(ctx.redis, ctx.keys, messageId, blinkerId, decision, undefined, 'inspection', new Date(at).toISOString())
  if (outcome.kind !== 'done') throw new Error(`decision answered ${outcome.kind}`)
}

/** The bucket of a duration, from the published bounds (upper bound inclusive). */
export function bucketIndex(ms: number): number {
  const i = BUCKET_BOUNDS_S.findIndex((s) => ms <= s * 1000)
  return i < 0 ? BUCKET_BOUNDS_S.length : i
}

/** `{bucket}` → count, as the HASH should hold them. */
export function expectedBuckets(durations: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const d of durations) out[String(bucketIndex(d))] = (out[String(bucketIndex(d))] ?? 0) + 1
  return out
}

/** The fields of one measure and dimension in a timeliness HASH, as `{bucket}` → count. */
export function fieldsOf(hash: Record<string, string>, measure: string, dim: string): Record<string, number> {
  const out: Record<string, number> = {}
  const head = `${measure}|${dim}|`
  for (const [k, v] of Object.entries(hash)) if (k.startsWith(head)) out[k.slice(head.length)] = Number(v)
  return out
}

/** [from, to] ms of the bucket holding the q-quantile of the durations (nearest rank ⌈q·n⌉). */
export function quantileBucket(durations: readonly number[], q: number): [number, number | null] {
  const sorted = [...durations].sort((a, b) => a - b)
  const value = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number
  const i = bucketIndex(value)
  return [i === 0 ? 0 : (BUCKET_BOUNDS_S[i - 1] as number) * 1000, i < BUCKET_BOUNDS_S.length ? (BUCKET_BOUNDS_S[i] as number) * 1000 : null]
}
