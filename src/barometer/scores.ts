/**
 * Scores of one evaluation of one party, from its measured values and the thresholds file: pure,
 * so the tests judge it against the file alone.
 *
 * An indicator is NOT_APPLICABLE, with the reason, when it does not apply to the party's kind
 * (`notForKind`: the recap rows of an Excel-list CPAS are not a software house's), when its domain
 * judges approved software houses only and the party is not approved (`approvedOnly`), when there
 * is no value (`noValue`), or when its count n is below the file's minN (`smallN`: no verdict on
 * three messages). Otherwise GOOD / LESS_GOOD / BAD by its bounds. A domain scores by its rule
 * (worst by default) over its applicable indicators; with none it is NOT_APPLICABLE too.
 * Indicators that need a whole year processed (the cross-checks) are `provisional` until the
 * cycle has ended.
 */
import { domainVerdict, verdictOf, VERDICTS, type Score, type Thresholds, type Verdict } from './thresholds.js'

export type PartyKind = 'softwareHouse' | 'excelCpas'
export const NA_REASONS = ['notForKind', 'approvedOnly', 'noValue', 'smallN'] as const
export type NaReason = (typeof NA_REASONS)[number]
export const TRENDS = ['IMPROVED', 'WORSENED', 'UNCHANGED'] as const
export type Trend = (typeof TRENDS)[number]

/** What scoring needs of an indicator's definition (INDICATORS of indicators.ts). */
export interface IndicatorDef {
  indicator: string
  domain: string
  unit: 'share' | 'days'
  needsFullYear: boolean
  appliesTo: readonly PartyKind[]
}

export interface MeasuredValue {
  indicator: string
  value: number | null
  n: number
}

export interface IndicatorScore {
  indicator: string
  value: number | null
  n: number
  score: Score
  unit: 'share' | 'days'
  /** Why NOT_APPLICABLE (absent otherwise). */
  reason?: NaReason
  /** Needs a whole year processed and the cycle has not ended: the verdict may still change. */
  provisional?: true
  /** Against the previous evaluation of the cycle (absent for the first, or when either is NOT_APPLICABLE). */
  trend?: Trend
}

export interface DomainScore {
  domain: string
  score: Score
  reason?: NaReason
  indicators: IndicatorScore[]
  trend?: Trend
}

export interface PartyStanding {
  kind: PartyKind
  approved: boolean
}

function scoreIndicator(def: IndicatorDef, m: MeasuredValue | undefined, party: PartyStanding, approvedOnly: boolean, th: Thresholds, final: boolean): IndicatorScore {
  const value = m?.value ?? null
  const n = m?.n ?? 0
  const out: IndicatorScore = { indicator: def.indicator, value, n, score: 'NOT_APPLICABLE', unit: def.unit }
  if (def.needsFullYear && !final) out.provisional = true
  const limits = th.indicators[def.indicator]
  let reason: NaReason | undefined
  if (!def.appliesTo.includes(party.kind)) reason = 'notForKind'
  else if (approvedOnly && !party.approved) reason = 'approvedOnly'
  else if (value === null || !Number.isFinite(value) || !limits) reason = 'noValue'
  else if (n < limits.minN) reason = 'smallN'
  if (reason || !limits || value === null) return { ...out, reason: reason ?? 'noValue' }
  return { ...out, score: verdictOf(value, limits) }
}

/** The domains of one evaluation, in the order of `domains`, each with its indicators in definition order. */
export function scoreEvaluation(defs: readonly IndicatorDef[], domains: readonly string[], values: readonly MeasuredValue[], party: PartyStanding, th: Thresholds, final: boolean): DomainScore[] {
  const byId = new Map(values.map((v) => [v.indicator, v]))
  return domains.map((domain) => {
    const rule = th.domains[domain] ?? { rule: 'worst' as const }
    const indicators = defs.filter((d) => d.domain === domain).map((d) => scoreIndicator(d, byId.get(d.indicator), party, rule.approvedOnly === true, th, final))
    const verdicts = indicators.map((i) => i.score).filter((s): s is Verdict => s !== 'NOT_APPLICABLE')
    if (verdicts.length > 0) return { domain, score: domainVerdict(verdicts, rule), indicators }
    // Every indicator NOT_APPLICABLE for one reason: the domain says it; for mixed reasons, the first.
    const reason = indicators.find((i) => i.reason)?.reason ?? 'noValue'
    return { domain, score: 'NOT_APPLICABLE' as const, reason, indicators }
  })
}

/** The way a score moved: a lower rank is better. Undefined when either side is NOT_APPLICABLE. */
export function trendOf(now: Score, before: Score | undefined): Trend | undefined {
  if (before === undefined || now === 'NOT_APPLICABLE' || before === 'NOT_APPLICABLE') return undefined
  const a = VERDICTS.indexOf(now)
  const b = VERDICTS.indexOf(before)
  return a < b ? 'IMPROVED' : a > b ? 'WORSENED' : 'UNCHANGED'
}

/** Sets `trend` on every domain and indicator of `current` against `previous` (same shape). */
export function withTrend(current: DomainScore[], previous: readonly DomainScore[] | undefined): DomainScore[] {
  if (!previous) return current
  const before = new Map(previous.map((d) => [d.domain, d]))
  return current.map((d) => {
    const p = before.get(d.domain)
    const indicators = d.indicators.map((i) => {
      const trend = trendOf(i.score, p?.indicators.find((x) => x.indicator === i.indicator)?.score)
      return trend ? { ...i, trend } : i
    })
    const trend = trendOf(d.score, p?.score)
    return { ...d, indicators, ...(trend && { trend }) }
  })
}
