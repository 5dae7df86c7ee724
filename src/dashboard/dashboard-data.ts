/**
 * Everything the dashboard page shows, gathered in parallel: the period's statistics, the trend
 * over periods, the latest inspection inbox items, dead letters per queue, and each CPAS's channel
 * (electronic via a software house, or Excel lists).
 */
import type { EnvContext } from '../context.js'
import type { Feedback, PublishedBlinker } from '../domain/model.js'
import { countDeadLetters } from '../queue/dead-letters.js'
import { allQueues } from '../queue/queues.js'
import { keys } from '../store/keys.js'
import { listPeriods } from '../store/statistics-store.js'
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

/** The dashboard's data for a period (default: the latest period with data). */
export async function dashboardData(envCtx: EnvContext, wanted?: string): Promise<DashboardData> {
  const periods = await listPeriods(envCtx.redis, envCtx.keys)
  const period = wanted ?? periods.at(-1)
  const queues = [...allQueues(envCtx).values()]
  const [stats, points, inbox, dead] = await Promise.all([
    period ? statisticsFor(envCtx, period) : Promise.resolve(undefined),
    trend(envCtx),
    latestInbox(envCtx, INBOX_ITEMS),
    Promise.all(queues.map(async (q) => ({ queue: q.name, count: await countDeadLetters(q) }))),
  ])
  const channels = { electronic: 0, excel: 0 }
  for (const c of stats?.cpas ?? []) channels[c.channel]++
  return { env: envCtx.env, period, periods, stats, trend: points, inbox, deadLetters: dead, channels, generatedAt: new Date().toISOString() }
}
