/**
 * `blinker-gateway conformance --base URL --token T [--soap]` — a software house's self-check
 * against an acceptance endpoint. Prints one line per scenario (PASS/FAIL with the precise
 * reason), totals, and what the gateway recorded; exit 0 only when every scenario run passed.
 *
 *   conformance --base http://localhost:3000 --token demo-acc-alpha [--soap] [--cpas KBO]
 *     [--push-host 127.0.0.1] [--push-port 0] [--push-url URL] [--push-timeout-ms 15000]
 *     [--only a,b] [--no-record] [--json]
 */
import { parseArgs } from 'node:util'
import { formatReport } from '../onboarding/conformance/report.js'
import { runConformance, RunnerSetupError, type RunnerOptions } from '../onboarding/conformance/runner.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

export const CONFORMANCE_USAGE = `Usage: blinker-gateway conformance --base <gateway URL> --token <acceptance token> [--soap]
  [--cpas <kbo>] [--push-host <addr>] [--push-port <n>] [--push-url <URL the gateway can reach>]
  [--push-timeout-ms <n>] [--only <scenario,...>] [--no-record] [--json]
Runs the conformance scenarios against the acceptance environment, records the result in the
gateway (a full pass is what unlocks production when required), exit 0 when all passed, 1 if not.`

class UsageError extends Error {}

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  return n
}

export function parseConformanceArgs(argv: readonly string[]): RunnerOptions & { json: boolean } {
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
  return {
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

export async function runConformanceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let opts: ReturnType<typeof parseConformanceArgs>
  try {
    opts = parseConformanceArgs(argv)
  } catch (err) {
    io.err(`conformance: ${(err as Error).message}\n${CONFORMANCE_USAGE}`)
    return EXIT.USAGE
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
  summary: 'run the onboarding conformance scenarios against an acceptance gateway and record the result',
  usage: CONFORMANCE_USAGE,
  run: (args, io) => runConformanceCommand(args, io),
}
