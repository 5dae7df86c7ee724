/**
 * `blinker-gateway conformance --base URL --token T` — a software house against an acceptance
 * endpoint, two ways:
 * - `--judged`: a run the GATEWAY judges (the one that opens production): starts it, does every
 *   scenario as a software house's software would, prints the gateway's verdict per scenario;
 *   exit 0 only when PASSED. `--start-only` just starts one and prints what to do (JSON), for the
 *   party's own software; `--run <id>` prints the gateway's verdict on a run.
 * - default: the self-check (PASS/FAIL per scenario with the precise reason, totals), reported to
 *   the gateway for information; exit 0 only when every scenario run passed.
 *
 *   conformance --base http://localhost:3000 --token demo-acc-alpha [--soap] [--cpas KBO]
 *     [--push-host 127.0.0.1] [--push-port 0] [--push-url URL] [--push-timeout-ms 15000]
 *     [--only a,b] [--no-record] [--json]
 *     [--judged [--start-only | --run <id>] [--deadline-minutes 60]]
 */
import { parseArgs } from 'node:util'
import { clientFor, driveJudgedRun, formatJudgedRun, judgedVerdict, JudgedRunError, startJudgedRun, type JudgedRun } from '../onboarding/conformance/judged-run.js'
import { formatReport } from '../onboarding/conformance/report.js'
import { runConformance, RunnerSetupError, type RunnerOptions } from '../onboarding/conformance/runner.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

export const CONFORMANCE_USAGE = `Usage: blinker-gateway conformance --base <gateway URL> --token <acceptance token> [--soap]
  [--cpas <kbo>] [--push-host <addr>] [--push-port <n>] [--push-url <URL the gateway can reach>]
  [--push-timeout-ms <n>] [--only <scenario,...>] [--no-record] [--json]
  [--judged [--start-only | --run <run id>] [--deadline-minutes <n>]]
--judged: starts a run the gateway judges from its own records, does every scenario, prints the
gateway's verdict; exit 0 when PASSED (what unlocks production when required), 1 if not.
--start-only prints the run and what to do for your own software; --run prints a run's verdict.
Without --judged: the self-check, reported to the gateway for information (it opens nothing);
exit 0 when all passed, 1 if not.`

class UsageError extends Error {}

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  return n
}

export interface ConformanceArgs extends RunnerOptions {
  json: boolean
  /** --judged: drive a run (default), only start one (--start-only), or read one (--run). */
  judged?: { mode: 'drive' } | { mode: 'start' } | { mode: 'verdict'; runId: string }
  deadlineMinutes?: number
}

export function parseConformanceArgs(argv: readonly string[]): ConformanceArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string' },
      token: { type: 'string' },
      soap: { type: 'boolean', default: false },
      cpas: { type: 'string' },
      'push-host': { type: 'string' },
      'push-port': { type: 'string' },
      'push-url': { type: 'string' },
      'push-timeout-ms': { type: 'string' },
      only: { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      judged: { type: 'boolean', default: false },
      'start-only': { type: 'boolean', default: false },
      run: { type: 'string' },
      'deadline-minutes': { type: 'string' },
    },
  })
  if (!values.base || !/^https?:\/\/[^\s]+$/.test(values.base)) throw new UsageError('--base <http(s) URL of the gateway> is required')
  if (!values.token) throw new UsageError('--token <acceptance token of the software house> is required')
  const push: NonNullable<RunnerOptions['push']> = {}
  if (values['push-host']) push.host = values['push-host']
  const port = int('push-port', values['push-port'], 0, 65535)
  if (port !== undefined) push.port = port
  if (values['push-url']) push.publicUrl = values['push-url']
  const timeout = int('push-timeout-ms', values['push-timeout-ms'], 100, 600_000)
  if (timeout !== undefined) push.timeoutMs = timeout
  if (!values.judged && (values['start-only'] || values.run || values['deadline-minutes'])) throw new UsageError('--start-only, --run and --deadline-minutes go with --judged')
  if (values['start-only'] && values.run) throw new UsageError('--start-only and --run exclude each other')
  if (values.run && !/^[0-9a-fA-F-]{36}$/.test(values.run)) throw new UsageError('--run takes the id of a run (a UUID)')
  const deadlineMinutes = int('deadline-minutes', values['deadline-minutes'], 5, 1440)
  const judged: ConformanceArgs['judged'] = values.run ? { mode: 'verdict', runId: values.run } : values['start-only'] ? { mode: 'start' } : { mode: 'drive' }
  return {
    ...(values.judged ? { judged } : {}),
    ...(deadlineMinutes !== undefined ? { deadlineMinutes } : {}),
    baseUrl: values.base,
    token: values.token,
    soap: values.soap ?? false,
    ...(values.cpas ? { cpasKbo: values.cpas } : {}),
    push,
    record: !values['no-record'],
    ...(values.only ? { only: values.only.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    json: values.json ?? false,
  }
}

async function runJudged(opts: ConformanceArgs, judged: NonNullable<ConformanceArgs['judged']>, io: CliIo): Promise<number> {
  const { client, target } = clientFor(opts)
  let run: JudgedRun
  if (judged.mode === 'start') {
    run = await startJudgedRun(client, { ...(opts.cpasKbo ? { cpasKbo: opts.cpasKbo } : {}), ...(opts.deadlineMinutes ? { deadlineMinutes: opts.deadlineMinutes } : {}) })
    io.out(JSON.stringify(run, null, 2))
    return EXIT.OK
  }
  if (judged.mode === 'verdict') run = await judgedVerdict(client, judged.runId)
  else {
    run = (
      await driveJudgedRun({
        ...opts,
        ...(opts.cpasKbo ? { cpasKbo: opts.cpasKbo } : {}),
        ...(opts.deadlineMinutes ? { deadlineMinutes: opts.deadlineMinutes } : {}),
        ...(opts.only ? { only: opts.only } : {}),
      })
    ).run
  }
  if (opts.json) io.out(JSON.stringify(run, null, 2))
  else for (const line of formatJudgedRun(target, run)) io.out(line)
  return run.verdict === 'PASSED' ? EXIT.OK : EXIT.FAILED
}

export async function runConformanceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let opts: ConformanceArgs
  try {
    opts = parseConformanceArgs(argv)
  } catch (err) {
    io.err(`conformance: ${(err as Error).message}\n${CONFORMANCE_USAGE}`)
    return EXIT.USAGE
  }
  if (opts.judged) {
    try {
      return await runJudged(opts, opts.judged, io)
    } catch (err) {
      // A gateway unreachable, a token refused, no run routes (production): one line, exit 1.
      io.err(`conformance: ${err instanceof JudgedRunError ? '' : 'cannot run against the gateway: '}${(err as Error).message}`)
      return EXIT.FAILED
    }
  }
  try {
    const report = await runConformance(opts)
    if (opts.json) io.out(JSON.stringify(report, null, 2))
    else for (const line of formatReport(report)) io.out(line)
    return report.failed === 0 && report.results.length > 0 ? EXIT.OK : EXIT.FAILED
  } catch (err) {
    if (!(err instanceof RunnerSetupError)) throw err
    io.err(`conformance: ${err.message}`)
    return EXIT.FAILED
  }
}

export const conformanceCommand: CliCommand = {
  summary: 'conformance against an acceptance gateway: a run the gateway judges (--judged), or the self-check',
  usage: CONFORMANCE_USAGE,
  run: (args, io) => runConformanceCommand(args, io),
}
