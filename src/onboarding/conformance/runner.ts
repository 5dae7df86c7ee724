/**
 * Runs the conformance scenarios against an acceptance endpoint with a software house's token,
 * then records the result in the gateway (POST /acceptance/v1/conformance/results), where a full
 * pass unlocks production for parties that require one. Scenarios run one after the other (they
 * share the mailbox cursor); each failure is kept with its precise reason and the run goes on.
 */
import type { Dispatcher } from 'undici'
import { BlinkerGatewayClient, GatewayProblemError, type ConformanceRecord, type ConformanceScenarioResult } from '../../client/index.js'
import { GATEWAY_VERSION } from '../conformance-service.js'
import { unservedKbo } from '../sandbox-generator.js'
import { ScenarioFailure, type PushOptions, type Scenario, type ScenarioContext } from './scenario-kit.js'
import { REST_SCENARIOS } from './scenarios.js'
import { SOAP_SCENARIO_LIST } from './soap-scenarios.js'

export const RUNNER_NAME = 'blinker-gateway conformance'

export interface RunnerOptions {
  /** Gateway root, e.g. http://localhost:3000 (an /acceptance suffix is accepted and dropped). */
  baseUrl: string
  /** The software house's ACCEPTANCE token. */
  token: string
  /** Also run the SOAP scenarios; default false. */
  soap?: boolean
  /** CPAS to work on; default the first one the party serves. */
  cpasKbo?: string
  /** The local webhook of the push scenario; default 127.0.0.1, port 0, 15 s. */
  push?: Partial<PushOptions>
  /** Post the result to the gateway; default true. */
  record?: boolean
  /** Run only these scenarios (a partial run is recorded, but is never a full pass). */
  only?: readonly string[]
  /** undici dispatcher for every call (tests, proxies); default undici's global one. */
  dispatcher?: Dispatcher
}

export interface RunReport {
  target: string
  partyId: string
  cpasKbo: string
  startedAt: string
  finishedAt: string
  soap: boolean
  results: ConformanceScenarioResult[]
  passed: number
  failed: number
  /** What the gateway recorded (unless --no-record, or recording failed: see recordError). */
  record?: ConformanceRecord
  recordError?: string
}

/** The run could not start (gateway unreachable, wrong token, not acceptance…). */
export class RunnerSetupError extends Error {
  override name = 'RunnerSetupError'
}

/** Re-exported: the gateway's run plan uses the same (sandbox-generator.ts). */
export { unservedKbo } from '../sandbox-generator.js'

const reason = (err: unknown): string => {
  if (err instanceof ScenarioFailure) return err.message
  if (err instanceof GatewayProblemError) return `unexpected answer: ${err.message}`
  return `error: ${(err as Error)?.message ?? String(err)}`
}

async function setup(client: BlinkerGatewayClient, opts: RunnerOptions): Promise<ScenarioContext> {
  try {
    const profile = await client.sandboxProfile()
    const cpasKbo = opts.cpasKbo ?? profile.cpas[0]
    if (!cpasKbo) throw new RunnerSetupError(`party ${profile.partyId} serves no CPAS: nothing to test with`)
    if (!profile.cpas.includes(cpasKbo)) throw new RunnerSetupError(`party ${profile.partyId} does not serve CPAS ${cpasKbo} (it serves ${profile.cpas.join(', ')})`)
    const [catalogue, reset] = await Promise.all([client.feedbackCodes(), client.resetSandboxMailbox(cpasKbo)])
    return {
      client,
      partyId: profile.partyId,
      cpasKbo,
      otherKbo: unservedKbo(profile.cpas),
      catalogue,
      push: { host: '127.0.0.1', port: 0, timeoutMs: 15_000, ...opts.push },
      cursor: reset.next,
    }
  } catch (err) {
    if (err instanceof RunnerSetupError) throw err
    const hint = err instanceof GatewayProblemError && err.status === 404 ? ' (is this the acceptance environment of a gateway with the sandbox?)' : ''
    throw new RunnerSetupError(`cannot start against ${client.baseUrl}/acceptance: ${(err as Error).message}${hint}`)
  }
}

export async function runConformance(opts: RunnerOptions): Promise<RunReport> {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '').replace(/\/acceptance$/, '')
  const client = new BlinkerGatewayClient({ baseUrl, token: opts.token, environment: 'acceptance', ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) })
  const startedAt = new Date().toISOString()
  const ctx = await setup(client, opts)
  let scenarios: readonly Scenario[] = opts.soap ? [...REST_SCENARIOS, ...SOAP_SCENARIO_LIST] : REST_SCENARIOS
  if (opts.only) {
    const unknown = opts.only.filter((name) => ![...REST_SCENARIOS, ...SOAP_SCENARIO_LIST].some((s) => s.name === name))
    if (unknown.length > 0) throw new RunnerSetupError(`unknown scenario(s): ${unknown.join(', ')}`)
    scenarios = [...REST_SCENARIOS, ...SOAP_SCENARIO_LIST].filter((s) => opts.only?.includes(s.name))
  }
  const results: ConformanceScenarioResult[] = []
  for (const scenario of scenarios) {
    const t0 = performance.now()
    try {
      await scenario.run(ctx)
      results.push({ name: scenario.name, passed: true, durationMs: Math.round(performance.now() - t0) })
    } catch (err) {
      results.push({ name: scenario.name, passed: false, detail: reason(err).slice(0, 2000), durationMs: Math.round(performance.now() - t0) })
    }
  }
  const finishedAt = new Date().toISOString()
  const report: RunReport = {
    target: baseUrl,
    partyId: ctx.partyId,
    cpasKbo: ctx.cpasKbo,
    startedAt,
    finishedAt,
    soap: opts.soap ?? false,
    results,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed).length,
  }
  if (opts.record ?? true) {
    try {
      report.record = await client.recordConformanceRun({ runner: { name: RUNNER_NAME, version: GATEWAY_VERSION }, startedAt, finishedAt, soap: report.soap, target: baseUrl, scenarios: results })
    } catch (err) {
      report.recordError = (err as Error).message
    }
  }
  return report
}
