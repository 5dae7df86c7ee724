/**
 * `blinker-gateway audit verify [--env acceptance|production] [--json]` — walks the audit stream
 * of each environment (all served ones by default) and checks the hash chain entry by entry. Exit
 * 0 when every chain is intact, 1 naming the first broken entry (stream id, position, reason), 2 on
 * a usage or connection problem. Prints each chain's head hash: recorded outside the gateway (a
 * ticket, a signed mail), it also proves later that the tail was not cut or rewritten as a whole.
 * Reads REDIS_URL, KEY_PREFIX and ENVIRONMENTS like the gateway; never starts a Redis of its own.
 */
import { parseArgs } from 'node:util'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { ENVIRONMENTS, loadConfig, type EnvName } from '../config.js'
import { verifyAuditChain, type ChainReport } from '../security/audit-chain.js'
import { keys } from '../store/keys.js'
import { commandConnection, waitReady } from '../store/redis-client.js'
import { resolveRedis } from '../store/redis-resolve.js'

export const AUDIT_USAGE = `Usage: blinker-gateway audit verify [--env <acceptance|production>] [--json]
  Checks the hash chain of the audit trail; exit 0 intact, 1 broken (the first broken entry is named).`

class UsageError extends Error {}

function parse(argv: readonly string[]): { envs: EnvName[] | undefined; json: boolean } {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { env: { type: 'string' }, json: { type: 'boolean', default: false } } })
  if (positionals[0] !== 'verify' || positionals.length > 1) throw new UsageError(`expected verify, got ${positionals.join(' ') || 'nothing'}`)
  if (values.env !== undefined && !(ENVIRONMENTS as readonly string[]).includes(values.env)) throw new UsageError('--env must be acceptance or production')
  return { envs: values.env === undefined ? undefined : [values.env as EnvName], json: values.json ?? false }
}

function describe(env: string, r: ChainReport): string {
  if (r.broken) return `${env}: BROKEN at entry ${r.broken.id} (#${r.broken.position} of ${r.entries} read): ${r.broken.reason}`
  return `${env}: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}, chain intact${r.entries ? ` (${r.firstEntry} … ${r.lastEntry})` : ''}, head ${r.head}`
}

/** Runs the command; `env` is the process environment the configuration is read from (tests pass their own). */
export async function runAudit(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (err) {
    io.err(`audit: ${(err as Error).message}\n${AUDIT_USAGE}`)
    return EXIT.USAGE
  }
  const config = loadConfig(env)
  const envs = args.envs ?? [...config.environments]
  const unserved = envs.filter((e) => !config.environments.includes(e))
  if (unserved.length > 0) {
    io.err(`audit: this deployment does not serve ${unserved.join(', ')} (ENVIRONMENTS=${config.ENVIRONMENTS})`)
    return EXIT.USAGE
  }
  const redisInfo = await resolveRedis({ url: config.REDIS_URL, allowPrivate: false })
  const redis = commandConnection(redisInfo.url)
  // A Redis that does not answer is reported once, by waitReady below, not by every reconnect.
  redis.on('error', () => {})
  try {
    await waitReady(redis)
    const reports: Record<string, ChainReport> = {}
    for (const e of envs) reports[e] = await verifyAuditChain(redis, keys.audit(`${config.KEY_PREFIX}:${e}:`))
    if (args.json) io.out(JSON.stringify(reports, null, 2))
    else for (const [e, r] of Object.entries(reports)) (r.broken ? io.err : io.out)(describe(e, r))
    return Object.values(reports).some((r) => r.broken) ? EXIT.FAILED : EXIT.OK
  } catch (err) {
    io.err(`audit: ${(err as Error).message}`)
    return EXIT.USAGE
  } finally {
    redis.disconnect()
    await redisInfo.stop()
  }
}

export const auditCommand: CliCommand = {
  summary: 'verify the hash chain of the audit trail (names the first broken entry)',
  usage: AUDIT_USAGE,
  run: (args, io) => runAudit(args, io),
}
