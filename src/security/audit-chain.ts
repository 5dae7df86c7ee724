/**
 * The audit trail's storage: an append-only Redis stream per environment in which every entry
 * carries `prev` (the hash of the entry before it) and `hash` = SHA-256 of prev + the entry's
 * canonical form. Changing, removing or inserting an entry breaks the chain at that point, which
 * verifyAuditChain finds and names.
 *
 * Redis Lua has no SHA-256, so hashes are computed here and the append is a compare-and-set: the
 * script XADDs a batch only if the stream's last hash is still the one the batch was chained on,
 * else it answers the current head and the writer re-chains and retries. In the steady state (one
 * writer per instance, its head cached) an append is one round trip for a whole batch.
 */
import { hash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { runScript, type LuaScript } from '../store/scripts.js'

/** Fields of an entry, in canonical order (the hash covers them in this order). */
export const AUDIT_FIELDS = ['at', 'env', 'party', 'role', 'method', 'route', 'operation', 'blinkerId', 'messageId', 'cpas', 'count', 'status', 'result', 'requestId'] as const
export type AuditField = (typeof AUDIT_FIELDS)[number]
export type AuditEntry = Record<AuditField, string>

/** `prev` of the first entry. */
export const GENESIS = '0'.repeat(64)

/** The entry's fields in canonical order, as the JSON array of [field, value] pairs that is hashed. */
const canonicalForm = (entry: Readonly<Record<string, string | undefined>>): string => JSON.stringify(AUDIT_FIELDS.map((f) => [f, entry[f] ?? '']))

const chainHash = (prev: string, canonical: string): string => hash('sha256', `${prev}\n${canonical}`)

/** SHA-256 (hex) of the previous hash and the entry's fields in canonical order. */
export const entryHash = (prev: string, entry: Readonly<Record<string, string | undefined>>): string => chainHash(prev, canonicalForm(entry))

/**
 * KEYS[1] stream; ARGV[1] the head the batch was chained on; then per entry its canonical form,
 * prev and hash. The script spreads the canonical pairs into the stream fields: one argument per
 * entry instead of 28 (packing and flattening those arguments was a fifth of the gateway's audit
 * cost). Returns {1, lastId} when appended, {0, currentHead} when the head moved (another
 * instance appended meanwhile).
 */
const APPEND: LuaScript = {
  name: 'bgwAuditAppend',
  numberOfKeys: 1,
  lua: `
local head = '${GENESIS}'
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if last[1] then
  local f = last[1][2]
  for i = 1, #f, 2 do if f[i] == 'hash' then head = f[i + 1] end end
end
if head ~= ARGV[1] then return {0, head} end
local id = ''
for i = 2, #ARGV, 3 do
  local fields = {}
  for _, pair in ipairs(cjson.decode(ARGV[i])) do
    fields[#fields + 1] = pair[1]
    fields[#fields + 1] = pair[2]
  end
  fields[#fields + 1] = 'prev'
  fields[#fields + 1] = ARGV[i + 1]
  fields[#fields + 1] = 'hash'
  fields[#fields + 1] = ARGV[i + 2]
  id = redis.call('XADD', KEYS[1], '*', unpack(fields))
end
return {1, id}
`,
}

/**
 * Appends entries in order, chained on `head` (GENESIS or undefined when unknown). Retries with the
 * head Redis reports when it moved; resolves to the new head hash.
 */
export async function appendChained(redis: Redis, stream: string, entries: readonly AuditEntry[], head: string | undefined, attempts = 10): Promise<string> {
  let expected = head ?? ''
  const forms = entries.map(canonicalForm)
  for (let attempt = 0; attempt < attempts; attempt++) {
    let prev = expected
    const args: string[] = [expected]
    for (const canonical of forms) {
      const next = chainHash(prev, canonical)
      args.push(canonical, prev, next)
      prev = next
    }
    const [ok, value] = await runScript<[number, string]>(redis, APPEND, [stream], args)
    if (ok === 1) return prev
    expected = value
  }
  throw new Error(`audit stream ${stream}: head kept moving for ${attempts} attempts`)
}

export interface ChainBreak {
  /** Stream id of the first entry that does not verify. */
  id: string
  /** 1-based position in the stream. */
  position: number
  reason: string
}

export interface ChainReport {
  entries: number
  /** Hash of the last entry (GENESIS for an empty stream): note it elsewhere to anchor the chain. */
  head: string
  firstEntry?: string
  lastEntry?: string
  broken?: ChainBreak
}

/** Walks the whole stream in pages (XRANGE) and stops at the first entry that does not verify. */
export async function verifyAuditChain(redis: Redis, stream: string, pageSize = 1000): Promise<ChainReport> {
  const report: ChainReport = { entries: 0, head: GENESIS }
  let start = '-'
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', pageSize)
    for (const [id, flat] of page) {
      report.entries++
      report.firstEntry ??= id
      report.lastEntry = id
      const fields: Record<string, string> = {}
      for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string
      const fail = (reason: string): ChainReport => ({ ...report, broken: { id, position: report.entries, reason } })
      if (fields.prev !== report.head) return fail(`prev ${fields.prev ?? '(missing)'} is not the hash of the entry before (${report.head}): an entry was removed, inserted or reordered`)
      const expected = entryHash(report.head, fields)
      if (fields.hash !== expected) return fail(`hash ${fields.hash ?? '(missing)'} does not match the entry's content (expected ${expected}): the entry was altered`)
      const extra = Object.keys(fields).filter((k) => k !== 'prev' && k !== 'hash' && !(AUDIT_FIELDS as readonly string[]).includes(k))
      if (extra.length > 0) return fail(`unexpected field(s) ${extra.join(', ')}`)
      report.head = expected
    }
    if (page.length < pageSize) return report
    start = `(${page[page.length - 1]?.[0] ?? '-'}`
  }
}
