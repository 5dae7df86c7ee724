/**
 * Recording conformance results (POST/GET /acceptance/v1/conformance/results…) and the
 * production gate for parties marked `requireConformancePass` in the parties file.
 *
 * The run is reported by the runner with the software house's own acceptance token: the gateway
 * cannot re-run it, so it records what was reported, stamps the time and its own version, and
 * judges "full pass" itself against its own list of required scenarios (a runner of an older or
 * trimmed version that skips one does not pass).
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
  const previousPass = fullPass ? receivedAt : await fullPassAt(envCtx.redis, envCtx.keys, party.id)
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
 * Production gate: a party with `requireConformancePass` is refused until a full pass is recorded
 * for the same party id in acceptance. A pass, once seen, is remembered for PASS_CACHE_MS so a
 * gated party does not pay a Redis read per request; a refusal is never cached (the pass may land
 * any second).
 */
export const PASS_CACHE_MS = 60_000
const passSeen = new WeakMap<EnvContext, Map<string, number>>()

export async function requireConformance(envCtx: EnvContext, party: Party | null | undefined, now = Date.now()): Promise<void> {
  if (envCtx.env !== 'production' || !party?.requireConformancePass) return
  let seen = passSeen.get(envCtx)
  if (!seen) passSeen.set(envCtx, (seen = new Map()))
  if ((seen.get(party.id) ?? 0) > now) return
  const at = await fullPassAt(envCtx.redis, acceptancePrefix(envCtx.config), party.id)
  if (!at) {
    throw new GatewayError(
      'GW_ERR_CONFORMANCE_REQUIRED',
      `Party ${party.id} must record a full conformance pass in acceptance before using production (npx blinker-gateway conformance --base <acceptance URL> --token <acceptance token>)`,
    )
  }
  seen.set(party.id, now + PASS_CACHE_MS)
}
