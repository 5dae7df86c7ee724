/**
 * `blinker-gateway reindex --env <env> [--json]`: builds the search indexes of GET /{env}/v1/feedback
 * and GET /{env}/v1/blinkers for records stored before they existed (src/store/reindex.ts). Run once
 * after upgrading; running it again changes nothing.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { reindexAll } from '../store/reindex.js'
import { requireEnv, withEnvContext } from './cli-context.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { progressBar } from './progress.js'

export const REINDEX_USAGE = `Usage: blinker-gateway reindex --env <acceptance|production> [--json]

Puts every stored blinker and feedback message into the search indexes (the message log and the
blinker search) under its current status. Needed once for data stored before those indexes
existed; safe to repeat and to run while the gateway runs.

Exit status: 0 done, 2 wrong usage or Redis unreachable.`

export async function runReindexCommand(argv: readonly string[], io: CliIo, processEnv: Record<string, string | undefined> = process.env): Promise<number> {
  let env
  let json: boolean
  try {
    const { values } = parseArgs({ args: [...argv], options: { env: { type: 'string' }, json: { type: 'boolean', default: false } } })
    env = requireEnv(values.env, loadConfig(processEnv))
    json = values.json ?? false
  } catch (err) {
    io.err(`reindex: ${(err as Error).message}\n${REINDEX_USAGE}`)
    return EXIT.USAGE
  }
  const bar = progressBar('reindex')
  try {
    const report = await withEnvContext(processEnv, env, (ctx) => reindexAll(ctx, (p) => bar.update(p.done, p.done, p.phase)))
    bar.stop()
    if (json) io.out(JSON.stringify(report, null, 2))
    else io.out(`${env}: indexed ${report.blinkers} blinkers and ${report.feedback} feedback messages`)
    return EXIT.OK
  } catch (err) {
    bar.stop()
    io.err(`reindex: failed: ${(err as Error).message}`)
    return EXIT.USAGE
  }
}

export const reindexCommand: CliCommand = {
  summary: 'build the search indexes for records stored before they existed (once, after an upgrade)',
  usage: REINDEX_USAGE,
  run: (args, io) => runReindexCommand(args, io),
}
