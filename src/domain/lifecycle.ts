/**
 * The blinker lifecycle (contract section 4) as a table: for each event, the statuses it moves
 * from, the status it moves to, and the statuses where it is an idempotent no-op. Anything else is
 * refused (409). The store applies a row atomically in Redis; this file is the only place the
 * rules live.
 */
import type { BlinkerStatus } from './model.js'

export const LIFECYCLE_EVENTS = ['DELIVER', 'ACKNOWLEDGE', 'FEEDBACK', 'FORWARDED', 'ACCEPT', 'REFUSE', 'RESOLVE'] as const
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number]

export interface TransitionRule {
  from: readonly BlinkerStatus[]
  to: BlinkerStatus
  /** Statuses where the event changes nothing and is not an error (retries, late duplicates). */
  noop: readonly BlinkerStatus[]
}

const OPEN: readonly BlinkerStatus[] = ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'REOPENED']

export const LIFECYCLE: Readonly<Record<LifecycleEvent, TransitionRule>> = {
  // A mailbox fetch or a successful push; later statuses are not moved back.
  DELIVER: { from: ['PUBLISHED'], to: 'DELIVERED', noop: ['DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'REOPENED', 'CLOSED'] },
  // Acknowledging twice, or after feedback was already sent, is harmless.
  ACKNOWLEDGE: { from: ['PUBLISHED', 'DELIVERED'], to: 'ACKNOWLEDGED', noop: ['ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'REOPENED'] },
  // New feedback is possible on any open blinker (after REOPENED above all); never on CLOSED.
  FEEDBACK: { from: OPEN, to: 'FEEDBACK_RECEIVED', noop: [] },
  // The forward worker reports success; if a decision or resolve already moved on, keep that.
  FORWARDED: { from: ['FEEDBACK_RECEIVED'], to: 'FORWARDED', noop: ['FORWARDED', 'REOPENED', 'CLOSED'] },
  // The inspection accepts a cancellation: the blinker is removed.
  ACCEPT: { from: ['FEEDBACK_RECEIVED', 'FORWARDED'], to: 'CLOSED', noop: [] },
  // The inspection refuses a cancellation: the software house may send new feedback.
  REFUSE: { from: ['FEEDBACK_RECEIVED', 'FORWARDED'], to: 'REOPENED', noop: [] },
  // Form D received or form corrected: closes from any open status.
  RESOLVE: { from: OPEN, to: 'CLOSED', noop: [] },
}

export type TransitionOutcome = { kind: 'moved'; from: BlinkerStatus; to: BlinkerStatus } | { kind: 'noop'; status: BlinkerStatus } | { kind: 'refused'; status: BlinkerStatus }

/** Pure evaluation of a rule (the Redis script applies the same table). */
export function evaluate(event: LifecycleEvent, current: BlinkerStatus): TransitionOutcome {
  const rule = LIFECYCLE[event]
  if (rule.from.includes(current)) return { kind: 'moved', from: current, to: rule.to }
  if (rule.noop.includes(current)) return { kind: 'noop', status: current }
  return { kind: 'refused', status: current }
}
