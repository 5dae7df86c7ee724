/**
 * The inspection's decisions in the demo data set (issue 19 item 3): for a share of the demo
 * feedback, ACCEPTED or REFUSED, chosen per flow so the statistics tell the seed's two stories —
 * a flow whose cancellations are mostly accepted (its crossing margins need tuning: the DIMONA
 * work income, where contracts end mid-month) and flows where many cancellations are refused
 * (the software houses cancel blinkers that were right: insurability, family allowances).
 * Justified feedback is decided too, mostly taken note of (ACCEPTED), sometimes refused.
 *
 * Pure and seeded: the test recomputes every decision count from this list and the generated
 * blinkers, independently of the gateway's counters. The decisions go through the decision
 * service (the same Lua step as POST /v1/decisions), so they are counted where production counts.
 */
import type { EnvContext } from '../context.js'
import { feedbackCode } from '../domain/feedback-codes.js'
import type { Feedback, Flow } from '../domain/model.js'
import { decide } from '../services/decision-service.js'
import type { Decision } from '../store/feedback-progress-store.js'
import { seededRandom } from './seeded-random.js'

export interface DemoDecision {
  messageId: string
  blinkerId: string
  code: number
  decision: Decision
  reason?: string
}

/** Per flow: the share of its cancellations the inspection refuses (the rest it accepts). */
export const CANCELLATION_REFUSALS: Record<Flow, number> = {
  WORK_INCOME_DIMONA: 0.08,
  WORK_INCOME_DMFA: 0.15,
  UNEMPLOYMENT: 0.2,
  FAMILY_ALLOWANCES: 0.4,
  PENSION: 0.25,
  DISABILITY_ALLOWANCES: 0.3,
  CADASTRAL_INCOME: 0.18,
  INSURABILITY: 0.45,
}

/** Share of justified feedback the inspection refuses (the blinker is reopened). */
const JUSTIFIED_REFUSAL = 0.1

const REFUSAL_REASON = 'The flow data show income in that period: the blinker was right (demo)'

/**
 * Decisions for a share of the feedback (default 0.6), the decision drawn per flow. `flowOf` gives
 * each feedback's blinker flow (the feedback message does not carry it).
 */
export function demoDecisions(feedback: readonly Feedback[], flowOf: ReadonlyMap<string, Flow>, share: number, seed: number): DemoDecision[] {
  const rnd = seededRandom(seed * 13 + 5)
  const out: DemoDecision[] = []
  for (const f of feedback) {
    // Two draws per message whatever happens, so one message's fate does not shift the others'.
    const pick = rnd.next()
    const draw = rnd.next()
    if (pick >= share) continue
    const flow = flowOf.get(f.blinkerId)
    if (!flow) continue
    const cancellation = feedbackCode(f.code)?.kind === 'UNJUSTIFIED'
    const refused = draw < (cancellation ? CANCELLATION_REFUSALS[flow] : JUSTIFIED_REFUSAL)
    const d: DemoDecision = { messageId: f.messageId, blinkerId: f.blinkerId, code: f.code, decision: refused ? 'REFUSED' : 'ACCEPTED' }
    if (refused) d.reason = REFUSAL_REASON
    out.push(d)
  }
  return out
}

/** Decisions sent at once (each is a few round trips; the Lua steps keep them independent). */
const PARALLEL = 32

/**
 * Applies the decisions through the decision service; a decision already taken changes nothing.
 * `at`: each decision's time (the demo timeline, src/timeliness/demo-timeline.ts); default now.
 */
export async function loadDemoDecisions(envCtx: EnvContext, by: string, decisions: readonly DemoDecision[], at?: (d: DemoDecision) => string): Promise<{ accepted: number; refused: number }> {
  const done = { accepted: 0, refused: 0 }
  for (let i = 0; i < decisions.length; i += PARALLEL) {
    await Promise.all(
      decisions.slice(i, i + PARALLEL).map(async (d) => {
        const req = d.reason ? { messageId: d.messageId, decision: d.decision, reason: d.reason } : { messageId: d.messageId, decision: d.decision }
        await decide(envCtx, by, req, at?.(d))
        if (d.decision === 'ACCEPTED') done.accepted++
        else done.refused++
      }),
    )
  }
  return done
}
