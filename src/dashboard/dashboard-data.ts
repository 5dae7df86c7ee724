/**
 * Everything the dashboard page shows, gathered in parallel: the period's statistics, the trend
 * over periods, the latest inspection inbox items, dead letters per queue, and each CPAS's channel
 * (electronic via a software house, or Excel lists).
 */
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import { DEFAULT_LANG, type Lang } from '../i18n/index.js'
import type { Feedback, PublishedBlinker } from '../domain/model.js'
import { notAcceptedCounts, notAcceptedIn } from '../flows/flow-acceptance.js'
import { countDeadLetters } from '../queue/dead-letters.js'
import { allQueues } from '../queue/queues.js'
import { keys } from '../store/keys.js'
import { statisticsFor, trend, type StatisticsAnswer, type TrendPoint } from '../statistics/statistics-service.js'

export interface InboxItem {
  messageId: string
  receivedAt: string
  softwareHouse: string
  feedback: Partial<Feedback>
  blinker: Partial<PublishedBlinker>
}

export interface DashboardData {
  env: string
  period: string | undefined
  periods: string[]
  stats: StatisticsAnswer | undefined
  trend: TrendPoint[]
  inbox: InboxItem[]
  deadLetters: { queue: string; count: number }[]
  channels: { electronic: number; excel: number }
  /** Blinkers of the period whose flow the CPAS's software house does not accept: sent to transition lists (src/flows/); default none. */
  notAccepted?: { count: number; flows: { flow: string; count: number }[] }
  /** Display names of the CPAS shown (the CPAS directory in the page's language, else the parties file, else the number). */
  names: Map<string, string>
  generatedAt: string
}

/** Number of inbox items shown. */
export const INBOX_ITEMS = 10

async function latestInbox(envCtx: EnvContext, n: number): Promise<InboxItem[]> {
  const rows = await envCtx.redis.xrevrange(keys.inspectionInbox(envCtx.keys), '+', '-', 'COUNT', n)
  return rows.map(([, fields]) => {
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string
    const body = JSON.parse(f.body ?? '{}') as Partial<InboxItem>
    return { messageId: f.messageId ?? '', receivedAt: body.receivedAt ?? '', softwareHouse: body.softwareHouse ?? '', feedback: body.feedback ?? {}, blinker: body.blinker ?? {} }
  })
}

/**
 * The period shown when none is asked: the latest one with file counts (PUT /statistics/files),
 * since a rate needs its denominator — a few blinkers of a newer year (sandbox, early
 * publication) must not switch the dashboard to an empty year. Without any file counts, the
 * latest period with blinkers.
 */
export function defaultPeriod(points: readonly Pick<TrendPoint, 'period' | 'all'>[]): string | undefined {
  return points.filter((p) => p.all.files > 0).at(-1)?.period ?? points.at(-1)?.period
}

/** The dashboard's data for a period (default: defaultPeriod). */
export async function dashboardData(envCtx: EnvContext, wanted?: string, lang: Lang = DEFAULT_LANG): Promise<DashboardData> {
  const queues = [...allQueues(envCtx).values()]
  const [points, inbox, dead, held] = await Promise.all([
    trend(envCtx),
    latestInbox(envCtx, INBOX_ITEMS),
    Promise.all(queues.map(async (q) => ({ queue: q.name, count: await countDeadLetters(q) }))),
    notAcceptedCounts(envCtx.redis, envCtx.keys),
  ])
  const periods = points.map((p) => p.period)
  const period = wanted ?? defaultPeriod(points)
  const stats = period ? await statisticsFor(envCtx, period) : undefined
  const channels = { electronic: 0, excel: 0 }
  for (const c of stats?.cpas ?? []) channels[c.channel]++
  const names = await cpasNames(envCtx, [...(stats?.cpas ?? []).map((c) => c.cpasKbo), ...inbox.map((i) => i.feedback.cpasKbo ?? '').filter((k) => k !== '')], lang)
  return { env: envCtx.env, period, periods, stats, trend: points, inbox, deadLetters: dead, channels, notAccepted: notAcceptedIn(held, period), names, generatedAt: new Date().toISOString() }
}
