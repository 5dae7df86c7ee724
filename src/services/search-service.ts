/**
 * The message log / work queue (GET /{env}/v1/feedback) and the blinker search
 * (GET /{env}/v1/blinkers), contract section 9. The pending-decisions page calls the same
 * functions (`status: ['FORWARDED']`, oldest first).
 *
 * Cost: a page reads the search index written with the records (store/feedback-index.ts,
 * store/blinker-index.ts), never a scan of the records. Status plus one indexed filter (feedback:
 * CPAS, software house, flow, code, or flow and code; blinkers: CPAS) plus a time range is O(limit).
 * Any other filter is checked on the records met while walking the smallest candidate set: at most
 * SEARCH_SCAN_BUDGET entries per request, then the page ends (possibly with fewer than `limit`
 * items) and `next` lets the client continue. A page never costs more than that budget, whatever
 * the number of stored messages.
 *
 * Order: oldest first by receivedAt (publishedAt for blinkers), equal times by id. `next` is
 * present when more entries may follow and absent at the end of the list. Paging is stable: an
 * item whose status does not change is never missed nor repeated, however many messages arrive or
 * move meanwhile. An item that moves while the list is read appears under its new status at its
 * same place in time: it is seen again if that place is still ahead of the cursor and the query
 * takes the new status, and not seen at all if the place has been passed (a query for FORWARDED
 * pages over a message that becomes FORWARDED behind the cursor; a new pass from the start sees it).
 *
 * Roles: inspection sees everything; a software house sees only the messages it sent
 * (`softwareHouse` is forced to itself; another value is 403 GW_ERR_FORBIDDEN_ROLE) and only the
 * blinkers of the CPAS it serves (another `cpasKbo` is 403 GW_ERR_FORBIDDEN_CPAS); the operator
 * sees the message log's metadata, which is all an item holds (no beneficiary, no comment).
 */
import type { EnvContext } from '../context.js'
import type { FeedbackKind } from '../domain/feedback-codes.js'
import { BLINKER_ID } from '../domain/identifiers.js'
import { BLINKER_STATUSES, FEEDBACK_STATUSES, type BlinkerStatus, type FeedbackStatus, type Flow, type Regime } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { blinkerIndexKey } from '../store/blinker-index.js'
import { feedbackIndexKey } from '../store/feedback-index.js'
import { walkBlinkers, walkFeedback, type WalkResult } from '../store/index-search.js'
import { keys } from '../store/keys.js'
import { checkBlinkerQuery, checkFeedbackQuery, decodeSearchCursor, encodeSearchCursor, type BlinkerQuery, type FeedbackQuery } from './search-query.js'

export type { BlinkerQuery, FeedbackQuery } from './search-query.js'
export { parseBlinkerQuery, parseFeedbackQuery } from './search-query.js'

/** Index entries examined at most per request (the bound of a page whose filters have no set of their own). */
export const SEARCH_SCAN_BUDGET = 2000
/** A software house's blinkers without cpasKbo: its CPAS's sets are merged up to this many keys, else the global sets are walked. */
export const MAX_MERGED_KEYS = 256

/** One message of the log: metadata only (contract section 9). */
export interface FeedbackItem {
  messageId: string
  blinkerId: string
  cpasKbo: string
  flow: Flow
  code: number
  kind: FeedbackKind
  status: FeedbackStatus
  receivedAt: string
  softwareHouse: string
}

export interface BlinkerItem {
  blinkerId: string
  cpasKbo: string
  flow: Flow
  regime: Regime
  status: BlinkerStatus
  publishedAt: string
  periodStart: string
}

export interface SearchPage<T> {
  items: T[]
  /** Pass as `after` to continue; absent at the end of the list. */
  next?: string
}

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const pageOf = <T>(items: T[], r: WalkResult): SearchPage<T> => (r.next ? { items, next: encodeSearchCursor(r.next.score, r.next.id) } : { items })

/** The software house a viewer may see the messages of: undefined = any (inspection, operator). */
function feedbackScope(viewer: Party, asked: string | undefined): string | undefined {
  if (viewer.role === 'inspection' || viewer.role === 'operator') return asked
  if (viewer.role !== 'software-house') throw new GatewayError('GW_ERR_FORBIDDEN_ROLE', `Role ${viewer.role} may not read the message log`)
  if (asked !== undefined && asked !== viewer.id) {
    throw new GatewayError('GW_ERR_FORBIDDEN_ROLE', 'A software house reads only the messages it sent', [{ path: 'querystring:/softwareHouse', message: `must be ${viewer.id} or absent` }])
  }
  return viewer.id
}

/** One page of the message log, oldest first. */
export async function searchFeedback(ctx: EnvContext, viewer: Party, query: FeedbackQuery): Promise<SearchPage<FeedbackItem>> {
  const { from, until, limit } = checkFeedbackQuery(query)
  const after = query.after === undefined ? undefined : decodeSearchCursor(query.after, MESSAGE_ID)
  const party = feedbackScope(viewer, query.softwareHouse)
  const statuses = query.status && query.status.length > 0 ? query.status : FEEDBACK_STATUSES
  const p = ctx.keys
  const group = (dims: Parameters<typeof feedbackIndexKey>[2]) => statuses.map((s) => feedbackIndexKey(p, s, dims))
  const groups: string[][] = []
  if (query.flow !== undefined && query.code !== undefined) groups.push(group({ flow: query.flow, code: query.code }))
  if (query.cpasKbo !== undefined) groups.push(group({ cpas: query.cpasKbo }))
  if (party !== undefined) groups.push(group({ party }))
  if (query.flow !== undefined) groups.push(group({ flow: query.flow }))
  if (query.code !== undefined) groups.push(group({ code: query.code }))
  if (groups.length === 0) groups.push(group({}))
  const walk = { groups, limit, budget: SEARCH_SCAN_BUDGET, ...(from !== undefined && { from }), ...(until !== undefined && { until }), ...(after && { after }) }
  const match = { statuses, ...(query.cpasKbo !== undefined && { cpas: query.cpasKbo }), ...(party !== undefined && { party }), ...(query.flow !== undefined && { flow: query.flow }), ...(query.code !== undefined && { code: query.code }), ...(query.kind !== undefined && { kind: query.kind }) }
  const r = await walkFeedback(ctx.redis, keys.feedback(p, ''), keys.blinker(p, ''), walk, match)
  const items = r.rows.map(([messageId, blinkerId, cpasKbo, flow, code, kind, status, receivedAt, softwareHouse]) => ({
    messageId: messageId as string,
    blinkerId: blinkerId as string,
    cpasKbo: cpasKbo as string,
    flow: flow as Flow,
    code: Number(code),
    kind: kind as FeedbackKind,
    status: status as FeedbackStatus,
    receivedAt: receivedAt as string,
    softwareHouse: softwareHouse as string,
  }))
  return pageOf(items, r)
}

/** The CPAS a viewer may see blinkers of: undefined = any. */
function blinkerScope(viewer: Party, asked: string | undefined): readonly string[] | undefined {
  if (viewer.role === 'inspection') return asked === undefined ? undefined : [asked]
  if (viewer.role !== 'software-house') throw new GatewayError('GW_ERR_FORBIDDEN_ROLE', `Role ${viewer.role} may not search blinkers`)
  if (asked !== undefined) {
    if (!viewer.cpas.has(asked)) throw new GatewayError('GW_ERR_FORBIDDEN_CPAS', `CPAS ${asked} is not served by ${viewer.id}`, [{ path: 'querystring:/cpasKbo', message: 'must be a CPAS you serve' }])
    return [asked]
  }
  return [...viewer.cpas].sort()
}

/** One page of blinkers, oldest publication first. */
export async function searchBlinkers(ctx: EnvContext, viewer: Party, query: BlinkerQuery): Promise<SearchPage<BlinkerItem>> {
  const { limit } = checkBlinkerQuery(query)
  const after = query.after === undefined ? undefined : decodeSearchCursor(query.after, BLINKER_ID)
  const cpas = blinkerScope(viewer, query.cpasKbo)
  if (cpas?.length === 0) return { items: [] }
  const statuses = query.status && query.status.length > 0 ? query.status : BLINKER_STATUSES
  const p = ctx.keys
  const merged = cpas && cpas.length * statuses.length <= MAX_MERGED_KEYS
  const group = merged ? statuses.flatMap((s) => cpas.map((c) => blinkerIndexKey(p, s, c))) : statuses.map((s) => blinkerIndexKey(p, s))
  const walk = { groups: [group], limit, budget: SEARCH_SCAN_BUDGET, ...(after && { after }) }
  const match = { statuses, ...(cpas && { cpas }), ...(query.flow !== undefined && { flow: query.flow }), ...(query.period !== undefined && { period: query.period }) }
  const r = await walkBlinkers(ctx.redis, keys.blinker(p, ''), walk, match)
  const items = r.rows.map(([blinkerId, cpasKbo, flow, regime, status, publishedAt, periodStart]) => ({
    blinkerId: blinkerId as string,
    cpasKbo: cpasKbo as string,
    flow: flow as Flow,
    regime: regime as Regime,
    status: status as BlinkerStatus,
    publishedAt: publishedAt as string,
    periodStart: periodStart as string,
  }))
  return pageOf(items, r)
}
