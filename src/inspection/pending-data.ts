/**
 * The pending decisions: the messages FORWARDED to the inspection (the work queue of the message
 * log, D's searchFeedback, oldest first), each with the blinker's finding (blinker record) and the
 * software house's comment (feedback record), for the page and its exports.
 */
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import type { Lang } from '../i18n/index.js'
import type { Party } from '../parties/parties.js'
import { searchFeedback, type FeedbackItem, type FeedbackQuery } from '../services/search-service.js'
import { getBlinker } from '../store/blinker-store.js'
import { getFeedback } from '../store/feedback-store.js'
import type { PendingFilters, PendingItem, PendingPage } from './pending-model.js'

const DAY_MS = 86_400_000
/** Items per page of the pending list (each carries a form): default 25. */
export const PENDING_PAGE_SIZE = 25
/** Rows at most in one export of the pending list (20 search pages of 500). */
export const EXPORT_MAX_ROWS = 10_000

export const ageInDays = (at: string, now: number): number => Math.max(0, Math.floor((now - Date.parse(at)) / DAY_MS))

export function softwareHousesOf(ctx: EnvContext): { id: string; name: string }[] {
  return [...ctx.parties.parties.values()].filter((p) => p.role === 'software-house').map((p) => ({ id: p.id, name: p.name ?? p.id }))
}

function searchQuery(filters: PendingFilters, now: number): FeedbackQuery {
  const q: FeedbackQuery = { status: ['FORWARDED'] }
  if (filters.cpas !== undefined) q.cpasKbo = filters.cpas
  if (filters.flow !== undefined) q.flow = filters.flow
  if (filters.code !== undefined) q.code = filters.code
  if (filters.softwareHouse !== undefined) q.softwareHouse = filters.softwareHouse
  if (filters.olderThan !== undefined && filters.olderThan > 0) q.receivedUntil = new Date(now - filters.olderThan * DAY_MS).toISOString()
  return q
}

/** The search items with their records and display names. */
async function enrich(ctx: EnvContext, items: readonly FeedbackItem[], lang: Lang, now: number): Promise<PendingItem[]> {
  const [names, records, blinkers] = await Promise.all([
    cpasNames(ctx, items.map((i) => i.cpasKbo), lang),
    Promise.all(items.map((i) => getFeedback(ctx.redis, ctx.keys, i.messageId))),
    Promise.all(items.map((i) => getBlinker(ctx.redis, ctx.keys, i.blinkerId))),
  ])
  return items.map((i, n) => {
    const item: PendingItem = {
      messageId: i.messageId,
      blinkerId: i.blinkerId,
      cpasKbo: i.cpasKbo,
      cpasName: names.get(i.cpasKbo) ?? i.cpasKbo,
      flow: i.flow,
      code: i.code,
      softwareHouse: i.softwareHouse,
      softwareHouseName: ctx.parties.parties.get(i.softwareHouse)?.name ?? i.softwareHouse,
      receivedAt: i.receivedAt,
      ageDays: ageInDays(i.receivedAt, now),
    }
    const comment = records[n]?.feedback.comment
    if (comment) item.comment = comment
    const b = blinkers[n]
    if (b) {
      item.finding = b.finding
      item.regime = b.regime
    }
    return item
  })
}

/** One page of the pending list. */
export async function pendingPage(ctx: EnvContext, viewer: Party, filters: PendingFilters, lang: Lang, opts: { after?: string; limit?: number; now?: number } = {}): Promise<PendingPage> {
  const now = opts.now ?? Date.now()
  const q = searchQuery(filters, now)
  q.limit = opts.limit ?? PENDING_PAGE_SIZE
  if (opts.after) q.after = opts.after
  const page = await searchFeedback(ctx, viewer, q)
  const out: PendingPage = { filters, items: await enrich(ctx, page.items, lang, now), softwareHouses: softwareHousesOf(ctx) }
  if (opts.after) out.after = opts.after
  if (page.next) out.next = page.next
  return out
}

/** Every pending item of the filters (for the exports), at most EXPORT_MAX_ROWS. */
export async function allPending(ctx: EnvContext, viewer: Party, filters: PendingFilters, lang: Lang, now = Date.now()): Promise<PendingItem[]> {
  const out: PendingItem[] = []
  let after: string | undefined
  do {
    const page = await pendingPage(ctx, viewer, filters, lang, { limit: 500, now, ...(after && { after }) })
    out.push(...page.items)
    after = page.next
  } while (after && out.length < EXPORT_MAX_ROWS)
  return out.slice(0, EXPORT_MAX_ROWS)
}
