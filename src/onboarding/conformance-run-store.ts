/**
 * Redis side of gateway-judged conformance runs (acceptance): the run record (plan, window and,
 * once final, its frozen judgment), the "run in progress" key the run log appends under, the
 * party's latest run, its latest judged full pass (what the production gate and the barometer
 * read) and the operator's revocation. Key layout and lifetimes: store/keys.ts.
 */
import type { Redis } from 'ioredis'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'
import type { Judgment, ScenarioJudgment, RunVerdict } from './conformance-judge.js'
import type { PlannedScenario } from './conformance-run-plan.js'
import { RUN_RETENTION_S, type RunLogEntry } from './conformance-run-log.js'

export interface StoredRun {
  id: string
  partyId: string
  cpasKbo: string
  startedAt: string
  deadline: string
  gatewayVersion: string
  scenarios: PlannedScenario[]
  /** Set once the verdict is final (PASSED, FAILED, EXPIRED): later records change nothing. */
  judgment?: { verdict: Exclude<RunVerdict, 'RUNNING'>; judgedAt: string; scenarios: ScenarioJudgment[] }
}

/** The latest judged full pass of a party: what opens production. */
export interface JudgedPass {
  partyId: string
  runId: string
  passedAt: string
  gatewayVersion: string
  scenarios: string[]
}

export interface Revocation {
  at: string
  /** The person who revoked (as the operator named them). */
  by: string
  reason: string
  runId: string
}

/** Records a new run, makes it the party's run in progress (until its deadline) and its latest run. */
export async function saveNewRun(redis: Redis, prefix: string, run: StoredRun, now: number): Promise<void> {
  await redis
    .multi()
    .set(keys.conformanceRun(prefix, run.id), JSON.stringify(run), 'EX', RUN_RETENTION_S)
    .set(keys.conformanceActive(prefix, run.partyId), run.id, 'PX', Math.max(1, Date.parse(run.deadline) - now))
    .set(keys.conformanceLastRun(prefix, run.partyId), run.id, 'EX', RUN_RETENTION_S)
    .exec()
}

export async function readRun(redis: Redis, prefix: string, runId: string): Promise<StoredRun | undefined> {
  const json = await redis.get(keys.conformanceRun(prefix, runId))
  return json ? (JSON.parse(json) as StoredRun) : undefined
}

export async function readRunLog(redis: Redis, prefix: string, runId: string): Promise<RunLogEntry[]> {
  return (await redis.lrange(keys.conformanceRunLog(prefix, runId), 0, -1)).map((line) => JSON.parse(line) as RunLogEntry)
}

/**
 * One step: the run with its final judgment (TTL kept), its "in progress" key gone if it is still
 * this run's (a newer run keeps its own), and the pass recorded when it passed.
 * KEYS: run, active, pass. ARGV: run JSON, run id, pass JSON or ''.
 */
const FREEZE_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3]) end
return 1
`
const freezeScript: LuaScript = { numberOfKeys: 3, lua: FREEZE_LUA }

export async function freezeRun(redis: Redis, prefix: string, run: StoredRun, judgment: Judgment, judgedAt: string): Promise<StoredRun> {
  if (judgment.verdict === 'RUNNING') return run
  const frozen: StoredRun = { ...run, judgment: { verdict: judgment.verdict, judgedAt, scenarios: judgment.scenarios } }
  const pass: JudgedPass | undefined =
    judgment.verdict === 'PASSED' ? { partyId: run.partyId, runId: run.id, passedAt: judgedAt, gatewayVersion: run.gatewayVersion, scenarios: run.scenarios.map((s) => s.name) } : undefined
  await runScript(redis, freezeScript, [keys.conformanceRun(prefix, run.id), keys.conformanceActive(prefix, run.partyId), keys.conformancePass(prefix, run.partyId)], [JSON.stringify(frozen), run.id, pass ? JSON.stringify(pass) : ''])
  return frozen
}

export interface PartyConformanceRecords {
  lastRun: StoredRun | undefined
  pass: JudgedPass | undefined
  revoked: Revocation | undefined
}

/** The records of each party (three MGETs however many parties: latest run ids, passes, revocations; then the runs). */
export async function readPartyRecords(redis: Redis, prefix: string, partyIds: readonly string[]): Promise<PartyConformanceRecords[]> {
  if (partyIds.length === 0) return []
  const [runIds, passes, revocations] = await Promise.all([
    redis.mget(...partyIds.map((id) => keys.conformanceLastRun(prefix, id))),
    redis.mget(...partyIds.map((id) => keys.conformancePass(prefix, id))),
    redis.mget(...partyIds.map((id) => keys.conformanceRevoked(prefix, id))),
  ])
  const wanted = runIds.filter((id): id is string => typeof id === 'string')
  const runs = wanted.length > 0 ? await redis.mget(...wanted.map((id) => keys.conformanceRun(prefix, id))) : []
  const runById = new Map(wanted.map((id, i) => [id, runs[i]]))
  const parse = <T>(json: string | null | undefined): T | undefined => (json ? (JSON.parse(json) as T) : undefined)
  return partyIds.map((_, i) => ({
    lastRun: parse<StoredRun>(runIds[i] ? runById.get(runIds[i] as string) : undefined),
    pass: parse<JudgedPass>(passes[i]),
    revoked: parse<Revocation>(revocations[i]),
  }))
}

/** Deletes the party's pass and records who revoked it; undefined when there was no pass. */
export async function revokePass(redis: Redis, prefix: string, partyId: string, by: string, reason: string, at: string): Promise<{ pass: JudgedPass; revocation: Revocation } | undefined> {
  const json = await redis.getdel(keys.conformancePass(prefix, partyId))
  if (!json) return undefined
  const pass = JSON.parse(json) as JudgedPass
  const revocation: Revocation = { at, by, reason, runId: pass.runId }
  await redis.set(keys.conformanceRevoked(prefix, partyId), JSON.stringify(revocation))
  return { pass, revocation }
}
