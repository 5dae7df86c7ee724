/**
 * The barometer's measuring half (issue 20): the indicators, the same for every party, and their
 * values over a window of whole half-years, read from the write-time counters
 * (src/store/barometer-counters.ts, src/barometer/counters-*.ts) — a handful of HGETALLs and
 * ZCOUNTs per party, never a walk over blinkers or messages. Scores, cycles and pages are built on
 * top of this (the rest of src/barometer/).
 *
 * Each indicator is a ratio `value` with its denominator `n` (unit `share`, 0..1), or a duration
 * in days with `n` = the durations counted (unit `days`); `value` is null when `n` is 0. The
 * definitions, one per indicator, are in INDICATORS' `definition` and in the README.
 */
import type { EnvContext } from '../context.js'
import { bucketsOf, addBuckets, quantileMs, BUCKET_COUNT } from '../store/duration-histogram.js'
import { baroHalfKey, baroPendingKey, GRACE_MS, type PendingCheck } from '../store/barometer-counters.js'
import { blinkerIndexKey } from '../store/blinker-index.js'
import { flushBufferedCounts } from './counters-buffer.js'

export const BAROMETER_DOMAINS = ['technical', 'silent', 'timeliness', 'systemicPriority', 'systemicNonPriority', 'crossChecks'] as const
export type BarometerDomain = (typeof BAROMETER_DOMAINS)[number]

export type PartyKind = 'softwareHouse' | 'excelCpas'

export interface IndicatorDefinition {
  indicator: string
  domain: BarometerDomain
  unit: 'share' | 'days'
  /** Only meaningful once a whole year has been processed (the cross-checks): provisional before. */
  needsFullYear: boolean
  appliesTo: readonly PartyKind[]
  /** What is counted, in one sentence (English; the pages carry their own texts). */
  definition: string
}

const BOTH: readonly PartyKind[] = ['softwareHouse', 'excelCpas']
const SH: readonly PartyKind[] = ['softwareHouse']
const XL: readonly PartyKind[] = ['excelCpas']

export const INDICATORS: readonly IndicatorDefinition[] = [
  { indicator: 'refusedRequests', domain: 'technical', unit: 'share', needsFullYear: false, appliesTo: SH, definition: "Feedback messages (and whole requests) of the party refused for format, schema, XSD, checksum, media type, WS-Security or environment errors, over its feedback messages plus those refused requests." },
  { indicator: 'recapRowsRejected', domain: 'technical', unit: 'share', needsFullYear: false, appliesTo: XL, definition: 'Rows of the CPAS recap lists rejected at import, over the rows read.' },
  { indicator: 'notAcknowledged7d', domain: 'silent', unit: 'share', needsFullYear: false, appliesTo: SH, definition: 'Blinkers delivered (pulled or pushed) that were not acknowledged within 7 days (late, or still waiting), over the blinkers delivered whose 7 days are over.' },
  { indicator: 'noFeedback60d', domain: 'silent', unit: 'share', needsFullYear: false, appliesTo: BOTH, definition: 'Blinkers still without any feedback 60 days after publication (late, or still waiting), over the blinkers published whose 60 days are over.' },
  { indicator: 'mailboxNotPolled7d', domain: 'silent', unit: 'share', needsFullYear: false, appliesTo: SH, definition: "Blinkers that sat in the CPAS's mailbox more than 7 days before a poll (or a push) delivered them — the mailbox held them and was not read for 7 days — over the blinkers published whose 7 days are over." },
  { indicator: 'pushDeadLettered', domain: 'silent', unit: 'share', needsFullYear: false, appliesTo: SH, definition: "Push deliveries to the party's webhook that were dead-lettered, over the push deliveries that ended (delivered or dead-lettered)." },
  { indicator: 'deliveryToFeedbackMedian', domain: 'timeliness', unit: 'days', needsFullYear: false, appliesTo: SH, definition: "Median time from a blinker's delivery to its first feedback, in days (bucket precision); n = first feedbacks counted." },
  { indicator: 'deliveryToFeedbackP90', domain: 'timeliness', unit: 'days', needsFullYear: false, appliesTo: SH, definition: "90th percentile of the time from a blinker's delivery to its first feedback, in days (bucket precision); n = first feedbacks counted." },
  { indicator: 'cancellationsRefused', domain: 'systemicPriority', unit: 'share', needsFullYear: false, appliesTo: BOTH, definition: "Cancellations (unjustified feedback) the inspection refused, over the inspection's decisions on cancellations." },
  { indicator: 'codeNotValidForFlow', domain: 'systemicPriority', unit: 'share', needsFullYear: false, appliesTo: BOTH, definition: "Feedback messages refused because the code is not valid for the blinker's flow, over those messages plus the feedback stored." },
  { indicator: 'other999Share', domain: 'systemicNonPriority', unit: 'share', needsFullYear: false, appliesTo: BOTH, definition: 'Cancellations with code 999 ("other"), over all cancellations stored.' },
  { indicator: 'replacedAfterRefusal', domain: 'systemicNonPriority', unit: 'share', needsFullYear: false, appliesTo: BOTH, definition: 'Feedback sent on a blinker reopened by a refusal (it replaces the refused one), over all feedback stored.' },
  { indicator: 'unjustifiedThenFormD', domain: 'crossChecks', unit: 'share', needsFullYear: true, appliesTo: BOTH, definition: 'Blinkers that had an unjustified cancellation and were then resolved by a form D (the money was due after all), over the blinkers closed after a cancellation.' },
  { indicator: 'code2WithoutFormD6m', domain: 'crossChecks', unit: 'share', needsFullYear: true, appliesTo: BOTH, definition: 'Blinkers answered with code 2 (recovery decided) that got no form D within 6 months (closed otherwise, late, or still waiting), over the code-2 blinkers whose 6 months are over.' },
]

export interface IndicatorValue {
  indicator: string
  domain: BarometerDomain
  value: number | null
  n: number
}

/** Excel-list CPAS are measured as one intermediary each, under this id prefix. */
export const EXCEL_PARTY_PREFIX = 'excel:'

/** The parties the barometer measures in this environment: software houses, and Excel-list CPAS as `excel:{kbo}`. */
export function measuredParties(ctx: EnvContext): { partyId: string; kind: PartyKind }[] {
  const out: { partyId: string; kind: PartyKind }[] = []
  for (const p of ctx.parties.parties.values()) if (p.role === 'software-house') out.push({ partyId: p.id, kind: 'softwareHouse' })
  for (const c of ctx.parties.knownCpas.values()) if (!c.servedBy) out.push({ partyId: `${EXCEL_PARTY_PREFIX}${c.kbo}`, kind: 'excelCpas' })
  return out
}

const DAY_MS = 86_400_000

/** The half-year labels (`YYYYH1`, `YYYYH2`) covering [start, end) (dates `YYYY-MM-DD`, on half-year bounds). */
export function halvesOf(window: { start: string; end: string }): string[] {
  const out: string[] = []
  let y = Number(window.start.slice(0, 4))
  let h = Number(window.start.slice(5, 7)) <= 6 ? 1 : 2
  const endKey = Number(window.end.slice(0, 4)) * 2 + (Number(window.end.slice(5, 7)) <= 6 ? 0 : 1)
  while (y * 2 + (h - 1) < endKey) {
    out.push(`${y}H${h}`)
    if (h === 2) {
      y += 1
      h = 1
    } else h = 2
  }
  return out
}

/** The CPAS whose blinkers a party's pending checks live under (the index is per CPAS). */
function cpasOf(ctx: EnvContext, partyId: string): string[] {
  if (partyId.startsWith(EXCEL_PARTY_PREFIX)) return [partyId.slice(EXCEL_PARTY_PREFIX.length)]
  return [...(ctx.parties.parties.get(partyId)?.cpas ?? [])]
}

const share = (num: number, n: number): number | null => (n > 0 ? num / n : null)

/** Statuses of a blinker that never had feedback (REOPENED had some). */
const AWAITING_FEEDBACK = ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED'] as const

/**
 * Measures one party over [start, end) (whole half-years, UTC dates `YYYY-MM-DD`), as of `now`.
 * One pipeline: the window's half-year HASHes, then for each pending check two ZCOUNTs — overdue
 * (started in the window more than the grace before `now`) and undecided (started in the window
 * within the grace: neither late nor on time yet, so out of `n`).
 */
export async function measureParty(ctx: EnvContext, partyId: string, window: { start: string; end: string }, now: Date): Promise<IndicatorValue[]> {
  await flushBufferedCounts(ctx)
  const halves = halvesOf(window)
  const startMs = Date.parse(`${window.start}T00:00:00Z`)
  const endMs = Date.parse(`${window.end}T00:00:00Z`)
  const nowMs = now.getTime()
  const multi = ctx.redis.multi()
  for (const h of halves) multi.hgetall(baroHalfKey(ctx.keys, partyId, h))
  // [overdue, undecided] per range: score in [startMs, cut) and [cut, endMs), cut = now - grace.
  const ranges = (key: string, grace: number): void => {
    const cut = Math.max(startMs, Math.min(endMs, nowMs - grace))
    multi.zcount(key, startMs, `(${cut}`)
    multi.zcount(key, cut, `(${endMs}`)
  }
  const pending: PendingCheck[] = ['ack', 'c2']
  for (const check of pending) ranges(baroPendingKey(ctx.keys, partyId, check), GRACE_MS[check])
  const cpas = cpasOf(ctx, partyId)
  // Blinkers awaiting feedback, and those still in the mailbox, are the search index's own entries
  // (scored by publishedAt): no second copy is kept for the barometer.
  for (const kbo of cpas) for (const s of AWAITING_FEEDBACK) ranges(blinkerIndexKey(ctx.keys, s, kbo), GRACE_MS.feedback)
  for (const kbo of cpas) ranges(blinkerIndexKey(ctx.keys, 'PUBLISHED', kbo), GRACE_MS.mailbox)
  const results = (await multi.exec()) ?? []
  const values = results.map(([err, v]) => {
    if (err) throw err
    return v
  })
  const c: Record<string, number> = {}
  const hist = new Array<number>(BUCKET_COUNT).fill(0)
  for (let i = 0; i < halves.length; i++) {
    const hash = (values[i] ?? {}) as Record<string, string>
    for (const [f, v] of Object.entries(hash)) if (!f.includes('|')) c[f] = (c[f] ?? 0) + Number(v)
    addBuckets(hist, bucketsOf(hash, 'df'))
  }
  let k = halves.length
  const next = (): [number, number] => [Number(values[k++]), Number(values[k++])]
  const [ackOver, ackOpen] = next()
  const [c2Over, c2Open] = next()
  let fbOver = 0
  let fbOpen = 0
  for (let i = 0; i < cpas.length * AWAITING_FEEDBACK.length; i++) {
    const [o, u] = next()
    fbOver += o
    fbOpen += u
  }
  let mbOver = 0
  let mbOpen = 0
  for (let i = 0; i < cpas.length; i++) {
    const [o, u] = next()
    mbOver += o
    mbOpen += u
  }
  const g = (f: string): number => c[f] ?? 0
  const feedbackN = g('fb')
  const firstFeedbacks = hist.reduce((a, b) => a + b, 0)
  const days = (q: number): number | null => {
    const ms = quantileMs(hist, q)
    return ms === undefined ? null : ms / DAY_MS
  }
  const ratios: Record<string, [number | null, number]> = {
    refusedRequests: [share(g('rt'), g('rq')), g('rq')],
    recapRowsRejected: [share(g('xj'), g('xr')), g('xr')],
    notAcknowledged7d: ratio(g('al') + ackOver, g('dl') - ackOpen),
    noFeedback60d: ratio(g('fl') + fbOver, g('pb') - fbOpen),
    mailboxNotPolled7d: ratio(g('ml') + mbOver, g('pb') - mbOpen),
    pushDeadLettered: [share(g('pd'), g('ps') + g('pd')), g('ps') + g('pd')],
    deliveryToFeedbackMedian: [days(0.5), firstFeedbacks],
    deliveryToFeedbackP90: [days(0.9), firstFeedbacks],
    cancellationsRefused: [share(g('cr'), g('cd')), g('cd')],
    codeNotValidForFlow: [share(g('fv'), g('fv') + feedbackN), g('fv') + feedbackN],
    other999Share: [share(g('c9'), g('cn')), g('cn')],
    replacedAfterRefusal: [share(g('fr'), feedbackN), feedbackN],
    unjustifiedThenFormD: [share(g('ud'), g('uc')), g('uc')],
    code2WithoutFormD6m: ratio(g('c2x') + c2Over, g('c2') - c2Open),
  }
  return INDICATORS.map((d) => {
    const [value, n] = ratios[d.indicator] ?? [null, 0]
    return { indicator: d.indicator, domain: d.domain, value, n }
  })
}

/** A pending-check ratio: n can only be the started minus the undecided (never below the numerator's share of it). */
function ratio(num: number, n: number): [number | null, number] {
  const m = Math.max(0, n)
  return [share(Math.min(num, m), m), m]
}
