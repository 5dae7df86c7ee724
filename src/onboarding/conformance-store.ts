/**
 * Self-reported conformance runs (the runner's own checks, POST …/conformance/results), per
 * software house, in acceptance: the latest one, kept for information. What opens production is
 * the latest FULL pass of a run the gateway judged (conformance-run-store.ts), read here by the
 * production gate; a later failing run does not take it away again, an operator's revoke does.
 *
 * The production gate reads the acceptance key of the same party id. That is the one read across
 * environments the gateway makes, on purpose: acceptance is where a software house proves itself,
 * production is where that proof is required, and both environments run on the same Redis server
 * under their own prefixes. It is a read of one flag-like record; production never writes there.
 */
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import { keys } from '../store/keys.js'

export interface ConformanceRun {
  runner: { name: string; version: string }
  startedAt: string
  finishedAt: string
  soap: boolean
  target?: string
  scenarios: { name: string; passed: boolean; detail?: string; durationMs?: number }[]
}

export interface ConformanceRecord {
  partyId: string
  receivedAt: string
  gatewayVersion: string
  fullPass: boolean
  required: string[]
  failed: string[]
  missing: string[]
  run: ConformanceRun
  lastFullPassAt: string | null
}

/** Key prefix of the acceptance environment, as gateway.ts builds it (`<KEY_PREFIX>:acceptance:`). */
export const acceptancePrefix = (config: Pick<Config, 'KEY_PREFIX'>): string => `${config.KEY_PREFIX}:acceptance:`

/**
 * Stores a self-reported run as the party's latest. Information only: it never writes the pass
 * key, whatever it claims (a run the gateway judged does: conformance-run-store.ts).
 */
export async function saveRecord(redis: Redis, prefix: string, record: ConformanceRecord): Promise<void> {
  await redis.set(keys.conformanceLatest(prefix, record.partyId), JSON.stringify(record))
}

export async function readLatest(redis: Redis, prefix: string, partyId: string): Promise<ConformanceRecord | undefined> {
  const json = await redis.get(keys.conformanceLatest(prefix, partyId))
  return json ? (JSON.parse(json) as ConformanceRecord) : undefined
}

/** When the party's latest gateway-judged full pass was recorded in acceptance, or undefined (none, or revoked). */
export async function fullPassAt(redis: Redis, acceptanceKeys: string, partyId: string): Promise<string | undefined> {
  const json = await redis.get(keys.conformancePass(acceptanceKeys, partyId))
  return json ? (JSON.parse(json) as { passedAt: string }).passedAt : undefined
}
