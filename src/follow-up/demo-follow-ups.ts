/**
 * Follow-ups in the demo data set (seed section 6: the inspection visits the CPAS above 10 % and
 * agrees an improvement plan; the target is every CPAS under 5 %). In the earliest demo year a few
 * CPAS are above 10 %, and their rates fall over the following years:
 * - `improver`: down to its seed-year rate, under 5 % (target met): the plan worked;
 * - `partial`: down to its seed-year rate between 5 and 10 % (better, target not met yet);
 * - `stuck`: still above 10 % in the seed year (opened, nothing agreed yet).
 * Only the EARLIER years of the chosen CPAS are changed (their beneficiaries with a blinker), so
 * the seed year keeps the seed's exact figures. The follow-ups are then opened and moved through
 * the follow-up service, as the inspection would, once the blinkers are published.
 */
import type { EnvContext } from '../context.js'
import { REGIMES, type Regime } from '../domain/model.js'
import type { DemoCpas } from '../statistics/demo-plan.js'
import { openFollowUp, patchFollowUp, type PatchRequest } from './follow-up-service.js'
import { listOfCpas } from './follow-up-store.js'
import type { Finding, FollowUpStatus } from './model.js'

export type DemoRole = 'improver' | 'partial' | 'stuck'

export interface DemoFollowUp {
  kbo: string
  role: DemoRole
  /** The status the demo leaves it in. */
  status: FollowUpStatus
  /** Combined rate in the earliest year (the follow-up's period), before rounding. */
  startRate: number
}

/** How many of each, and the state each ends in (in plan order). */
const ROLES: readonly { role: DemoRole; statuses: FollowUpStatus[]; startRate: number }[] = [
  { role: 'improver', statuses: ['CLOSED', 'MONITORING', 'MONITORING'], startRate: 0.124 },
  { role: 'partial', statuses: ['MONITORING', 'PLAN_AGREED'], startRate: 0.134 },
  { role: 'stuck', statuses: ['OPEN'], startRate: 0.16 },
]

const combined = (c: DemoCpas, field: 'files' | 'withBlinker') => REGIMES.reduce((a, r) => a + c[field][r], 0)
const rateOf = (c: DemoCpas) => combined(c, 'withBlinker') / combined(c, 'files')

/** The CPAS the demo follows up, chosen by their seed-year rate (deterministic: plan order). */
export function chooseDemoFollowUps(base: readonly DemoCpas[]): DemoFollowUp[] {
  const fits: Record<DemoRole, (r: number) => boolean> = { improver: (r) => r > 0.02 && r < 0.045, partial: (r) => r > 0.07 && r < 0.095, stuck: (r) => r > 0.11 && r < 0.15 }
  const out: DemoFollowUp[] = []
  for (const { role, statuses, startRate } of ROLES) {
    const picked = base.filter((c) => combined(c, 'files') >= 200 && fits[role](rateOf(c))).slice(0, statuses.length)
    picked.forEach((c, i) => out.push({ kbo: c.kbo, role, status: statuses[i] as FollowUpStatus, startRate }))
  }
  return out
}

/**
 * The years' plans with the chosen CPAS's earlier years set on a falling line: `startRate` in the
 * earliest year, then straight down to the seed-year rate (the last year, left as it is).
 */
export function withFallingRates(years: readonly (readonly [number, DemoCpas[]])[], chosen: readonly DemoFollowUp[], seedYear: number): [number, DemoCpas[]][] {
  const sorted = [...years].map(([y]) => y).sort((a, b) => a - b)
  const first = sorted[0] as number
  const base = years.find(([y]) => y === seedYear)?.[1] ?? []
  const byKbo = new Map(chosen.map((c) => [c.kbo, c]))
  return years.map(([year, plan]) => {
    if (year >= seedYear || first >= seedYear) return [year, plan]
    const share = (year - first) / (seedYear - first)
    return [
      year,
      plan.map((c) => {
        const fu = byKbo.get(c.kbo)
        const last = base.find((b) => b.kbo === c.kbo)
        if (!fu || !last) return c
        // Never below the seed-year rate: the line always falls.
        const start = Math.max(fu.startRate, rateOf(last) + 0.02)
        const rate = start + (rateOf(last) - start) * share
        const withBlinker = {} as Record<Regime, number>
        for (const r of REGIMES) withBlinker[r] = Math.min(c.files[r], Math.round(c.files[r] * rate))
        return { ...c, withBlinker }
      }),
    ]
  })
}

const VISIT_FINDINGS: readonly Finding[][] = [
  ['FORM_B_PARTNER_INCOME_MISSING', 'EX_PARTNER_ON_FORM'],
  ['ISP_EXEMPTION_NOT_DECLARED', 'BLINKERS_NOT_PROCESSED'],
  ['FORM_INCOME_NOT_UPDATED', 'FLOW_DATA_LATE'],
]
const ACTIONS = [
  { text: "Complete form B with the partner's income at every review", owner: 'Social service' },
  { text: 'Declare the ISP exemption on form B for employment income under it', owner: 'Social service' },
  { text: 'Remove ex-partners from open forms B', owner: 'Administration' },
  { text: 'Examine every blinker within the month and send the cancellation codes', owner: 'Head of the social service' },
]

/** The changes the demo makes to one follow-up, in order, up to its final status. */
export function demoChanges(fu: DemoFollowUp, index: number, firstYear: number): PatchRequest[] {
  const steps: PatchRequest[] = []
  if (fu.status === 'OPEN') return steps
  const y = firstYear + 1
  steps.push({
    visits: [{ date: `${y}-0${1 + (index % 8)}-1${index % 10}`, inspector: 'Inspector Claes', findings: VISIT_FINDINGS[index % VISIT_FINDINGS.length] as Finding[], notes: 'On-site analysis of twenty files with a blinker.' }],
    actions: [0, 1, 2].map((k) => ({ ...(ACTIONS[(index + k) % ACTIONS.length] as { text: string; owner: string }), dueDate: `${y}-12-31` })),
    status: 'PLAN_AGREED',
  })
  if (fu.status === 'PLAN_AGREED') return steps
  steps.push({ status: 'MONITORING' })
  if (fu.status === 'MONITORING') return steps
  steps.push({ visits: [{ date: `${y + 1}-06-15`, inspector: 'Inspector Claes', findings: [], notes: 'Follow-up visit: the plan is carried out.' }], status: 'CLOSED' })
  return steps
}

/** Opens and moves the demo follow-ups; a CPAS that already has one is left alone (idempotent). */
export async function loadDemoFollowUps(ctx: EnvContext, by: string, chosen: readonly DemoFollowUp[], firstYear: number): Promise<number> {
  let opened = 0
  for (const [i, fu] of chosen.entries()) {
    if ((await listOfCpas(ctx.redis, ctx.keys, fu.kbo)).length > 0) continue
    const reason = `Above 10 % of files with a blinker in ${firstYear}: on-site analysis (demo)`
    const doc = await openFollowUp(ctx, fu.kbo, { reason, period: String(firstYear) }, by)
    let current = doc
    for (const step of demoChanges(fu, i, firstYear)) {
      // Mark the plan's first action done once monitoring (the second step), as the CPAS would report.
      const patch = step.status === 'MONITORING' && current.actions[0] ? { ...step, actions: [{ id: current.actions[0].id, done: true }] } : step
      current = await patchFollowUp(ctx, fu.kbo, doc.id, patch, by)
    }
    opened++
  }
  return opened
}
