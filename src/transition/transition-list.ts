/**
 * The monthly blinker list of a CPAS (transition period, for CPAS whose software house is not
 * connected yet): the blinkers PUBLISHED in that calendar month (UTC), in publication order, read
 * from the CPAS's mailbox stream (its ids are publication times, so a month is one XRANGE) and
 * their records. Reading it changes nothing (no DELIVERED: a download is not a delivery).
 *
 * A connected CPAS has a list too: the blinkers of flows its software house does not accept go to
 * its transition stream instead of the mailbox (src/flows/flow-acceptance.ts); the list merges that
 * stream's month with the mailbox's, in publication order, so they reach the CPAS after all.
 *
 * One set of columns serves the export (xlsx, CSV) and the recap import: the CPAS fills `code`
 * (and `comment` where the code needs one) and sends the same sheet back.
 */
import type { Redis } from 'ioredis'
import type { BlinkerStatus, PublishedBlinker } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { keys } from '../store/keys.js'
import { msBound } from '../store/stream-id.js'

export const MONTH_PATTERN = '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$'

/** Column key, header and width; the header IS the key (the import finds columns by it). */
export const COLUMNS = [
  ['blinkerId', 20],
  ['cpasKbo', 12],
  ['regime', 10],
  ['niss', 13],
  ['lastName', 16],
  ['firstName', 14],
  ['formType', 8],
  ['formReference', 16],
  ['formPeriodStart', 12],
  ['formPeriodEnd', 12],
  ['flow', 22],
  ['findingPeriodStart', 12],
  ['findingPeriodEnd', 12],
  ['amountCents', 12],
  ['sourceKbo', 12],
  ['description', 48],
  ['detectedAt', 25],
  ['publishedAt', 25],
  ['status', 18],
  ['code', 8],
  ['comment', 40],
] as const
export type Column = (typeof COLUMNS)[number][0]
export type ListRow = Record<Column, string | number>

/** Text columns that hold identifiers: kept as text so a spreadsheet never drops a leading 0. */
export const TEXT_COLUMNS: ReadonlySet<Column> = new Set(['blinkerId', 'cpasKbo', 'niss', 'sourceKbo', 'formReference'])

export function toRow(b: PublishedBlinker): ListRow {
  return {
    blinkerId: b.blinkerId,
    cpasKbo: b.cpasKbo,
    regime: b.regime,
    niss: b.beneficiary.niss,
    lastName: b.beneficiary.lastName ?? '',
    firstName: b.beneficiary.firstName ?? '',
    formType: b.form.type,
    formReference: b.form.reference,
    formPeriodStart: b.form.periodStart,
    formPeriodEnd: b.form.periodEnd ?? '',
    flow: b.flow,
    findingPeriodStart: b.finding.periodStart,
    findingPeriodEnd: b.finding.periodEnd ?? '',
    amountCents: b.finding.amountCents ?? '',
    sourceKbo: b.finding.sourceKbo ?? '',
    description: b.finding.description,
    detectedAt: b.detectedAt,
    publishedAt: b.publishedAt,
    status: b.status,
    code: '',
    comment: '',
  }
}

/** [start, end) of a YYYY-MM month in epoch ms (UTC). */
export function monthRange(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)]
}

type StreamEntry = [id: string, fields: string[]]

/** Stream ids `ms-seq` in order: by ms, then seq (numbers, not text: "9" < "10"). */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number)
  const [bm = 0, bs = 0] = b.split('-').map(Number)
  return am - bm || as - bs
}

/** Two streams' entries, each in id order, as one list in id order (the mailbox's first on a tie). */
export function mergeById(a: readonly StreamEntry[], b: readonly StreamEntry[]): StreamEntry[] {
  if (b.length === 0) return [...a]
  const out: StreamEntry[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const x = a[i]
    const y = b[j]
    if (x && (!y || compareStreamIds(x[0], y[0]) <= 0)) {
      out.push(x)
      i++
    } else if (y) {
      out.push(y)
      j++
    }
  }
  return out
}

/** Most blinkers one list holds: a month of the largest CPAS is a few hundred. */
export const MAX_LIST_ROWS = 50_000

/** The month's blinkers of a CPAS, in publication order. */
export async function monthList(redis: Redis, prefix: string, kbo: string, month: string): Promise<PublishedBlinker[]> {
  const [start, end] = monthRange(month)
  // Stream ids are `ms-seq`; an end given as `ms` alone means its last seq: inclusive end = month end − 1 ms.
  // A month before 1970 has no stream id (Redis ids are unsigned): nothing was published then.
  if (end <= 0) return []
  const [mailbox, held] = await Promise.all(
    [keys.mailbox(prefix, kbo), keys.transitionList(prefix, kbo)].map((key) => redis.xrange(key, msBound(start), msBound(end - 1), 'COUNT', MAX_LIST_ROWS + 1)),
  )
  const entries = mergeById(mailbox ?? [], held ?? [])
  if (entries.length > MAX_LIST_ROWS) throw new GatewayError('GW_ERR_BUSINESS_RULE', `More than ${MAX_LIST_ROWS} blinkers in ${month}; ask for the list in parts`)
  if (entries.length === 0) return []
  const pipeline = redis.pipeline()
  for (const [, fields] of entries) pipeline.hmget(keys.blinker(prefix, fields[1] ?? ''), 'doc', 'status', 'publishedAt', 'purgedAt')
  const records = (await pipeline.exec()) ?? []
  const out: PublishedBlinker[] = []
  for (const [err, value] of records) {
    if (err) throw err
    const [doc, status, publishedAt, purgedAt] = value as (string | null)[]
    // A record purged meanwhile (retention) is left out rather than listed half-empty (retention
    // XDELs a purged blinker from the mailbox, not from the transition stream).
    if (doc && status && publishedAt && !purgedAt) out.push({ ...(JSON.parse(doc) as PublishedBlinker), status: status as BlinkerStatus, publishedAt })
  }
  return out
}
