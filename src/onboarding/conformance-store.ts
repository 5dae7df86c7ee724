/**
 * Recorded conformance runs, per software house, in acceptance: the latest run, and the latest
 * FULL pass apart (a later failing experiment does not take production access away again).
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

/** Stores a run as the latest, and as the latest full pass when it is one (one MULTI). */
export async function saveRecord(redis: Redis, prefix: string, record: ConformanceRecord): Promise<void> {
  const json = JSON.stringify(record)
  const multi = redis.multi().set(keys.conformanceLatest(prefix, record.partyId), json)
  if (record.fullPass) multi.set(keys.conformancePass(prefix, record.partyId), json)
  await multi.exec()
}

export async function readLatest(redis: Redis, prefix: string, partyId: string): Promise<ConformanceRecord | undefined> {
  const json = await redis.get(keys.conformanceLatest(prefix, partyId))
  return json ? (JSON.parse(json) as ConformanceRecord) : undefined
}

/** When the party's latest full pass was recorded in acceptance, or undefined. */
export async function fullPassAt(redis: Redis, acceptanceKeys: string, partyId: string): Promise<string | undefined> {
  const json = await redis.get(keys.conformancePass(acceptanceKeys, partyId))
  return json ? (JSON.parse(json) as ConformanceRecord).receivedAt : undefined
}
