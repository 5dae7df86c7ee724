/**
 * `blinker-gateway stats --env <env> [--period YYYY] [--regime DIS|LAW_1965|ALL] [--json]`:
 * an operational summary of an environment (blinkers per status, jobs per queue and state, dead
 * letters) and, with --period, the inspection's statistics for that period from the statistics
 * service (the same numbers as GET /{env}/v1/statistics).
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import type { EnvContext } from '../context.js'
import { allQueues } from '../queue/queues.js'
import { statisticsFor } from '../statistics/statistics-service.js'
import type { RegimeFilter } from '../statistics/compute.js'
import { keys } from '../store/keys.js'
import { requireEnv, UsageError, withEnvContext } from './cli-context.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

export const STATS_USAGE = `Usage: blinker-gateway stats --env <acceptance|production> [--period <YYYY>] [--regime DIS|LAW_1965|ALL] [--json]

Blinkers per status, jobs per queue (waiting, active, delayed, failed = dead letters) and, with
--period, the blinker rates of that period (GET /{env}/v1/statistics).

Exit status: 0 printed, 2 wrong usage or Redis unreachable.`

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const

export interface OperationalSummary {
  env: string
  blinkersByStatus: Record<string, number>
  queues: Record<string, Record<(typeof STATES)[number], number>>
  deadLetters: number
}

export async function operationalSummary(ctx: EnvContext): Promise<OperationalSummary> {
  const raw = await ctx.redis.hgetall(keys.statusCounts(ctx.keys))
  const blinkersByStatus = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]))
  const queues: OperationalSummary['queues'] = {}
  let deadLetters = 0
  for (const [name, queue] of allQueues(ctx)) {
    const counts = await queue.getJobCounts(...STATES)
    queues[name] = { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 }
    deadLetters += counts.failed ?? 0
  }
  return { env: ctx.env, blinkersByStatus, queues, deadLetters }
}

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(2)} %`)

export async function runStats(argv: readonly string[], io: CliIo, processEnv: Record<string, string | undefined> = process.env): Promise<number> {
  let env
  let values
  try {
    ;({ values } = parseArgs({ args: [...argv], options: { env: { type: 'string' }, period: { type: 'string' }, regime: { type: 'string', default: 'ALL' }, json: { type: 'boolean', default: false } } }))
    env = requireEnv(values.env, loadConfig(processEnv))
    if (values.period !== undefined && !/^(19|20)[0-9]{2}$/.test(values.period)) throw new UsageError('--period must be a year such as 2026')
    if (!['DIS', 'LAW_1965', 'ALL'].includes(values.regime ?? 'ALL')) throw new UsageError('--regime must be DIS, LAW_1965 or ALL')
  } catch (err) {
    io.err(`stats: ${(err as Error).message}\n${STATS_USAGE}`)
    return EXIT.USAGE
  }
  try {
    const out = await withEnvContext(processEnv, env, async (ctx) => {
      const summary = await operationalSummary(ctx)
      const statistics = values.period ? await statisticsFor(ctx, values.period, (values.regime ?? 'ALL') as RegimeFilter) : undefined
      return { summary, statistics }
    })
    if (values.json) {
      io.out(JSON.stringify(out.statistics ? out : out.summary, null, 2))
      return EXIT.OK
    }
    const s = out.summary
    io.out(`${s.env}: blinkers per status`)
    for (const [status, n] of Object.entries(s.blinkersByStatus)) io.out(`  ${status.padEnd(18)} ${n}`)
    io.out('jobs per queue (waiting / active / delayed / failed)')
    for (const [name, c] of Object.entries(s.queues)) io.out(`  ${name.padEnd(24)} ${c.waiting} / ${c.active} / ${c.delayed} / ${c.failed}`)
    io.out(`dead letters: ${s.deadLetters}`)
    if (out.statistics) {
      const st = out.statistics
      io.out(`statistics ${st.period} (${st.regime}): ${st.totals.filesWithBlinker} of ${st.totals.files} files with a blinker = ${pct(st.totals.rate)}; ${st.totals.blinkers} blinkers`)
      io.out(`  CPAS above 10 %: ${st.above10.length}; between 5 and 10 %: ${st.between5And10.length}; without blinker: ${st.withoutBlinker.length}`)
    }
    return EXIT.OK
  } catch (err) {
    io.err(`stats: ${(err as Error).message}`)
    return EXIT.USAGE
  }
}

export const statsCommand: CliCommand = {
  summary: 'blinkers per status, queue depths, dead letters and (with --period) blinker rates',
  usage: STATS_USAGE,
  run: (args, io) => runStats(args, io),
}
