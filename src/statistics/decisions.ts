/**
 * The inspection's decisions in the statistics report (issue 19 item 3), from the write-time
 * counters of src/store/decision-stats.ts:
 * - per flow, the decided CANCELLATIONS (feedback with an UNJUSTIFIED code): accepted, refused,
 *   and their shares of the decided ones. A high refused share means software houses cancel
 *   blinkers that were right; a high accepted share on one flow means its crossing margins need
 *   tuning. Decisions on justified feedback are not cancellations and are left out here;
 * - per code, every decision on that code (for a justified code: ACCEPTED = taken note of,
 *   REFUSED = the blinker reopened), with the same shares.
 * Pure: the report's computation (compute.ts) calls it on the counters it was given.
 */
import { feedbackCode } from '../domain/feedback-codes.js'
import type { Flow, Regime } from '../domain/model.js'

export interface FlowDecisions {
  /** Cancellations (UNJUSTIFIED codes) the inspection accepted: the blinker was lifted. */
  cancellationsAccepted: number
  /** Cancellations the inspection refused: the blinker was right, it is reopened. */
  cancellationsRefused: number
  /** cancellationsAccepted + cancellationsRefused. */
  cancellationsDecided: number
  /** cancellationsAccepted / cancellationsDecided; null without a decided cancellation. */
  acceptedShare: number | null
  /** cancellationsRefused / cancellationsDecided; null without a decided cancellation. */
  refusedShare: number | null
}

export interface CodeDecisions {
  accepted: number
  refused: number
  decided: number
  /** accepted / decided; null without a decision. */
  acceptedShare: number | null
  /** refused / decided; null without a decision. */
  refusedShare: number | null
}

const share = (a: number, b: number): number | null => (b > 0 ? a / b : null)

/**
 * Adds the decisions of the regimes asked to the per-flow and per-code rows (in place); a code
 * decided but absent from the feedback counters gets a row of its own (`newCode`).
 */
export function addDecisions<F extends FlowDecisions, C extends CodeDecisions>(
  decisions: ReadonlyMap<string, number> | undefined,
  regimes: readonly Regime[],
  perFlow: Map<Flow, F>,
  perCode: Map<number, C>,
  newCode: (code: number) => C,
): void {
  for (const [field, n] of decisions ?? []) {
    const [regime, flow, codeText, decision] = field.split('|') as [Regime, Flow, string, string]
    if (!regimes.includes(regime) || (decision !== 'ACCEPTED' && decision !== 'REFUSED')) continue
    const code = Number(codeText)
    const c = perCode.get(code) ?? newCode(code)
    perCode.set(code, c)
    if (decision === 'ACCEPTED') c.accepted += n
    else c.refused += n
    const f = perFlow.get(flow)
    if (f && feedbackCode(code)?.kind === 'UNJUSTIFIED') {
      if (decision === 'ACCEPTED') f.cancellationsAccepted += n
      else f.cancellationsRefused += n
    }
  }
  for (const f of perFlow.values()) {
    f.cancellationsDecided = f.cancellationsAccepted + f.cancellationsRefused
    f.acceptedShare = share(f.cancellationsAccepted, f.cancellationsDecided)
    f.refusedShare = share(f.cancellationsRefused, f.cancellationsDecided)
  }
  for (const c of perCode.values()) {
    c.decided = c.accepted + c.refused
    c.acceptedShare = share(c.accepted, c.decided)
    c.refusedShare = share(c.refused, c.decided)
  }
}
