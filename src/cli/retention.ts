/**
 * `blinker-gateway retention --env <env> [--older-than-days N] [--dry-run] [--json]`: purges the
 * personal data of closed blinkers and the comments of finished feedback untouched for N days
 * (default RETENTION_DAYS), and trims the built-in inspection inbox. See src/retention/retention.ts.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { runRetention } from '../retention/retention.js'
import { intOption, requireEnv, UsageError, withEnvContext } from './cli-context.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'
import { progressBar } from './progress.js'

export const RETENTION_USAGE = `Usage: blinker-gateway retention --env <acceptance|production> [--older-than-days <n>] [--dry-run] [--json]

Closed blinkers untouched for n days (default RETENTION_DAYS, 400) lose their personal and
free-text fields and leave the CPAS mailbox; finished feedback loses its comment; the built-in
inspection inbox drops older entries. Ids, CPAS, flow, codes, dates, statuses and histories stay
for statistics. --dry-run counts what would be purged and changes nothing.

Exit status: 0 done, 2 wrong usage or Redis unreachable.`

export async function runRetentionCommand(argv: readonly string[], io: CliIo, processEnv: Record<string, string | undefined> = process.env): Promise<number> {
  let env
  let days: number
  let values
  try {
    ;({ values } = parseArgs({ args: [...argv], options: { env: { type: 'string' }, 'older-than-days': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } }))
    const config = loadConfig(processEnv)
    env = requireEnv(values.env, config)
    days = intOption('older-than-days', values['older-than-days'], 1, 36_500) ?? config.RETENTION_DAYS
  } catch (err) {
    io.err(`retention: ${(err as Error).message}\n${RETENTION_USAGE}`)
    return EXIT.USAGE
  }
  const dryRun = values['dry-run'] ?? false
  const bar = progressBar(dryRun ? 'retention (dry run)' : 'retention')
  try {
    const report = await withEnvContext(processEnv, env, (ctx) =>
      runRetention(ctx, { olderThanDays: days, dryRun, onProgress: (p) => bar.update(p.done, p.total ?? p.done, p.phase) }),
    )
    bar.stop()
    if (values.json) io.out(JSON.stringify(report, null, 2))
    else {
      const verb = dryRun ? 'would purge' : 'purged'
      io.out(`${env}: records untouched since ${report.cutoff}`)
      io.out(`  blinkers  ${verb} ${report.blinkers.purged} of ${report.blinkers.examined} examined`)
      io.out(`  feedback  ${verb} ${report.feedback.purged} of ${report.feedback.examined} examined`)
      io.out(`  inspection inbox  ${dryRun ? 'would drop' : 'dropped'} ${report.inboxEntries} entries`)
      if (dryRun) io.out('dry run: nothing changed')
    }
    return EXIT.OK
  } catch (err) {
    bar.stop()
    io.err(`retention: ${err instanceof UsageError ? err.message : `failed: ${(err as Error).message}`}`)
    return EXIT.USAGE
  }
}

export const retentionCommand: CliCommand = {
  summary: 'purge personal data of old closed blinkers and finished feedback (dry run available)',
  usage: RETENTION_USAGE,
  run: (args, io) => runRetentionCommand(args, io),
}
