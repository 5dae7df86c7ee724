/**
 * Realistic test blinkers for the acceptance sandbox: valid identifiers (NISS of people born in
 * the 1900s and from 2000 on, bis numbers; employers' KBO with their mod-97), every flow with a
 * finding that reads like the back office's, periods in the last months. Ids come from a counter
 * the caller owns (sandbox-service.ts) in the reserved range CLI-YYYY-9xxxxxxxx, so they never
 * collide with the publisher's sequence. Pure: the random source is a parameter (tests use a
 * seeded one and check every output against the published schema).
 */
import type { Blinker, Flow, Regime } from '../domain/model.js'
import { FLOWS } from '../domain/model.js'

/** A source of numbers in [0, 1); default Math.random. */
export type Random = () => number

const FIRST_NAMES = ['Marie', 'Jean', 'Fatima', 'Mohamed', 'Sofie', 'Pieter', 'Aïcha', 'Luc', 'Emma', 'Noah', 'Inès', 'Jonas', 'Léa', 'Youssef', 'Anke']
const LAST_NAMES = ['Dupont', 'Peeters', 'Janssens', 'El Amrani', 'Maes', 'Lambert', 'Dubois', 'Claes', 'Nguyen', 'Willems', 'Diallo', 'Goossens', 'Martin', 'Öztürk']

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
const pad = (n: number, width: number): string => String(n).padStart(width, '0')
const mod97 = (digits: string): number => Number(BigInt(digits) % 97n)

/** A valid enterprise number (0200000000–0299999999 range, as CPAS and employers have). */
export function randomKbo(random: Random): string {
  const base = `02${pad(int(random, 0, 999_999), 6)}`
  return `${base}${pad(97 - mod97(base), 2)}`
}

export type NissKind = 'born-1900s' | 'born-2000s' | 'bis'

/**
 * A valid NISS: YYMMDD + sequence (odd = man, even = woman) + check. Born from 2000 on, the check
 * is computed with a 2 in front (contract section 2). A bis number adds 20 (sex unknown) or 40
 * (sex known) to the month.
 */
export function randomNiss(random: Random, kind: NissKind): string {
  const year = kind === 'born-2000s' ? int(random, 2000, 2007) : int(random, 1950, 1999)
  const month = int(random, 1, 12)
  const day = int(random, 1, 28)
  const bisMonth = kind === 'bis' ? month + (random() < 0.5 ? 20 : 40) : month
  const base = `${pad(year % 100, 2)}${pad(bisMonth, 2)}${pad(day, 2)}${pad(int(random, 1, 997), 3)}`
  const check = 97 - mod97(year >= 2000 ? `2${base}` : base)
  return `${base}${pad(check, 2)}`
}

interface FlowFinding {
  description: (month: string) => string
  /** Amount range in euro cents, or undefined when the flow carries none. */
  cents?: [number, number]
  /** The finding names a source enterprise (employer, fund). */
  source: boolean
}

/** What each flow's crossing typically reports (the back office's wording, shortened). */
const FINDINGS: Readonly<Record<Flow, FlowFinding>> = {
  FAMILY_ALLOWANCES: { description: (m) => `Family allowances paid for ${m} not on form B`, cents: [15_000, 60_000], source: true },
  UNEMPLOYMENT: { description: (m) => `Unemployment benefit paid for ${m} (payment institution)`, cents: [40_000, 150_000], source: true },
  WORK_INCOME_DIMONA: { description: (m) => `Dimona declaration: employment started in ${m}`, cents: [50_000, 250_000], source: true },
  WORK_INCOME_DMFA: { description: (m) => `DmfA quarterly declaration: wages for ${m}`, cents: [80_000, 300_000], source: true },
  PENSION: { description: (m) => `Pension paid for ${m} (Cadastre des pensions)`, cents: [60_000, 180_000], source: true },
  CADASTRAL_INCOME: { description: () => 'Cadastral income of a second property (FPS Finance, patrimonial documentation)', cents: [50_000, 400_000], source: false },
  INSURABILITY: { description: (m) => `Insurability record: sickness fund membership changed in ${m}`, source: false },
  DISABILITY_ALLOWANCES: { description: (m) => `Disability allowance paid for ${m} (DG Persons with disabilities)`, cents: [30_000, 120_000], source: true },
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10)

/** First and last day of the month `back` months before `now` (UTC). */
function monthPeriod(now: Date, back: number): { start: string; end: string; label: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0))
  return { start: isoDate(start), end: isoDate(end), label: start.toISOString().slice(0, 7) }
}

/** The reserved sandbox id of sequence number `seq` (≥ 1): CLI-YYYY-9 + 8 digits. */
export const sandboxBlinkerId = (year: number, seq: number): string => `CLI-${year}-9${pad(seq % 100_000_000, 8)}`

export const SANDBOX_ID = /^CLI-[0-9]{4}-9[0-9]{8}$/

export interface GenerateOptions {
  cpasKbo: string
  /** Sequence numbers to use, one per blinker (from the sandbox counter). */
  seqs: readonly number[]
  /** Flows drawn in turn; default every flow. */
  flows?: readonly Flow[]
  /** Default Math.random. */
  random?: Random
  /** Default now. */
  now?: Date
}

/** One blinker per sequence number, cycling through the flows and the three kinds of NISS. */
export function generateBlinkers(opts: GenerateOptions): Blinker[] {
  const random = opts.random ?? Math.random
  const now = opts.now ?? new Date()
  const flows = opts.flows && opts.flows.length > 0 ? opts.flows : FLOWS
  const kinds: NissKind[] = ['born-1900s', 'born-2000s', 'bis']
  return opts.seqs.map((seq, i) => {
    const flow = flows[i % flows.length] as Flow
    const regime: Regime = random() < 0.75 ? 'DIS' : 'LAW_1965'
    const period = monthPeriod(now, int(random, 1, 5))
    const finding = FINDINGS[flow]
    const blinker: Blinker = {
      blinkerId: sandboxBlinkerId(now.getUTCFullYear(), seq),
      cpasKbo: opts.cpasKbo,
      regime,
      beneficiary: { niss: randomNiss(random, kinds[i % kinds.length] as NissKind), lastName: pick(random, LAST_NAMES), firstName: pick(random, FIRST_NAMES) },
      form: { type: 'B', reference: `B-${period.start.slice(0, 4)}-${pad(int(random, 1, 99_999), 5)}`, periodStart: period.start, periodEnd: period.end },
      flow,
      finding: { periodStart: period.start, periodEnd: period.end, description: finding.description(period.label) },
      detectedAt: now.toISOString(),
    }
    if (finding.cents) blinker.finding.amountCents = int(random, finding.cents[0], finding.cents[1])
    if (finding.source) blinker.finding.sourceKbo = randomKbo(random)
    // Insertion order of finding fields must follow the schema/XSD order for a tidy document.
    const { periodStart, periodEnd, amountCents, sourceKbo, description } = blinker.finding
    blinker.finding = { periodStart, periodEnd, ...(amountCents !== undefined ? { amountCents } : {}), ...(sourceKbo ? { sourceKbo } : {}), description }
    return blinker
  })
}

/** A valid enterprise number (mod-97, 01… range: no CPAS of the demo) that none of `served` is. */
export function unservedKbo(served: readonly string[]): string {
  for (let n = 1; ; n++) {
    const base = `01${pad(n, 6)}`
    const kbo = `${base}${pad(97 - mod97(base), 2)}`
    if (!served.includes(kbo)) return kbo
  }
}
