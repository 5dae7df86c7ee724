/**
 * Loading the demo data set into an environment: the plan (demo-plan.ts) turned into blinkers and
 * denominators, written through the REAL paths — the publish service (so the statistics counters
 * are the ones production maintains), the statistics service for the files, and optionally the
 * feedback service for a share of the blinkers (as a recap list imported by the inspection would),
 * and the decision service for a share of that feedback (demo-decisions.ts).
 *
 * The ~580 demo CPAS are not in the demo parties file (only three are): the loader publishes with a
 * CPAS register that knows them, as a parties file listing them would. The gateway then serves
 * their statistics, lists and imports, and the dashboard shows them on Excel lists.
 */
import type { EnvContext } from '../context.js'
import type { Blinker, Feedback, Flow, Regime } from '../domain/model.js'
import type { EnvParties, Party } from '../parties/parties.js'
import { submitFeedbackBatch } from '../services/feedback-service.js'
import { publishBlinkers } from '../services/publish-service.js'
import { rowMessageId } from '../transition/message-id.js'
import { putFilesCounts } from './statistics-service.js'
import { putCpasDirectory } from '../cpas/cpas-directory.js'
import { demoCpasNames } from '../cpas/demo-names.js'
import { demoPlan, scaledPlan, SEED_2016, type DemoCpas, type DemoTargets } from './demo-plan.js'
import { chooseDemoFollowUps, loadDemoFollowUps, withFallingRates } from '../follow-up/demo-follow-ups.js'
import { seededRandom, type Random } from './seeded-random.js'
import { demoDecisions, loadDemoDecisions } from './demo-decisions.js'
import { loadBarometerDemoTraffic } from '../barometer/demo-traffic.js'
import { timedBatches, type DemoBlinkerTimes } from '../timeliness/demo-timeline.js'
import { decisionTime, deliverDemo, demoTimes, feedbackTime, formDDemo } from '../timeliness/demo-timeline-load.js'

export interface DemoOptions {
  /** Seed year with its exact figures; default SEED_2016. */
  targets?: DemoTargets
  /** Extra years for the trend, as [year, filesFactor, rateFactor]; default none. */
  trendYears?: readonly (readonly [number, number, number])[]
  /** Share of blinkers that get feedback (0–1); default 0. */
  feedbackShare?: number
  /** Share of that feedback the inspection decides (0–1, demo-decisions.ts); default 0.6. */
  decisionShare?: number
  /**
   * Events at generated times (src/timeliness/demo-timeline.ts: publication after detection,
   * deliveries for CPAS with a software house, feedback, decisions, form D for code 2) instead of
   * the load's clock, so the timeliness figures mean something; default false (every event now).
   */
  timeline?: boolean
  /** Only the first N CPAS of the plan (small data sets for the browser test); default all. */
  cpasLimit?: number
  /** PRNG seed; default 2016. */
  seed?: number
  /** Called after each published batch with (done, total) blinkers. */
  progress?: (done: number, total: number) => void
}

export interface DemoSummary {
  cpas: number
  blinkers: number
  accepted: number
  duplicates: number
  rejected: number
  feedback: number
  /** Decisions applied (a second load applies them again without a second effect). */
  decisions: { accepted: number; refused: number }
  years: number[]
  /** Follow-ups opened (0 without trend years, or when they exist already). */
  followUps: number
}

const FLOWS_BY_REGIME: Record<Regime, readonly [Flow, number][]> = {
  DIS: [['WORK_INCOME_DIMONA', 30], ['WORK_INCOME_DMFA', 20], ['UNEMPLOYMENT', 15], ['FAMILY_ALLOWANCES', 12], ['INSURABILITY', 8], ['CADASTRAL_INCOME', 6], ['DISABILITY_ALLOWANCES', 5], ['PENSION', 4]],
  LAW_1965: [['PENSION', 25], ['WORK_INCOME_DIMONA', 20], ['WORK_INCOME_DMFA', 12], ['UNEMPLOYMENT', 12], ['DISABILITY_ALLOWANCES', 12], ['FAMILY_ALLOWANCES', 9], ['CADASTRAL_INCOME', 6], ['INSURABILITY', 4]],
}

/** Feedback per flow: the share that is a cancellation, and the cancellation codes that apply. */
const FEEDBACK_BY_FLOW: Record<Flow, { unjustified: number; codes: number[] }> = {
  WORK_INCOME_DIMONA: { unjustified: 0.62, codes: [131, 140, 132] },
  WORK_INCOME_DMFA: { unjustified: 0.45, codes: [131, 140, 132] },
  UNEMPLOYMENT: { unjustified: 0.3, codes: [120, 170] },
  FAMILY_ALLOWANCES: { unjustified: 0.35, codes: [110, 170] },
  PENSION: { unjustified: 0.2, codes: [150] },
  DISABILITY_ALLOWANCES: { unjustified: 0.25, codes: [150] },
  CADASTRAL_INCOME: { unjustified: 0.4, codes: [160] },
  INSURABILITY: { unjustified: 0.15, codes: [170, 999] },
}

const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Dubois', 'Lambert', 'Dupont', 'Claes', 'Martin', 'Willems', 'Goossens', 'Wouters', 'Mertens', 'Laurent', 'Simon']
const FIRST = ['Marie', 'Jan', 'Sarah', 'Mohamed', 'Nathalie', 'Luc', 'Emma', 'Youssef', 'Sofie', 'Pierre', 'Fatima', 'Tom', 'Julie', 'Ahmed', 'Anne']

function weighted<T>(rnd: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((a, [, w]) => a + w, 0)
  let x = rnd.next() * total
  for (const [item, w] of items) if ((x -= w) < 0) return item
  return (items.at(-1) as readonly [T, number])[0]
}

/** A valid NISS for beneficiary number g (distinct g → distinct NISS), born 1950–1999. */
export function demoNiss(g: number): string {
  const yy = 50 + (g % 50)
  const rest = Math.floor(g / 50)
  const mm = 1 + (rest % 12)
  const dd = 1 + (Math.floor(rest / 12) % 28)
  const serial = 1 + Math.floor(rest / (12 * 28))
  const first9 = `${yy}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${String(serial).padStart(3, '0')}`
  return `${first9}${String(97 - Number(BigInt(first9) % 97n)).padStart(2, '0')}`
}

const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()
const pad2 = (n: number) => String(n).padStart(2, '0')

/** The blinkers of one year's plan: each counted beneficiary gets 1 blinker, some 2 or 3. */
export function demoBlinkers(plan: readonly DemoCpas[], year: number, seed: number): Blinker[] {
  const rnd = seededRandom(seed * 31 + year)
  const out: Blinker[] = []
  let person = (year - 2000) * 1_000_000
  for (const c of plan) {
    for (const regime of ['DIS', 'LAW_1965'] as const) {
      for (let k = 0; k < c.withBlinker[regime]; k++) {
        const niss = demoNiss(person++)
        const extra = rnd.next() < 0.06 ? (rnd.next() < 0.2 ? 2 : 1) : 0
        const lastName = rnd.pick(LAST)
        const firstName = rnd.pick(FIRST)
        for (let e = 0; e <= extra; e++) {
          const month = rnd.int(1, 12)
          const flow = weighted(rnd, FLOWS_BY_REGIME[regime])
          const day = rnd.int(1, 20)
          const detected = new Date(Date.UTC(year, month, 10, 5, 0, 0))
          out.push({
            blinkerId: `CLI-${year}-${String(out.length + 1).padStart(9, '0')}`,
            cpasKbo: c.kbo,
            regime,
            beneficiary: { niss, lastName, firstName },
            form: { type: 'B', reference: `B${String(year).slice(2)}-${c.kbo.slice(4, 8)}-${String(k + 1).padStart(4, '0')}`, periodStart: `${year}-${pad2(month)}-01`, periodEnd: `${year}-${pad2(month)}-${lastDay(year, month)}` },
            flow,
            finding: {
              periodStart: `${year}-${pad2(month)}-${pad2(day)}`,
              amountCents: rnd.int(5_000, 180_000),
              description: `${flow.replaceAll('_', ' ').toLowerCase()}: income found for ${year}-${pad2(month)}`,
            },
            detectedAt: `${detected.toISOString().slice(0, 19)}+00:00`,
          })
        }
      }
    }
  }
  return out
}

/** Feedback for a share of the blinkers, with the messageId a recap list row would get. */
export function demoFeedback(blinkers: readonly Blinker[], share: number, seed: number): Feedback[] {
  const rnd = seededRandom(seed * 7 + 1)
  const out: Feedback[] = []
  for (const b of blinkers) {
    if (rnd.next() >= share) continue
    const rule = FEEDBACK_BY_FLOW[b.flow]
    const code = rnd.next() < rule.unjustified ? rnd.pick(rule.codes) : rnd.pick([1, 2, 2, 3])
    const comment = code === 999 ? 'Beneficiary no longer insured in that period (demo)' : undefined
    const f: Feedback = { messageId: rowMessageId(b.blinkerId, code, comment), blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, code, sentAt: '2017-01-31T12:00:00+01:00' }
    if (comment) f.comment = comment
    out.push(f)
  }
  return out
}

/** The environment's CPAS register extended with the plan's CPAS (those not already known). */
function withPlanCpas(envCtx: EnvContext, plan: readonly DemoCpas[]): EnvContext {
  const knownCpas = new Map(envCtx.parties.knownCpas)
  for (const c of plan) if (!knownCpas.has(c.kbo)) knownCpas.set(c.kbo, { kbo: c.kbo, name: c.name })
  const parties: EnvParties = { ...envCtx.parties, knownCpas }
  return { ...envCtx, parties }
}

const BATCH = 1000
/** Share of the demo feedback the inspection decides, unless told otherwise. */
export const DEFAULT_DECISION_SHARE = 0.6

/** Fills an environment with the demo data set; idempotent (a second run finds duplicates). */
export async function loadDemoData(envCtx: EnvContext, publisher: Party, importer: Party, opts: DemoOptions = {}): Promise<DemoSummary> {
  const targets = opts.targets ?? SEED_2016
  const seed = opts.seed ?? 2016
  const base = demoPlan(targets, seed).slice(0, opts.cpasLimit ?? Infinity)
  // Follow-ups (src/follow-up/demo-follow-ups.ts): a few CPAS above 10 % in the earliest year whose rates then fall; the seed year is untouched.
  const followUps = opts.trendYears?.length ? chooseDemoFollowUps(base) : []
  const firstYear = Math.min(targets.year, ...(opts.trendYears ?? []).map(([y]) => y))
  const years = withFallingRates([[targets.year, base], ...(opts.trendYears ?? []).map(([y, ff, rf]) => [y, scaledPlan(base, ff, rf)] as [number, DemoCpas[]])], followUps, targets.year)
  const ctx = withPlanCpas(envCtx, base)
  const all = years.map(([year, plan]) => [year, plan, demoBlinkers(plan, year, seed)] as const)
  const total = all.reduce((a, [, , b]) => a + b.length, 0)
  const summary: DemoSummary = { cpas: base.length, blinkers: total, accepted: 0, duplicates: 0, rejected: 0, feedback: 0, decisions: { accepted: 0, refused: 0 }, years: years.map(([y]) => y).sort(), followUps: 0 }
  // Names in French and Dutch for every demo CPAS (the CPAS directory), so none shows a blank.
  const names = demoCpasNames(base)
  for (let i = 0; i < names.length; i += BATCH) await putCpasDirectory(ctx, { cpas: names.slice(i, i + BATCH) })
  let done = 0
  for (const [year, plan, blinkers] of all) {
    await putFilesCounts(ctx, { period: String(year), counts: plan.flatMap((c) => (['DIS', 'LAW_1965'] as const).map((regime) => ({ cpasKbo: c.kbo, regime, files: c.files[regime] }))) })
    // With a timeline: batches of one publication time each (the service takes one time per call).
    const times = opts.timeline ? demoTimes(ctx, blinkers, seed) : undefined
    for (const { at, items: batch } of timedBatches(blinkers, times && ((b) => (times.get(b.blinkerId) as DemoBlinkerTimes).publishAt), BATCH)) {
      const result = await publishBlinkers(ctx, publisher, batch, undefined, at)
      summary.accepted += result.accepted
      summary.duplicates += result.duplicates
      summary.rejected += result.rejected.length
      done += batch.length
      opts.progress?.(done, total)
    }
    if (times) await deliverDemo(ctx, blinkers, times)
    const feedback = demoFeedback(blinkers, opts.feedbackShare ?? 0, seed + year)
    const feedbackAt = times && feedbackTime(times, seed)
    const received = new Set<string>()
    for (const { at, items } of timedBatches(feedback, feedbackAt, BATCH)) {
      const result = await submitFeedbackBatch(ctx, importer, items, undefined, at)
      summary.feedback += result.receipts.length
      for (const r of result.receipts) received.add(r.messageId.toLowerCase())
    }
    // Decisions on the feedback the gateway holds (drawn over all of it, so the draw does not depend on refusals).
    const flowOf = new Map(blinkers.map((b) => [b.blinkerId, b.flow]))
    const decisions = demoDecisions(feedback, flowOf, opts.decisionShare ?? DEFAULT_DECISION_SHARE, seed + year).filter((d) => received.has(d.messageId.toLowerCase()))
    const decided = await loadDemoDecisions(ctx, importer.id, decisions, feedbackAt && decisionTime(feedback, feedbackAt, seed))
    summary.decisions.accepted += decided.accepted
    summary.decisions.refused += decided.refused
    if (times) await formDDemo(ctx, publisher.id, feedback.filter((f) => received.has(f.messageId.toLowerCase())), times, seed)
  }
  summary.followUps = await loadDemoFollowUps(ctx, importer.id, followUps, firstYear)
  // The barometer's demo profiles for the demo software houses (src/barometer/demo-traffic.ts),
  // timed events too: with the timeline only, so the seed-figure loads stay exactly the plan.
  if (opts.timeline) await loadBarometerDemoTraffic(envCtx)
  return summary
}
