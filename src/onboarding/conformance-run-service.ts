/**
 * Conformance runs judged by the gateway (acceptance):
 * - start: the sandbox creates the run's blinkers (the same generator and publish service as
 *   POST /v1/sandbox/blinkers), the run is recorded with its plan and deadline, and the party gets
 *   what to do per scenario;
 * - judge: from the gateway's own records (conformance-judge.ts), frozen once final; a PASSED run
 *   records the pass that opens production for a party marked requireConformancePass;
 * - for operators: every software house's status, and revoking a pass.
 */
import { randomUUID } from 'node:crypto'
import type { EnvContext } from '../context.js'
import type { HistoryEntry } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { requireCpas } from '../ingress/rest/auth.js'
import type { Party, PartyDirectory } from '../parties/parties.js'
import { checkKbo } from '../services/mailbox-service.js'
import { getBlinker } from '../store/blinker-store.js'
import { acceptancePrefix } from './conformance-store.js'
import { forgetPass, GATEWAY_VERSION } from './conformance-service.js'
import { judgeRun, type RunVerdict, type ScenarioStatus } from './conformance-judge.js'
import { blinkerFlows, buildPlan, planBlinkerIds, type PlannedScenario } from './conformance-run-plan.js'
import { runLogWriter } from './conformance-run-log.js'
import { freezeRun, readPartyRecords, readRun, readRunLog, revokePass, saveNewRun, type JudgedPass, type Revocation, type StoredRun } from './conformance-run-store.js'
import { createSandboxBlinkers } from './sandbox-service.js'
import { unservedKbo } from './sandbox-generator.js'

export interface StartRunRequest {
  /** The CPAS the run's blinkers are created for; default the first the party serves (sorted). */
  cpasKbo?: string
  /** Minutes the party has to do everything; default 60 (5–1440). */
  deadlineMinutes?: number
}

export const DEFAULT_DEADLINE_MINUTES = 60

export interface RunView {
  id: string
  partyId: string
  cpasKbo: string
  startedAt: string
  deadline: string
  gatewayVersion: string
  verdict: RunVerdict
  /** When the verdict became final; null while RUNNING. */
  judgedAt: string | null
  scenarios: (PlannedScenario & { status: ScenarioStatus; reason: string })[]
}

function requireAcceptance(envCtx: EnvContext): void {
  if (envCtx.env !== 'acceptance') throw new GatewayError('GW_ERR_NOT_FOUND', 'Conformance runs exist in acceptance only')
}

const viewOf = (run: StoredRun, verdict: RunVerdict, judged: readonly { status: ScenarioStatus; reason: string }[], judgedAt: string | null): RunView => ({
  id: run.id,
  partyId: run.partyId,
  cpasKbo: run.cpasKbo,
  startedAt: run.startedAt,
  deadline: run.deadline,
  gatewayVersion: run.gatewayVersion,
  verdict,
  judgedAt,
  scenarios: run.scenarios.map((s, i) => ({ ...s, status: judged[i]?.status ?? 'PENDING', reason: judged[i]?.reason ?? 'not judged yet' })),
})

export async function startRun(envCtx: EnvContext, party: Party, req: StartRunRequest, now = new Date()): Promise<RunView> {
  requireAcceptance(envCtx)
  const cpasKbo = req.cpasKbo ?? [...party.cpas].sort()[0]
  if (!cpasKbo) throw new GatewayError('GW_ERR_FORBIDDEN_CPAS', `Party ${party.id} serves no CPAS: a run needs one to create its blinkers for`)
  checkKbo(cpasKbo)
  requireCpas(party, cpasKbo)
  const blinkers = await createSandboxBlinkers(envCtx, party, { cpasKbo, flows: blinkerFlows() })
  const minutes = req.deadlineMinutes ?? DEFAULT_DEADLINE_MINUTES
  const run: StoredRun = {
    id: randomUUID(),
    partyId: party.id,
    cpasKbo,
    startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + minutes * 60_000).toISOString(),
    gatewayVersion: GATEWAY_VERSION,
    scenarios: buildPlan(blinkers, unservedKbo([...party.cpas])),
  }
  await saveNewRun(envCtx.redis, envCtx.keys, run, now.getTime())
  return viewOf(run, 'RUNNING', run.scenarios.map(() => ({ status: 'PENDING' as const, reason: 'not done yet' })), null)
}

/** Judges a run from the records (unless already final) and freezes it once final. */
async function judge(envCtx: EnvContext, run: StoredRun, now: Date): Promise<RunView> {
  if (run.judgment) return viewOf(run, run.judgment.verdict, run.judgment.scenarios, run.judgment.judgedAt)
  // This process's last answers first: their log entries may still be queued.
  await runLogWriter(envCtx)?.drain()
  const ids = planBlinkerIds(run.scenarios)
  const [blinkers, log] = await Promise.all([Promise.all(ids.map((id) => getBlinker(envCtx.redis, envCtx.keys, id, true))), readRunLog(envCtx.redis, envCtx.keys, run.id)])
  const histories = new Map<string, HistoryEntry[]>()
  blinkers.forEach((b, i) => b && histories.set(ids[i] as string, b.history ?? []))
  const judgment = judgeRun({ partyId: run.partyId, plan: run.scenarios, startedAt: Date.parse(run.startedAt), deadline: Date.parse(run.deadline), histories, log, now: now.getTime() })
  if (judgment.verdict === 'RUNNING') return viewOf(run, 'RUNNING', judgment.scenarios, null)
  const frozen = await freezeRun(envCtx.redis, envCtx.keys, run, judgment, now.toISOString())
  return viewOf(frozen, judgment.verdict, judgment.scenarios, now.toISOString())
}

/** The caller's own run, judged now; another party's id is answered as unknown. */
export async function getRun(envCtx: EnvContext, party: Party, runId: string, now = new Date()): Promise<RunView> {
  requireAcceptance(envCtx)
  const run = await readRun(envCtx.redis, envCtx.keys, runId.toLowerCase())
  if (!run || run.partyId !== party.id) throw new GatewayError('GW_ERR_NOT_FOUND', `No conformance run ${runId} of party ${party.id} (runs are kept 30 days)`)
  return judge(envCtx, run, now)
}

export interface PartyConformanceStatus {
  partyId: string
  name?: string
  /** Production refuses the party until a judged pass (parties file, production section). */
  requireConformancePass: boolean
  latestRun: { id: string; startedAt: string; deadline: string; verdict: RunVerdict; judgedAt: string | null } | null
  /** The latest judged full pass: what opens production. */
  pass: Pick<JudgedPass, 'runId' | 'passedAt' | 'gatewayVersion'> | null
  revoked: Revocation | null
}

/** Every software house of acceptance, judged up to now (a run nobody polled is judged here). */
export async function conformanceStatus(envCtx: EnvContext, directory: PartyDirectory, now = new Date()): Promise<PartyConformanceStatus[]> {
  requireAcceptance(envCtx)
  const houses = [...envCtx.parties.parties.values()].filter((p) => p.role === 'software-house').sort((a, b) => a.id.localeCompare(b.id))
  const records = await readPartyRecords(envCtx.redis, envCtx.keys, houses.map((p) => p.id))
  const production = directory.environments.get('production')?.parties
  return Promise.all(
    houses.map(async (party, i) => {
      const rec = records[i]
      const run = rec?.lastRun ? await judge(envCtx, rec.lastRun, now) : undefined
      // A run that passed just now, in this judgment, wrote the pass after the MGET read none.
      const justPassed = run?.verdict === 'PASSED' && run.judgedAt && !rec?.lastRun?.judgment
      const pass = justPassed ? { runId: run.id, passedAt: run.judgedAt as string, gatewayVersion: run.gatewayVersion } : rec?.pass
      return {
        partyId: party.id,
        ...(party.name ? { name: party.name } : {}),
        requireConformancePass: production?.get(party.id)?.requireConformancePass === true,
        latestRun: run ? { id: run.id, startedAt: run.startedAt, deadline: run.deadline, verdict: run.verdict, judgedAt: run.judgedAt } : null,
        pass: pass ? { runId: pass.runId, passedAt: pass.passedAt, gatewayVersion: pass.gatewayVersion } : null,
        revoked: rec?.revoked ?? null,
      }
    }),
  )
}

/** An operator takes a party's pass away: production refuses it again (cached passes: within PASS_CACHE_MS). */
export async function revokeConformancePass(envCtx: EnvContext, partyId: string, by: string, reason: string, now = new Date()): Promise<{ partyId: string; revoked: Revocation }> {
  requireAcceptance(envCtx)
  const party = envCtx.parties.parties.get(partyId)
  if (!party || party.role !== 'software-house') throw new GatewayError('GW_ERR_NOT_FOUND', `No software house ${partyId} in acceptance`)
  const done = await revokePass(envCtx.redis, envCtx.keys, partyId, by, reason, now.toISOString())
  if (!done) throw new GatewayError('GW_ERR_NOT_FOUND', `Party ${partyId} has no judged conformance pass to revoke`)
  forgetPass(acceptancePrefix(envCtx.config), partyId)
  return { partyId, revoked: done.revocation }
}
