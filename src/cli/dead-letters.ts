/**
 * `blinker-gateway dead-letters list|replay` — the operator's dead-letter tool outside HTTP.
 * Same service functions as the operator route (src/services/dead-letter-service.ts), so filters,
 * dry run and idempotent replay behave the same. Reads the gateway's configuration from the
 * environment (REDIS_URL, KEY_PREFIX, PARTIES_FILE, ENVIRONMENTS) and never starts a Redis of its own.
 *
 *   dead-letters list   --env acceptance [--queue delivery-alpha] [--party alpha] [--since ISO] [--until ISO] [--limit N] [--json]
 *   dead-letters replay --env acceptance [same filters] [--dry-run] [--json]
 */
import { parseArgs } from 'node:util'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { loadConfig, type EnvName } from '../config.js'
import { createContexts } from '../gateway.js'
import { loadParties } from '../parties/parties.js'
import { allQueues } from '../queue/queues.js'
import { listAllDeadLetters, replayAll, type DeadLetterQuery } from '../services/dead-letter-service.js'
import { commandConnection, waitReady } from '../store/redis-client.js'
import { resolveRedis } from '../store/redis-resolve.js'

export const DEAD_LETTERS_USAGE = `Usage: blinker-gateway dead-letters <list|replay> --env <acceptance|production>
  [--queue <name>] [--party <id>] [--since <RFC 3339>] [--until <RFC 3339>] [--limit <n>] [--dry-run] [--json]`

class UsageError extends Error {}

function parse(argv: readonly string[]): { action: 'list' | 'replay'; env: EnvName; query: DeadLetterQuery; dryRun: boolean; json: boolean } {
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
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
  const action = positionals[0]
  if (action !== 'list' && action !== 'replay') throw new UsageError(`expected list or replay, got ${action ?? 'nothing'}`)
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
  return { action, env: values.env, query, dryRun: values['dry-run'] ?? false, json: values.json ?? false }
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
  const redisInfo = await resolveRedis({ url: config.REDIS_URL, allowPrivate: false })
  const redis = commandConnection(redisInfo.url)
  try {
    await waitReady(redis)
    const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), redis)
    const envCtx = contexts.get(args.env)
    if (!envCtx) throw new Error(`no context for ${args.env}`)
    try {
      if (args.action === 'list') {
        const letters = await listAllDeadLetters(envCtx, args.query)
        if (args.json) io.out(JSON.stringify(letters, null, 2))
        else {
          for (const l of letters) io.out(`${l.failedAt ?? '-'}  ${l.queue}  ${l.jobId}  party=${l.party ?? '-'}  attempts=${l.attempts}  ${l.reason}`)
          io.out(`${letters.length} dead letter(s)`)
        }
      } else {
        const result = await replayAll(envCtx, args.query, args.dryRun)
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
    } finally {
      for (const ctx of contexts.values()) for (const q of allQueues(ctx).values()) await q.close()
    }
  } finally {
    redis.disconnect()
    await redisInfo.stop()
  }
}

export const deadLettersCommand: CliCommand = {
  summary: 'list or replay dead-lettered jobs (push deliveries, forwards) of an environment',
  usage: DEAD_LETTERS_USAGE,
  run: (args, io) => runDeadLetters(args, io),
}
