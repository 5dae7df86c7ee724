/**
 * Self-reported conformance results (POST/GET /acceptance/v1/conformance/results…) and the
 * production gate for parties marked `requireConformancePass` in the parties file.
 *
 * A self-reported run is what the runner says with the software house's own token: the gateway
 * records it, stamps the time and its own version and says whether it covers its list of
 * scenarios (`fullPass`), for information only: a forged all-pass costs one request, so it opens
 * nothing. Production opens on a run the gateway judged from its own records
 * (conformance-run-service.ts).
 */
import { readFileSync } from 'node:fs'
import type { EnvContext } from '../context.js'
import { GatewayError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { ROOT_DIR } from '../paths.js'
import { acceptancePrefix, fullPassAt, readLatest, saveRecord, type ConformanceRecord, type ConformanceRun } from './conformance-store.js'
import { REQUIRED_SCENARIOS } from './conformance/scenario-names.js'

export const GATEWAY_VERSION: string = (JSON.parse(readFileSync(`${ROOT_DIR}/package.json`, 'utf8')) as { version: string }).version

function requireAcceptance(envCtx: EnvContext): void {
  if (envCtx.env !== 'acceptance') throw new GatewayError('GW_ERR_NOT_FOUND', 'Conformance runs are recorded in acceptance only')
}

/** Judges and stores a run; answers the record as stored. */
export async function recordRun(envCtx: EnvContext, party: Party, run: ConformanceRun, now = new Date()): Promise<ConformanceRecord> {
  requireAcceptance(envCtx)
  const byName = new Map(run.scenarios.map((s) => [s.name, s]))
  const missing = REQUIRED_SCENARIOS.filter((name) => !byName.has(name))
  const failed = run.scenarios.filter((s) => !s.passed).map((s) => s.name)
  const fullPass = missing.length === 0 && REQUIRED_SCENARIOS.every((name) => byName.get(name)?.passed === true)
  const receivedAt = now.toISOString()
  // The judged pass, if any: a self-report is no pass of its own.
  const previousPass = await fullPassAt(envCtx.redis, envCtx.keys, party.id)
  const record: ConformanceRecord = {
    partyId: party.id,
    receivedAt,
    gatewayVersion: GATEWAY_VERSION,
    fullPass,
    required: [...REQUIRED_SCENARIOS],
    failed,
    missing,
    run,
    lastFullPassAt: previousPass ?? null,
  }
  await saveRecord(envCtx.redis, envCtx.keys, record)
  return record
}

export async function latestRun(envCtx: EnvContext, party: Party): Promise<ConformanceRecord> {
  requireAcceptance(envCtx)
  const record = await readLatest(envCtx.redis, envCtx.keys, party.id)
  if (!record) throw new GatewayError('GW_ERR_NOT_FOUND', `No conformance run recorded for ${party.id}; run npx blinker-gateway conformance`)
  return { ...record, lastFullPassAt: (await fullPassAt(envCtx.redis, envCtx.keys, party.id)) ?? null }
}

/**
 * Production gate: a party with `requireConformancePass` is refused until a full pass of a run the
 * GATEWAY judged (conformance-run-service.ts) is recorded for the same party id in acceptance;
 * self-reported results never open it. A pass, once seen, is remembered for PASS_CACHE_MS so a
 * gated party does not pay a Redis read per request; a refusal is never cached (the pass may land
 * any second). A revoke forgets the pass in this process at once, in the others within PASS_CACHE_MS.
 */
export const PASS_CACHE_MS = 60_000
/** `{acceptance prefix}|{party id}` → until when the pass seen counts. */
const passSeen = new Map<string, number>()

/** Called by the operator's revoke (same process): the next production call reads the record again. */
export const forgetPass = (acceptanceKeys: string, partyId: string): boolean => passSeen.delete(`${acceptanceKeys}|${partyId}`)

export async function requireConformance(envCtx: EnvContext, party: Party | null | undefined, now = Date.now()): Promise<void> {
  if (envCtx.env !== 'production' || !party?.requireConformancePass) return
  const acceptanceKeys = acceptancePrefix(envCtx.config)
  const cacheKey = `${acceptanceKeys}|${party.id}`
  if ((passSeen.get(cacheKey) ?? 0) > now) return
  const at = await fullPassAt(envCtx.redis, acceptanceKeys, party.id)
  if (!at) {
    throw new GatewayError(
      'GW_ERR_CONFORMANCE_REQUIRED',
      `Party ${party.id} needs a conformance run judged PASSED by the gateway in acceptance before using production (POST /acceptance/v1/conformance/runs, or npx blinker-gateway conformance --judged --base <acceptance URL> --token <acceptance token>); self-reported results do not count`,
    )
  }
  passSeen.set(cacheKey, now + PASS_CACHE_MS)
}
