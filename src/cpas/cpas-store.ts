/**
 * The CPAS directory in Redis: one HASH per environment (keys.cpasDirectory), field = KBO,
 * value = JSON `{ fr?, nl?, updatedAt }`. 589 CPAS make a small hash: the whole directory is one
 * HGETALL, the names of a page one HMGET.
 */
import type { Redis } from 'ioredis'
import { keys } from '../store/keys.js'

export interface CpasNamesRecord {
  fr?: string
  nl?: string
  updatedAt: string
}

/** Replaces the entries of the given CPAS (one HSET: all or nothing); others stay. */
export async function writeCpasNames(redis: Redis, p: string, entries: ReadonlyMap<string, CpasNamesRecord>): Promise<void> {
  if (entries.size === 0) return
  const args: string[] = []
  for (const [kbo, record] of entries) args.push(kbo, JSON.stringify(record))
  await redis.hset(keys.cpasDirectory(p), ...args)
}

function parse(raw: string | null | undefined): CpasNamesRecord | undefined {
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as CpasNamesRecord
  } catch {
    // A value not written by writeCpasNames: treat the CPAS as unnamed rather than fail the page.
    return undefined
  }
}

/** The records of some CPAS (absent ones are missing from the map). */
export async function readCpasNames(redis: Redis, p: string, kbos: readonly string[]): Promise<Map<string, CpasNamesRecord>> {
  const out = new Map<string, CpasNamesRecord>()
  if (kbos.length === 0) return out
  const values = await redis.hmget(keys.cpasDirectory(p), ...kbos)
  kbos.forEach((kbo, i) => {
    const record = parse(values[i])
    if (record) out.set(kbo, record)
  })
  return out
}

/** The whole directory. */
export async function readCpasDirectory(redis: Redis, p: string): Promise<Map<string, CpasNamesRecord>> {
  const out = new Map<string, CpasNamesRecord>()
  for (const [kbo, raw] of Object.entries(await redis.hgetall(keys.cpasDirectory(p)))) {
    const record = parse(raw)
    if (record) out.set(kbo, record)
  }
  return out
}
