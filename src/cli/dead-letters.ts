/**
 * `blinker-gateway dead-letters list|replay` — the operator's dead-letter tool outside HTTP.
 * Same service functions as the operator route (src/services/dead-letter-service.ts), so filters,
 * dry run and idempotent replay behave the same. Reads the gateway's configuration from the
 * environment (REDIS_URL, KEY_PREFIX, PARTIES_FILE, ENVIRONMENTS) and never starts a Redis of its own.
 *
 *   dead-letters list   --env acceptance [--queue delivery-alpha] [--party alpha] [--since ISO] [--until ISO] [--limit N] [--json]
 *   dead-letters replay --env acceptance [same filters] [--dry-run] [--json]
 *   dead-letters purge  --env acceptance --older-than-days N [same filters] [--dry-run] [--json]
 * Replay and purge draw a progress bar on a terminal (src/cli/progress.ts).
 */
import { parseArgs } from 'node:util'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { loadConfig, type EnvName } from '../config.js'
import { listAllDeadLetters, queuesFor, replayAll, type DeadLetterQuery, type ReplaySummary } from '../services/dead-letter-service.js'
import { purgeDeadLetters } from '../retention/dead-letter-purge.js'
import type { EnvContext } from '../context.js'
import { withEnvContext } from './cli-context.js'
import { progressBar } from './progress.js'

export const DEAD_LETTERS_USAGE = `Usage: blinker-gateway dead-letters <list|replay> --env <acceptance|production>
  [--queue <name>] [--party <id>] [--since <RFC 3339>] [--until <RFC 3339>] [--limit <n>] [--dry-run] [--json]
       blinker-gateway dead-letters purge --env <acceptance|production> --older-than-days <n>
  [--queue <name>] [--party <id>] [--limit <n>] [--dry-run] [--json]

list: failed jobs, oldest failure first. replay: back to their queue under the same id
(idempotent). purge: remove those that failed more than n days ago (they can no longer be
replayed). --dry-run shows what replay or purge would do and changes nothing.`

class UsageError extends Error {}

function parse(argv: readonly string[]): { action: 'list' | 'replay' | 'purge'; env: EnvName; query: DeadLetterQuery; dryRun: boolean; json: boolean; olderThanDays?: number } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      queue: { type: 'string' },
      party: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      'older-than-days': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
  const action = positionals[0]
  if (action !== 'list' && action !== 'replay' && action !== 'purge') throw new UsageError(`expected list, replay or purge, got ${action ?? 'nothing'}`)
  if (values.env !== 'acceptance' && values.env !== 'production') throw new UsageError('--env acceptance|production is required')
  const query: DeadLetterQuery = {}
  if (values.queue) query.queue = values.queue
  if (values.party) query.party = values.party
  for (const key of ['since', 'until'] as const) {
    const raw = values[key]
    if (raw === undefined) continue
    const date = new Date(raw)
    if (Number.isNaN(date.getTime())) throw new UsageError(`--${key} must be an instant such as 2026-03-01T00:00:00Z`)
    query[key] = date
  }
  if (values.limit !== undefined) {
    const n = Number(values.limit)
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError('--limit must be an integer from 1 to 100000')
    query.limit = n
  }
  const env: EnvName = values.env
  const verb: 'list' | 'replay' | 'purge' = action
  const parsed = { action: verb, env, query, dryRun: values['dry-run'] ?? false, json: values.json ?? false }
  if (action !== 'purge') return parsed
  const days = Number(values['older-than-days'])
  if (values['older-than-days'] === undefined || !Number.isInteger(days) || days < 0 || days > 36_500) throw new UsageError('purge needs --older-than-days <n> (0 to 36500)')
  return { ...parsed, olderThanDays: days }
}

/** Replay queue by queue so a terminal shows progress; same budget rule as replayAll. */
async function replayWithProgress(envCtx: EnvContext, query: DeadLetterQuery, dryRun: boolean): Promise<ReplaySummary> {
  const queues = queuesFor(envCtx, query.queue)
  const bar = progressBar(dryRun ? 'replay (dry run)' : 'replay')
  const summary: ReplaySummary = { dryRun, replayed: [], skipped: [] }
  let budget = query.limit ?? 100
  for (const [i, queue] of queues.entries()) {
    if (budget <= 0) break
    const part = await replayAll(envCtx, { ...query, queue: queue.name, limit: budget }, dryRun)
    summary.replayed.push(...part.replayed)
    summary.skipped.push(...part.skipped)
    budget -= part.replayed.length + part.skipped.length
    bar.update(i + 1, queues.length, queue.name)
  }
  bar.stop()
  return summary
}

/**
 * Runs the subcommand; resolves to the exit code (EXIT.OK, FAILED, USAGE). `env` is the process
 * environment the gateway's configuration is read from (tests pass their own).
 */
export async function runDeadLetters(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (err) {
    io.err(`dead-letters: ${(err as Error).message}\n${DEAD_LETTERS_USAGE}`)
    return EXIT.USAGE
  }
  const config = loadConfig(env)
  if (!config.environments.includes(args.env)) {
    io.err(`dead-letters: this deployment does not serve ${args.env} (ENVIRONMENTS=${config.ENVIRONMENTS})`)
    return EXIT.USAGE
  }
  return withEnvContext(env, args.env, async (envCtx) => {
    try {
      if (args.action === 'list') {
        const letters = await listAllDeadLetters(envCtx, args.query)
        if (args.json) io.out(JSON.stringify(letters, null, 2))
        else {
          for (const l of letters) io.out(`${l.failedAt ?? '-'}  ${l.queue}  ${l.jobId}  party=${l.party ?? '-'}  attempts=${l.attempts}  ${l.reason}`)
          io.out(`${letters.length} dead letter(s)`)
        }
      } else if (args.action === 'purge') {
        const bar = progressBar(args.dryRun ? 'purge (dry run)' : 'purge')
        const olderThan = new Date(Date.now() - (args.olderThanDays ?? 0) * 86_400_000)
        const result = await purgeDeadLetters(envCtx, olderThan, args.query, args.dryRun, (done, total) => bar.update(done, total))
        bar.stop()
        if (args.json) io.out(JSON.stringify(result, null, 2))
        else {
          for (const r of result.purged) io.out(`${args.dryRun ? 'would purge' : 'purged'}  ${r.queue}  ${r.jobId}`)
          io.out(`${result.purged.length} ${args.dryRun ? 'to purge (dry run, nothing changed)' : 'purged'} (failed before ${olderThan.toISOString()})`)
        }
      } else {
        const result = await replayWithProgress(envCtx, args.query, args.dryRun)
        if (args.json) io.out(JSON.stringify(result, null, 2))
        else {
          for (const r of result.replayed) io.out(`${args.dryRun ? 'would replay' : 'replayed'}  ${r.queue}  ${r.jobId}`)
          for (const r of result.skipped) io.out(`skipped (no longer dead)  ${r.queue}  ${r.jobId}`)
          io.out(`${result.replayed.length} ${args.dryRun ? 'to replay (dry run, nothing changed)' : 'replayed'}, ${result.skipped.length} skipped`)
        }
      }
      return EXIT.OK
    } catch (err) {
      io.err(`dead-letters: ${(err as Error).message}`)
      return EXIT.FAILED
    }
  })
}

export const deadLettersCommand: CliCommand = {
  summary: 'list or replay dead-lettered jobs (push deliveries, forwards) of an environment; purge old ones',
  usage: DEAD_LETTERS_USAGE,
  run: (args, io) => runDeadLetters(args, io),
}
