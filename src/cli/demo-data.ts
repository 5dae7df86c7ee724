/**
 * `blinker-gateway demo-data --env acceptance` (also `npm run demo:data`): fills an environment
 * with the generated demo data set whose 2016 statistics reproduce the seed's figures exactly
 * (src/statistics/demo-plan.ts), plus two earlier years for the dashboard's trend and feedback for
 * a share of the blinkers. Written through the publish, statistics and feedback services, so every
 * counter is the one production keeps. Running it again changes nothing (duplicates).
 * Redis as the gateway finds it (REDIS_URL, else 127.0.0.1:6379); it never starts one of its own,
 * because data in a private Redis that stops with the command would be lost.
 */
import { parseArgs } from 'node:util'
import { loadConfig, type EnvName } from '../config.js'
import { createContexts } from '../gateway.js'
import { loadParties, type Party } from '../parties/parties.js'
import { allQueues } from '../queue/queues.js'
import { loadDemoData } from '../statistics/demo-data.js'
import { commandConnection, waitReady } from '../store/redis-client.js'
import { resolveRedis } from '../store/redis-resolve.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { progressBar } from './progress.js'

export const DEMO_DATA_USAGE = `Usage: blinker-gateway demo-data --env <acceptance|production> [--redis <url>]
  [--cpas <n>] [--feedback-share <0..1>] [--no-trend] [--json]

Publishes ~17 700 blinkers for 580 generated CPAS (2016: law of 1965 1 876 / 49 194 files = 3.81 %,
DIS 14 598 / 207 237 = 7.04 %, quartiles 5 / 7 / 10 %, 31 CPAS without a blinker, one at 28 %),
their files, the years 2014 and 2015 for the trend (unless --no-trend) and feedback for a share of
the blinkers (default 0.3, sent as the inspection importing recap lists). --cpas keeps only the first
n CPAS (the seed's figures need all 580). Idempotent.`

class UsageError extends Error {}

interface Args {
  env: EnvName
  redis?: string
  cpas?: number
  feedbackShare: number
  trend: boolean
  json: boolean
}

function parse(argv: readonly string[]): Args {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      env: { type: 'string' },
      redis: { type: 'string' },
      cpas: { type: 'string' },
      'feedback-share': { type: 'string' },
      'no-trend': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
  if (values.env !== 'acceptance' && values.env !== 'production') throw new UsageError('--env acceptance|production is required')
  const args: Args = { env: values.env, feedbackShare: 0.3, trend: !values['no-trend'], json: values.json ?? false }
  if (values.redis) args.redis = values.redis
  if (values.cpas !== undefined) {
    const n = Number(values.cpas)
    if (!Number.isInteger(n) || n < 1 || n > 580) throw new UsageError('--cpas must be an integer from 1 to 580')
    args.cpas = n
  }
  if (values['feedback-share'] !== undefined) {
    const share = Number(values['feedback-share'])
    if (!(share >= 0 && share <= 1)) throw new UsageError('--feedback-share must be a number from 0 to 1')
    args.feedbackShare = share
  }
  return args
}

const roleParty = (parties: ReadonlyMap<string, Party>, role: Party['role']): Party | undefined => [...parties.values()].find((p) => p.role === role)

export async function runDemoData(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: Args
  try {
    args = parse(argv)
  } catch (err) {
    io.err(`demo-data: ${(err as Error).message}\n${DEMO_DATA_USAGE}`)
    return EXIT.USAGE
  }
  const config = loadConfig(env)
  if (!config.environments.includes(args.env)) {
    io.err(`demo-data: this deployment does not serve ${args.env} (ENVIRONMENTS=${config.ENVIRONMENTS})`)
    return EXIT.USAGE
  }
  let redisInfo: Awaited<ReturnType<typeof resolveRedis>>
  try {
    redisInfo = await resolveRedis({ url: args.redis ?? config.REDIS_URL, allowPrivate: false })
  } catch (err) {
    io.err(`demo-data: ${(err as Error).message}`)
    return EXIT.FAILED
  }
  const redis = commandConnection(redisInfo.url)
  try {
    await waitReady(redis)
    const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
    const envCtx = contexts.get(args.env)
    if (!envCtx) throw new Error(`no context for ${args.env}`)
    try {
      const publisher = roleParty(envCtx.parties.parties, 'publisher')
      const importer = roleParty(envCtx.parties.parties, 'inspection')
      if (!publisher || !importer) {
        io.err(`demo-data: ${args.env} needs a publisher and an inspection party`)
        return EXIT.FAILED
      }
      const bar = progressBar(`demo data (${args.env})`)
      const summary = await loadDemoData(envCtx, publisher, importer, {
        cpasLimit: args.cpas,
        feedbackShare: args.feedbackShare,
        // Events at generated times, so the timeliness figures mean something (src/timeliness/demo-timeline.ts).
        timeline: true,
        trendYears: args.trend
          ? [
              [2014, 0.97, 1.22],
              [2015, 0.98, 1.1],
            ]
          : [],
        progress: (done, total) => bar.update(done, total, 'blinkers'),
      })
      bar.stop()
      if (args.json) io.out(JSON.stringify(summary, null, 2))
      else {
        io.out(`${args.env}: ${summary.cpas} CPAS, years ${summary.years.join(', ')}: ${summary.accepted} blinkers published, ${summary.duplicates} already there, ${summary.rejected} rejected; ${summary.feedback} feedback messages; ${summary.followUps} follow-ups opened.`)
        io.out(`See GET /${args.env}/v1/statistics?period=2016 or the dashboard at /${args.env}/dashboard.`)
      }
      return summary.rejected > 0 ? EXIT.FAILED : EXIT.OK
    } finally {
      for (const ctx of contexts.values()) for (const q of allQueues(ctx).values()) await q.close()
    }
  } catch (err) {
    io.err(`demo-data: ${(err as Error).message}`)
    return EXIT.FAILED
  } finally {
    redis.disconnect()
    await redisInfo.stop()
  }
}

export const demoDataCommand: CliCommand = {
  summary: 'fill an environment with the demo data set (580 CPAS; 2016 statistics = the seed figures)',
  usage: DEMO_DATA_USAGE,
  run: (args, io) => runDemoData(args, io),
}
