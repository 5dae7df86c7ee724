/**
 * Everything the CPAS page shows, gathered in parallel: names (CPAS directory), who serves it
 * (parties file), the trend (statistics counters), a page of its blinkers and of its feedback
 * (D's search over the write-time indexes: O(limit)), each message's comment and decision.
 */
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import type { Lang } from '../i18n/index.js'
import type { Party } from '../parties/parties.js'
import { searchBlinkers, searchFeedback, type BlinkerItem, type FeedbackItem } from '../services/search-service.js'
import { keys } from '../store/keys.js'
import type { CpasBlinkerRow, CpasFeedbackRow, CpasPageData } from './cpas-model.js'
import { cpasTrend } from './cpas-trend.js'
import { ageInDays } from './pending-data.js'

/** Rows per list on the CPAS page: default 100 (the search's own bound is 500). */
export const CPAS_LIST_SIZE = 100
/** Rows at most in one export of a CPAS list. */
export const CPAS_EXPORT_MAX_ROWS = 20_000

export const blinkerRow = (b: BlinkerItem, now: number): CpasBlinkerRow => ({
  blinkerId: b.blinkerId,
  flow: b.flow,
  regime: b.regime,
  status: b.status,
  publishedAt: b.publishedAt,
  ...(b.periodStart ? { periodStart: b.periodStart } : {}),
  ageDays: ageInDays(b.publishedAt, now),
})

interface StoredDecision {
  decision?: string
  reason?: string
  at?: string
  by?: string
}

/** The comment and the recorded decision of each message (one pipelined HMGET each). */
export async function feedbackRows(ctx: EnvContext, items: readonly FeedbackItem[]): Promise<CpasFeedbackRow[]> {
  if (items.length === 0) return []
  const multi = ctx.redis.multi()
  for (const i of items) multi.hmget(keys.feedback(ctx.keys, i.messageId), 'doc', 'decision')
  const replies = (await multi.exec()) ?? []
  return items.map((i, n) => {
    const [doc, decision] = (replies[n]?.[1] as (string | null)[] | undefined) ?? []
    const row: CpasFeedbackRow = {
      messageId: i.messageId,
      blinkerId: i.blinkerId,
      flow: i.flow,
      code: i.code,
      kind: i.kind,
      status: i.status,
      receivedAt: i.receivedAt,
      softwareHouse: i.softwareHouse,
      softwareHouseName: ctx.parties.parties.get(i.softwareHouse)?.name ?? i.softwareHouse,
    }
    const comment = doc ? (JSON.parse(doc) as { comment?: string }).comment : undefined
    if (comment) row.comment = comment
    if (decision) {
      const d = JSON.parse(decision) as StoredDecision
      if (d.by) row.decidedBy = d.by
      if (d.at) row.decidedAt = d.at
      if (d.reason) row.reason = d.reason
    }
    return row
  })
}

export interface CpasPageOptions {
  blinkersAfter?: string
  feedbackAfter?: string
  limit?: number
  now?: number
  /** The follow-ups section (src/follow-up/), rendered by the caller. */
  followUps?: () => Promise<string>
}

export async function cpasPageData(ctx: EnvContext, viewer: Party, kbo: string, lang: Lang, opts: CpasPageOptions = {}): Promise<CpasPageData> {
  const now = opts.now ?? Date.now()
  const limit = opts.limit ?? CPAS_LIST_SIZE
  const [names, trend, blinkers, feedback, followUps] = await Promise.all([
    cpasNames(ctx, [kbo], lang),
    cpasTrend(ctx, kbo),
    searchBlinkers(ctx, viewer, { cpasKbo: kbo, limit, ...(opts.blinkersAfter && { after: opts.blinkersAfter }) }),
    searchFeedback(ctx, viewer, { cpasKbo: kbo, limit, ...(opts.feedbackAfter && { after: opts.feedbackAfter }) }),
    opts.followUps ? opts.followUps() : Promise.resolve(undefined),
  ])
  const servedById = ctx.parties.knownCpas.get(kbo)?.servedBy
  const data: CpasPageData = {
    kbo,
    name: names.get(kbo) ?? kbo,
    trend,
    blinkers: blinkers.items.map((b) => blinkerRow(b, now)),
    feedback: await feedbackRows(ctx, feedback.items),
  }
  if (servedById) data.servedBy = { id: servedById, name: ctx.parties.parties.get(servedById)?.name ?? servedById }
  if (opts.blinkersAfter) data.blinkersAfter = opts.blinkersAfter
  if (blinkers.next) data.blinkersNext = blinkers.next
  if (opts.feedbackAfter) data.feedbackAfter = opts.feedbackAfter
  if (feedback.next) data.feedbackNext = feedback.next
  if (followUps) data.followUps = followUps
  return data
}

/** Every blinker of a CPAS (exports), at most CPAS_EXPORT_MAX_ROWS. */
export async function allCpasBlinkers(ctx: EnvContext, viewer: Party, kbo: string, now = Date.now()): Promise<CpasBlinkerRow[]> {
  const out: CpasBlinkerRow[] = []
  let after: string | undefined
  do {
    const page = await searchBlinkers(ctx, viewer, { cpasKbo: kbo, limit: 500, ...(after && { after }) })
    out.push(...page.items.map((b) => blinkerRow(b, now)))
    after = page.next
  } while (after && out.length < CPAS_EXPORT_MAX_ROWS)
  return out.slice(0, CPAS_EXPORT_MAX_ROWS)
}

/** Every feedback message of a CPAS (exports), at most CPAS_EXPORT_MAX_ROWS. */
export async function allCpasFeedback(ctx: EnvContext, viewer: Party, kbo: string): Promise<CpasFeedbackRow[]> {
  const out: CpasFeedbackRow[] = []
  let after: string | undefined
  do {
    const page = await searchFeedback(ctx, viewer, { cpasKbo: kbo, limit: 500, ...(after && { after }) })
    out.push(...(await feedbackRows(ctx, page.items)))
    after = page.next
  } while (after && out.length < CPAS_EXPORT_MAX_ROWS)
  return out.slice(0, CPAS_EXPORT_MAX_ROWS)
}
