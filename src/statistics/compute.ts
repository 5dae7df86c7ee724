/**
 * The inspection's figures for one period (contract section 8), from the raw counters: a pure
 * function, so the route, the dashboard and the tests compute alike.
 *
 * Definitions (README "Statistics"):
 * - a file (dossier) is one beneficiary's file in one regime; `files` are the denominators the back
 *   office PUTs; `filesWithBlinker` = distinct beneficiaries with at least one blinker in the period;
 * - regime `ALL` (the default, the seed's chart) adds both regimes per CPAS: files = DIS + LAW_1965,
 *   filesWithBlinker = the two distinct counts added (a person with a file in each regime has two
 *   files);
 * - `rate` = filesWithBlinker / files; `blinkersPer100Files` = 100 × blinkers / files; a CPAS without
 *   files for the period has no rate: it is listed in `missingFiles`, not in the distribution;
 * - bands: target = rate < 5 %; `between5And10` = 5 % ≤ rate ≤ 10 %; `above10` = rate > 10 %
 *   (on-site inspection); quartiles by nearest rank (quartiles.ts);
 * - decisions (decisions.ts): per flow the accepted and refused cancellations (UNJUSTIFIED codes)
 *   and their shares of the decided ones; per code the accepted and refused decisions.
 */
import { feedbackCode } from '../domain/feedback-codes.js'
import { FLOWS, REGIMES, type Flow, type Regime } from '../domain/model.js'
import type { EnvParties } from '../parties/parties.js'
import type { PeriodCounts } from '../store/statistics-store.js'
import { addDecisions, type CodeDecisions, type FlowDecisions } from './decisions.js'
import { distribution, type Distribution } from './quartiles.js'

export const TARGET_RATE = 0.05
export const INSPECTION_RATE = 0.1
/** The seed's statements: shares of CPAS under 5 %, 7 % and 10 %. */
export const SHARE_THRESHOLDS = [0.05, 0.07, 0.1] as const

export type RegimeFilter = Regime | 'ALL'

export interface Totals {
  cpas: number
  files: number
  filesWithBlinker: number
  blinkers: number
  rate: number | null
  blinkersPer100Files: number | null
}

export interface CpasRate {
  cpasKbo: string
  name?: string
  /** `electronic`: a software house serves it (parties); `excel`: monthly and recap lists. */
  channel: 'electronic' | 'excel'
  softwareHouse?: string
  files: number
  filesWithBlinker: number
  blinkers: number
  rate: number | null
  blinkersPer100Files: number | null
}

export interface FlowShare extends FlowDecisions {
  flow: Flow
  justified: number
  unjustified: number
  total: number
  /** unjustified / total; null without feedback. */
  unjustifiedShare: number | null
}

export interface CodeCount extends CodeDecisions {
  code: number
  kind: 'JUSTIFIED' | 'UNJUSTIFIED' | 'UNKNOWN'
  count: number
  perFlow: Partial<Record<Flow, number>>
}

/** The counters of a period, with its decisions when read (decision-stats.ts). */
export interface ReportCounts extends PeriodCounts {
  /** `{regime}|{flow}|{code}|{ACCEPTED|REFUSED}` → decisions; absent: none counted. */
  decisions?: Map<string, number>
}

export interface StatisticsReport {
  period: string
  regime: RegimeFilter
  thresholds: { target: number; inspection: number }
  totals: Totals
  perRegime: (Totals & { regime: Regime })[]
  distribution: Distribution
  withoutBlinker: string[]
  above10: CpasRate[]
  between5And10: CpasRate[]
  missingFiles: string[]
  cpas: CpasRate[]
  feedback: { perFlow: FlowShare[]; perCode: CodeCount[] }
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null)

const noFlowDecisions = (): FlowDecisions => ({ cancellationsAccepted: 0, cancellationsRefused: 0, cancellationsDecided: 0, acceptedShare: null, refusedShare: null })

const newCode = (code: number): CodeCount => ({ code, kind: feedbackCode(code)?.kind ?? 'UNKNOWN', count: 0, perFlow: {}, accepted: 0, refused: 0, decided: 0, acceptedShare: null, refusedShare: null })

function totalsOf(rows: readonly CpasRate[]): Totals {
  const counted = rows.filter((r) => r.files > 0)
  const files = counted.reduce((a, r) => a + r.files, 0)
  const filesWithBlinker = counted.reduce((a, r) => a + r.filesWithBlinker, 0)
  const blinkers = counted.reduce((a, r) => a + r.blinkers, 0)
  const per100 = ratio(blinkers * 100, files)
  return { cpas: counted.length, files, filesWithBlinker, blinkers, rate: ratio(filesWithBlinker, files), blinkersPer100Files: per100 }
}

/** Per CPAS rows for some regimes, every CPAS that has files or blinkers in them, by KBO. */
function cpasRows(counts: PeriodCounts, regimes: readonly Regime[], parties: Pick<EnvParties, 'knownCpas'>): CpasRate[] {
  const kbos = new Set<string>()
  for (const map of [counts.files, counts.withBlinker, counts.blinkers]) {
    for (const field of map.keys()) {
      const [regime, kbo] = field.split(':') as [string, string]
      if ((regimes as readonly string[]).includes(regime)) kbos.add(kbo)
    }
  }
  return [...kbos].sort().map((kbo) => {
    const sum = (map: Map<string, number>) => regimes.reduce((a, regime) => a + (map.get(`${regime}:${kbo}`) ?? 0), 0)
    const files = sum(counts.files)
    const filesWithBlinker = sum(counts.withBlinker)
    const blinkers = sum(counts.blinkers)
    const known = parties.knownCpas.get(kbo)
    const row: CpasRate = {
      cpasKbo: kbo,
      channel: known?.servedBy ? 'electronic' : 'excel',
      files,
      filesWithBlinker,
      blinkers,
      rate: ratio(filesWithBlinker, files),
      blinkersPer100Files: ratio(blinkers * 100, files),
    }
    if (known?.name) row.name = known.name
    if (known?.servedBy) row.softwareHouse = known.servedBy
    return row
  })
}

function feedbackShares(counts: ReportCounts, regimes: readonly Regime[]): StatisticsReport['feedback'] {
  const perFlow = new Map<Flow, FlowShare>(FLOWS.map((flow) => [flow, { flow, justified: 0, unjustified: 0, total: 0, unjustifiedShare: null, ...noFlowDecisions() }]))
  const perCode = new Map<number, CodeCount>()
  for (const [field, n] of counts.feedback) {
    const [regime, flow, codeText] = field.split('|') as [Regime, Flow, string]
    if (!regimes.includes(regime)) continue
    const code = Number(codeText)
    const kind = feedbackCode(code)?.kind ?? 'UNKNOWN'
    const share = perFlow.get(flow)
    if (share) {
      if (kind === 'JUSTIFIED') share.justified += n
      else if (kind === 'UNJUSTIFIED') share.unjustified += n
      share.total += n
    }
    const c = perCode.get(code) ?? newCode(code)
    c.count += n
    c.perFlow[flow] = (c.perFlow[flow] ?? 0) + n
    perCode.set(code, c)
  }
  for (const s of perFlow.values()) s.unjustifiedShare = ratio(s.unjustified, s.total)
  addDecisions(counts.decisions, regimes, perFlow, perCode, newCode)
  return { perFlow: [...perFlow.values()], perCode: [...perCode.values()].sort((a, b) => a.code - b.code) }
}

const byRateDesc = (a: CpasRate, b: CpasRate) => (b.rate ?? 0) - (a.rate ?? 0) || a.cpasKbo.localeCompare(b.cpasKbo)

export function computeStatistics(period: string, regime: RegimeFilter, counts: ReportCounts, parties: Pick<EnvParties, 'knownCpas'>): StatisticsReport {
  const regimes: readonly Regime[] = regime === 'ALL' ? REGIMES : [regime]
  const cpas = cpasRows(counts, regimes, parties)
  const rated = cpas.filter((c): c is CpasRate & { rate: number } => c.rate !== null)
  return {
    period,
    regime,
    thresholds: { target: TARGET_RATE, inspection: INSPECTION_RATE },
    totals: totalsOf(cpas),
    perRegime: REGIMES.map((r) => ({ regime: r, ...totalsOf(cpasRows(counts, [r], parties)) })),
    distribution: distribution(
      rated.map((c) => c.rate),
      SHARE_THRESHOLDS,
    ),
    withoutBlinker: rated.filter((c) => c.filesWithBlinker === 0).map((c) => c.cpasKbo),
    above10: rated.filter((c) => c.rate > INSPECTION_RATE).sort(byRateDesc),
    between5And10: rated.filter((c) => c.rate >= TARGET_RATE && c.rate <= INSPECTION_RATE).sort(byRateDesc),
    missingFiles: cpas.filter((c) => c.rate === null).map((c) => c.cpasKbo),
    cpas,
    feedback: feedbackShares(counts, regimes),
  }
}
