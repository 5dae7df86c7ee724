/**
 * The query parameters of the message log (GET /{env}/v1/feedback) and the blinker search
 * (GET /{env}/v1/blinkers), parsed from text and checked value by value: anything the index cannot
 * answer exactly (a status outside the lifecycle, an unknown flow or code, a bad KBO checksum, a
 * date that is not one, an unknown parameter, a cursor this gateway did not give out) is 400
 * GW_ERR_BAD_PARAMETER with the parameter's path, before Redis is asked anything.
 */
import { feedbackCode, type FeedbackKind } from '../domain/feedback-codes.js'
import { isValidKbo } from '../domain/identifiers.js'
import { BLINKER_STATUSES, FEEDBACK_STATUSES, type BlinkerStatus, type CatalogueFlow, type FeedbackStatus } from '../domain/model.js'
import { CATALOGUE_FLOWS } from '../flows/flow-catalogue.js'
import { GatewayError } from '../errors.js'
import { PERIOD_PATTERN } from '../statistics/statistics-service.js'

export const SEARCH_LIMIT = { default: 100, max: 500 } as const

/** The message log's filters (contract section 9). Absent: no filter. */
export interface FeedbackQuery {
  status?: readonly FeedbackStatus[]
  kind?: FeedbackKind
  cpasKbo?: string
  flow?: CatalogueFlow
  code?: number
  softwareHouse?: string
  /** RFC 3339 instant or YYYY-MM-DD (00:00 UTC): receivedAt ≥ this. */
  receivedFrom?: string
  /** Same forms: receivedAt < this. */
  receivedUntil?: string
  /** The `next` of a previous page. */
  after?: string
  /** 1–500, default 100. */
  limit?: number
}

/** The blinker search's filters (contract section 9). */
export interface BlinkerQuery {
  cpasKbo?: string
  status?: readonly BlinkerStatus[]
  flow?: CatalogueFlow
  /** Calendar year YYYY of the form period (statistics, contract section 8). */
  period?: string
  after?: string
  limit?: number
}

export const FEEDBACK_PARAMS = ['status', 'kind', 'cpasKbo', 'flow', 'code', 'softwareHouse', 'receivedFrom', 'receivedUntil', 'after', 'limit'] as const
export const BLINKER_PARAMS = ['cpasKbo', 'status', 'flow', 'period', 'after', 'limit'] as const

const bad = (param: string, message: string): GatewayError => new GatewayError('GW_ERR_BAD_PARAMETER', `${param} ${message}`, [{ path: `querystring:/${param}`, message }])

const KINDS: readonly string[] = ['JUSTIFIED', 'UNJUSTIFIED']
const PARTY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/
const DATE_ONLY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/
const INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/
const PERIOD = new RegExp(PERIOD_PATTERN)

/** A time filter as ms; a text that is not a real date or instant is the caller's 400. */
export function parseTime(param: string, value: string): number {
  const dateOnly = DATE_ONLY.exec(value)
  const ms = dateOnly || INSTANT.test(value) ? Date.parse(dateOnly ? `${value}T00:00:00Z` : value) : NaN
  // Date.parse rolls 2026-02-30 over to March: the date part must come back unchanged.
  const real = Number.isFinite(ms) && (!dateOnly || new Date(ms).toISOString().slice(0, 10) === value) && (dateOnly || realInstant(value))
  if (!real || ms < 0) throw bad(param, 'must be a date YYYY-MM-DD or an RFC 3339 instant with an offset, from 1970')
  return ms
}

function realInstant(value: string): boolean {
  const [y, mo, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number]
  const [h, mi, s] = value.slice(11, 19).split(':').map(Number) as [number, number, number]
  const day = new Date(Date.UTC(y, mo - 1, d))
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && s < 60
}

function oneOf<T extends string>(param: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw bad(param, `must be one of ${allowed.join(', ')}`)
  return value as T
}

function statusList<T extends string>(value: string, allowed: readonly T[]): T[] {
  const parts = value.split(',')
  if (parts.length > allowed.length) throw bad('status', `lists at most ${allowed.length} statuses`)
  return [...new Set(parts.map((s) => oneOf('status', s, allowed)))]
}

function kbo(value: string): string {
  if (!isValidKbo(value)) throw bad('cpasKbo', 'must be a valid enterprise number (10 digits, mod-97 check)')
  return value
}

function limitOf(value: string | number | undefined): number {
  if (value === undefined || value === '') return SEARCH_LIMIT.default
  const n = typeof value === 'number' ? value : /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < 1 || n > SEARCH_LIMIT.max) throw bad('limit', `must be an integer from 1 to ${SEARCH_LIMIT.max}`)
  return n
}

function codeOf(value: string | number): number {
  const n = typeof value === 'number' ? value : /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || !feedbackCode(n)) throw bad('code', 'must be a code of the catalogue (GET /schemas/feedback-codes.json)')
  return n
}

/** Rejects parameters not in `allowed` and any value that is not one string (a repeated parameter). */
function texts(raw: Record<string, unknown>, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (!allowed.includes(k)) throw bad(k.slice(0, 40), 'is not a parameter of this search')
    if (v === undefined) continue
    if (typeof v !== 'string' || v.length > 200) throw bad(k, 'must be given once, as text of at most 200 characters')
    out[k] = v
  }
  return out
}

/** The message log's query from a query string; every value checked (400 on the first bad one). */
export function parseFeedbackQuery(raw: Record<string, unknown>): FeedbackQuery {
  const q = texts(raw, FEEDBACK_PARAMS)
  const out: FeedbackQuery = { limit: limitOf(q.limit) }
  if (q.status !== undefined) out.status = statusList(q.status, FEEDBACK_STATUSES)
  if (q.kind !== undefined) out.kind = oneOf('kind', q.kind, KINDS) as FeedbackKind
  if (q.cpasKbo !== undefined) out.cpasKbo = kbo(q.cpasKbo)
  if (q.flow !== undefined) out.flow = oneOf('flow', q.flow, CATALOGUE_FLOWS)
  if (q.code !== undefined) out.code = codeOf(q.code)
  if (q.softwareHouse !== undefined) {
    if (!PARTY_ID.test(q.softwareHouse)) throw bad('softwareHouse', 'must be a party id')
    out.softwareHouse = q.softwareHouse
  }
  if (q.receivedFrom !== undefined) out.receivedFrom = q.receivedFrom
  if (q.receivedUntil !== undefined) out.receivedUntil = q.receivedUntil
  if (q.after !== undefined && q.after !== '') out.after = q.after
  checkFeedbackQuery(out)
  return out
}

/** The checks of parseFeedbackQuery on an already typed query (callers inside the gateway). */
export function checkFeedbackQuery(q: FeedbackQuery): { from?: number; until?: number; limit: number } {
  if (q.status) for (const s of q.status) oneOf('status', s, FEEDBACK_STATUSES)
  if (q.kind !== undefined) oneOf('kind', q.kind, KINDS)
  if (q.cpasKbo !== undefined) kbo(q.cpasKbo)
  if (q.flow !== undefined) oneOf('flow', q.flow, CATALOGUE_FLOWS)
  if (q.code !== undefined) codeOf(q.code)
  if (q.softwareHouse !== undefined && !PARTY_ID.test(q.softwareHouse)) throw bad('softwareHouse', 'must be a party id')
  const out: { from?: number; until?: number; limit: number } = { limit: limitOf(q.limit) }
  if (q.receivedFrom !== undefined) out.from = parseTime('receivedFrom', q.receivedFrom)
  if (q.receivedUntil !== undefined) out.until = parseTime('receivedUntil', q.receivedUntil)
  if (out.from !== undefined && out.until !== undefined && out.from >= out.until) throw bad('receivedUntil', 'must be after receivedFrom')
  return out
}

/** The blinker search's query from a query string. */
export function parseBlinkerQuery(raw: Record<string, unknown>): BlinkerQuery {
  const q = texts(raw, BLINKER_PARAMS)
  const out: BlinkerQuery = { limit: limitOf(q.limit) }
  if (q.cpasKbo !== undefined) out.cpasKbo = kbo(q.cpasKbo)
  if (q.status !== undefined) out.status = statusList(q.status, BLINKER_STATUSES)
  if (q.flow !== undefined) out.flow = oneOf('flow', q.flow, CATALOGUE_FLOWS)
  if (q.period !== undefined) out.period = q.period
  if (q.after !== undefined && q.after !== '') out.after = q.after
  checkBlinkerQuery(out)
  return out
}

export function checkBlinkerQuery(q: BlinkerQuery): { limit: number } {
  if (q.cpasKbo !== undefined) kbo(q.cpasKbo)
  if (q.status) for (const s of q.status) oneOf('status', s, BLINKER_STATUSES)
  if (q.flow !== undefined) oneOf('flow', q.flow, CATALOGUE_FLOWS)
  if (q.period !== undefined && !PERIOD.test(q.period)) throw bad('period', 'must be a calendar year YYYY')
  return { limit: limitOf(q.limit) }
}

// Cursor: base64url of `{score}:{id}`, the (receivedAt or publishedAt ms, id) of the last entry a
// page examined. Strict, like the mailbox's: bounded length, every part in range, the id of the
// right kind; anything else is 400, never a value that reaches Redis.
const CURSOR = /^[A-Za-z0-9_-]{1,96}$/
const INNER = /^(0|[1-9][0-9]{0,15}):(.{1,64})$/

export const encodeSearchCursor = (score: number, id: string): string => Buffer.from(`${score}:${id}`, 'latin1').toString('base64url')

/** The (score, id) in a cursor; `idPattern` is the id format of the list it came from. */
export function decodeSearchCursor(cursor: string, idPattern: RegExp): { score: number; id: string } {
  const inner = CURSOR.test(cursor) ? INNER.exec(Buffer.from(cursor, 'base64url').toString('latin1')) : null
  const score = inner ? Number(inner[1]) : NaN
  const id = inner?.[2] ?? ''
  if (!Number.isSafeInteger(score) || !idPattern.test(id) || encodeSearchCursor(score, id) !== cursor) {
    throw bad('after', 'must be the `next` of a previous page of this list')
  }
  return { score, id }
}
