/**
 * The barometer (contract 9): per party, per cycle, the domains and indicators scored against the
 * thresholds file, with the trend against the previous evaluation of the cycle.
 *
 * Reads only D1's write-time counters through measureParty (no scan): the list measures each
 * party twice (the latest evaluation and the one before, for the trend), one party's barometer
 * once per evaluation of the cycle (at most four plus none: the drill-down's history).
 */
import type { EnvContext } from '../context.js'
import { GatewayError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { approvedAmong, type ProductionIds } from './approval.js'
import { evaluationsOf, type Cycle, type Evaluation } from './cycles.js'
import { BAROMETER_DOMAINS, INDICATORS, measuredParties, measureParty } from './indicators.js'
import { scoreEvaluation, withTrend, type DomainScore, type PartyKind } from './scores.js'
import { checkThresholds, readThresholds, type Thresholds } from './thresholds.js'

export interface EvaluationView {
  id: string
  end: string
  complete: boolean
}

export interface CycleView {
  id: string
  start: string
  end: string
  final: boolean
  /** The latest evaluation's moment (the cycle's end once final). */
  asOf: string
  evaluations: EvaluationView[]
}

export interface EvaluationScores extends EvaluationView {
  domains: DomainScore[]
}

export interface PartyBarometer {
  partyId: string
  kind: PartyKind
  approved: boolean
  /** The evaluation `domains` are of (the latest of the cycle). */
  evaluation: string
  domains: DomainScore[]
  /** Every evaluation of the cycle, oldest first (one party's barometer only). */
  evaluations?: EvaluationScores[]
}

export interface BarometerList {
  cycle: CycleView
  thresholdsVersion: string
  thresholdsStatus: Thresholds['status']
  parties: PartyBarometer[]
}

export interface BarometerDeps {
  thresholds: Thresholds
  productionIds: ProductionIds
}

/** The published thresholds, checked against the measured indicators (throws at start when wrong). */
export function loadCheckedThresholds(path?: string): Thresholds {
  return checkThresholds(readThresholds(path), INDICATORS, BAROMETER_DOMAINS)
}

export function cycleView(cycle: Cycle, evaluations: readonly Evaluation[]): CycleView {
  const last = evaluations.at(-1)
  return {
    id: cycle.id,
    start: cycle.start,
    end: cycle.end,
    final: cycle.final,
    asOf: (last?.asOf ?? new Date(`${cycle.start}T00:00:00Z`)).toISOString(),
    evaluations: evaluations.map((e) => ({ id: e.id, end: e.end, complete: e.complete })),
  }
}

interface Measured {
  partyId: string
  kind: PartyKind
}

async function scoreAt(ctx: EnvContext, deps: BarometerDeps, party: Measured, approved: boolean, cycle: Cycle, e: Evaluation): Promise<DomainScore[]> {
  const values = await measureParty(ctx, party.partyId, e.window, e.asOf)
  return scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, values, { kind: party.kind, approved }, deps.thresholds, cycle.final && e.complete)
}

/** Every measured party of the environment: software houses first, then the Excel-list CPAS, by id. */
function partiesOf(ctx: EnvContext): Measured[] {
  const order = (k: PartyKind) => (k === 'softwareHouse' ? 0 : 1)
  return measuredParties(ctx).sort((a, b) => order(a.kind) - order(b.kind) || a.partyId.localeCompare(b.partyId))
}

/** GET /v1/barometer: every party's latest evaluation with its trend. */
export async function barometerList(ctx: EnvContext, deps: BarometerDeps, cycle: Cycle, now: Date): Promise<BarometerList> {
  const evaluations = evaluationsOf(cycle, now)
  const parties = partiesOf(ctx)
  const approved = await approvedAmong(ctx, parties.filter((p) => p.kind === 'softwareHouse').map((p) => p.partyId), deps.productionIds)
  const latest = evaluations.at(-1) as Evaluation
  const previous = evaluations.at(-2)
  const out = await Promise.all(
    parties.map(async (p): Promise<PartyBarometer> => {
      const isApproved = approved.has(p.partyId)
      const [current, before] = await Promise.all([scoreAt(ctx, deps, p, isApproved, cycle, latest), previous ? scoreAt(ctx, deps, p, isApproved, cycle, previous) : undefined])
      return { partyId: p.partyId, kind: p.kind, approved: isApproved, evaluation: latest.id, domains: withTrend(current, before) }
    }),
  )
  return { cycle: cycleView(cycle, evaluations), thresholdsVersion: deps.thresholds.version, thresholdsStatus: deps.thresholds.status, parties: out }
}

/**
 * Scoping of one party's barometer: the inspection reads any; a software house its own id only
 * (another: 403 GW_ERR_FORBIDDEN_ROLE, before looking the id up, so it learns nothing of others).
 */
export function requireOwnBarometer(caller: Party, partyId: string): void {
  if (caller.role === 'inspection') return
  if (caller.role === 'software-house' && caller.id === partyId) return
  throw new GatewayError('GW_ERR_FORBIDDEN_ROLE', caller.role === 'software-house' ? `A software house reads its own barometer only (${caller.id})` : `Role ${caller.role} may not read a barometer`)
}

/** GET /v1/barometer/{partyId}: the party's latest evaluation with its trend, and every evaluation of the cycle. */
export async function partyBarometer(ctx: EnvContext, deps: BarometerDeps, partyId: string, cycle: Cycle, now: Date): Promise<PartyBarometer & { cycle: CycleView; thresholdsVersion: string }> {
  const party = partiesOf(ctx).find((p) => p.partyId === partyId)
  if (!party) throw new GatewayError('GW_ERR_NOT_FOUND', `No measured party of that id in ${ctx.env}: a software house's party id, or excel:{kbo} for a CPAS on Excel lists`)
  const approved = party.kind === 'softwareHouse' && (await approvedAmong(ctx, [partyId], deps.productionIds)).has(partyId)
  const evaluations = evaluationsOf(cycle, now)
  const scored = await Promise.all(evaluations.map((e) => scoreAt(ctx, deps, party, approved, cycle, e)))
  const history: EvaluationScores[] = evaluations.map((e, i) => ({ id: e.id, end: e.end, complete: e.complete, domains: withTrend(scored[i] as DomainScore[], scored[i - 1]) }))
  const latest = history.at(-1) as EvaluationScores
  return { partyId, kind: party.kind, approved, evaluation: latest.id, domains: latest.domains, evaluations: history, cycle: cycleView(cycle, evaluations), thresholdsVersion: deps.thresholds.version }
}
