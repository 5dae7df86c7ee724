/**
 * The follow-up of a CPAS (contract section 9; seed sections 3 and 6): a CPAS above 10 % gets an
 * on-site analysis by an inspector (visits with findings) and an improvement plan (actions with
 * an owner and a due date); the follow-up moves OPEN → PLAN_AGREED → MONITORING → CLOSED, one step
 * forward at a time, and shows the CPAS's rate per period since it was opened (its trajectory)
 * against the target of every CPAS under 5 %.
 */

export const FOLLOW_UP_STATUSES = ['OPEN', 'PLAN_AGREED', 'MONITORING', 'CLOSED'] as const
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number]

/**
 * The typical causes of blinkers the seed names (section 3: the form's information is wrong or
 * incomplete; section 5: late or incomplete flow data), as finding codes an inspector ticks
 * during a visit. `OTHER` needs the visit's free-text notes.
 */
export const FINDINGS = [
  /** Form B without the partner's income (e.g. the partner's unemployment benefit). */
  'FORM_B_PARTNER_INCOME_MISSING',
  /** Employment income under the ISP exemption, neither completed in form B nor the ISP declared. */
  'ISP_EXEMPTION_NOT_DECLARED',
  /** An ex-partner still on form B, so their income is counted. */
  'EX_PARTNER_ON_FORM',
  /** Other incomes not completed or not updated in form B. */
  'FORM_INCOME_NOT_UPDATED',
  /** Blinkers not examined, or no feedback code sent for the unjustified ones. */
  'BLINKERS_NOT_PROCESSED',
  /** The flow's information was late or incomplete (timing): cancellations are due. */
  'FLOW_DATA_LATE',
  /** Anything else: described in the notes. */
  'OTHER',
] as const
export type Finding = (typeof FINDINGS)[number]

export interface Visit {
  id: string
  /** YYYY-MM-DD: the day of the on-site visit. */
  date: string
  inspector: string
  findings: Finding[]
  notes?: string
  addedAt: string
  addedBy: string
}

export interface Action {
  id: string
  text: string
  owner: string
  /** YYYY-MM-DD */
  dueDate: string
  done: boolean
  doneAt?: string
  updatedAt: string
  updatedBy: string
}

/** One change, as recorded: who, when, what (`change`) and the details that name it. */
export interface FollowUpHistoryEntry {
  at: string
  /** Who: the person's id when one is logged in on the pages, else the calling party. */
  by: string
  /** The person's display name (history shows it), when a logged-in person made the change. */
  byName?: string
  change: 'opened' | 'visit-added' | 'action-added' | 'action-updated' | 'status-changed'
  status?: FollowUpStatus
  from?: FollowUpStatus
  visitId?: string
  actionId?: string
  /** Fields of an action that changed. */
  fields?: string[]
}

/** What is stored (the trajectory is computed at read time from the statistics counters). */
export interface StoredFollowUp {
  id: string
  cpasKbo: string
  status: FollowUpStatus
  openedAt: string
  openedBy: string
  reason: string
  /** The period (YYYY) it was opened for: the trajectory starts there. */
  period: string
  visits: Visit[]
  actions: Action[]
  history: FollowUpHistoryEntry[]
  updatedAt: string
}

export interface TrajectoryPoint {
  period: string
  /** filesWithBlinker / files over both regimes (the statistics' default, regime ALL); null without files. */
  rate: number | null
  files: number
  filesWithBlinker: number
}

export interface FollowUp extends StoredFollowUp {
  trajectory: TrajectoryPoint[]
  /** The latest rated period of the trajectory is under the 5 % target. */
  targetMet: boolean
}

/** The id pattern: FU- and a six-digit (or longer) sequence number. */
export const FOLLOW_UP_ID_PATTERN = '^FU-[0-9]{6,9}$'

export const formatFollowUpId = (n: number): string => `FU-${String(n).padStart(6, '0')}`

/**
 * The one rule for a status move: forward by exactly one step (OPEN → PLAN_AGREED → MONITORING →
 * CLOSED). The same status again is no move (accepted, nothing recorded). Returns false for any
 * backward move or skipped step.
 */
export function isAllowedMove(from: FollowUpStatus, to: FollowUpStatus): boolean {
  return FOLLOW_UP_STATUSES.indexOf(to) === FOLLOW_UP_STATUSES.indexOf(from) + 1
}
