/**
 * The audit trail's storage: an append-only Redis stream per environment in which every entry
 * carries `prev` (the hash of the entry before it) and `hash` = SHA-256 of prev + the entry's
 * canonical form. Changing, removing or inserting an entry breaks the chain at that point, which
 * verifyAuditChain finds and names.
 *
 * An entry is stored as three stream fields: `entry` (its canonical form, the very bytes that are
 * hashed), `prev` and `hash`. Storing the hashed text verbatim means verifying never depends on
 * re-serializing, and it costs Redis one plain XADD per entry: spreading the pairs into 14 fields
 * inside the script (cjson) cost ~4× more Redis time per entry, on every state-changing call.
 * Entries written by earlier builds, one stream field per canonical field, still verify: the hash
 * is defined on the same canonical form, so one chain may hold both.
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
/**
 * Optional fields, after the fixed ones and only when not empty, so entries written before they
 * existed keep their canonical form (and their hashes): `person`, the inspector logged in on the
 * pages when a browser session made the call (the party is then that person's inspection party).
 */
export const OPTIONAL_AUDIT_FIELDS = ['person'] as const
export type OptionalAuditField = (typeof OPTIONAL_AUDIT_FIELDS)[number]
export type AuditEntry = Record<AuditField, string> & Partial<Record<OptionalAuditField, string>>

/** `prev` of the first entry. */
export const GENESIS = '0'.repeat(64)

/** Stream field names of an entry as written now. */
export const STORED_FIELDS = ['entry', 'prev', 'hash'] as const

/** Opening of each pair in the canonical form: `["at",`, `,["env",` … (the names need no escaping). */
const PAIR_OPENINGS = AUDIT_FIELDS.map((f, i) => `${i === 0 ? '' : ','}["${f}",`)
/** What JSON.stringify would escape in a string (any surrogate: it decides for a lone one). */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * The entry's fields in canonical order, as the JSON array of [field, value] pairs that is hashed:
 * `JSON.stringify(AUDIT_FIELDS.map((f) => [f, entry[f] ?? '']))`, built by concatenation because
 * nearly every value is an identifier that needs no escaping (half the time, on every audited
 * call). verifyAuditChain holds a stored entry to it byte for byte; a property test holds it to
 * the JSON.stringify definition.
 */
export function canonicalForm(entry: Readonly<Record<string, string | undefined>>): string {
  let out = '['
  for (let i = 0; i < AUDIT_FIELDS.length; i++) {
    const value = entry[AUDIT_FIELDS[i] as AuditField] ?? ''
    out += `${PAIR_OPENINGS[i] as string}${NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`}]`
  }
  for (const f of OPTIONAL_AUDIT_FIELDS) {
    const value = entry[f]
    if (value) out += `,${JSON.stringify([f, value])}`
  }
  return `${out}]`
}

const chainHash = (prev: string, canonical: string): string => hash('sha256', `${prev}\n${canonical}`)

/** SHA-256 (hex) of the previous hash and the entry's fields in canonical order. */
export const entryHash = (prev: string, entry: Readonly<Record<string, string | undefined>>): string => chainHash(prev, canonicalForm(entry))

/**
 * KEYS[1] stream; ARGV[1] the head the batch was chained on; then per entry its canonical form,
 * prev and hash. Returns {1, lastId} when appended, {0, currentHead} when the head moved (another
 * instance appended meanwhile).
 */
const APPEND: LuaScript = {
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
  id = redis.call('XADD', KEYS[1], '*', 'entry', ARGV[i], 'prev', ARGV[i + 1], 'hash', ARGV[i + 2])
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

/** A stored entry read back: its fields, the canonical text its hash covers, its chain links. */
export interface StoredAuditEntry {
  fields: AuditEntry
  canonical: string
  prev: string | undefined
  hash: string | undefined
}

/**
 * Reads one stream entry (XRANGE's flat field list), in either stored form; a string saying what
 * is wrong when it is neither (unknown fields, an `entry` that is not the canonical form).
 */
export function readAuditEntry(flat: readonly string[]): StoredAuditEntry | string {
  const raw: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i] as string] = flat[i + 1] as string
  const known: readonly string[] = raw.entry === undefined ? [...AUDIT_FIELDS, ...OPTIONAL_AUDIT_FIELDS, 'prev', 'hash'] : STORED_FIELDS
  const extra = Object.keys(raw).filter((k) => !known.includes(k))
  if (extra.length > 0) return `unexpected field(s) ${extra.join(', ')}`
  if (raw.entry === undefined) {
    const fields = Object.fromEntries(AUDIT_FIELDS.map((f) => [f, raw[f] ?? ''])) as AuditEntry
    for (const f of OPTIONAL_AUDIT_FIELDS) if (raw[f]) fields[f] = raw[f]
    return { fields, canonical: canonicalForm(raw), prev: raw.prev, hash: raw.hash }
  }
  const fields = fieldsOf(raw.entry)
  if (!fields || canonicalForm(fields) !== raw.entry) return 'the entry field is not the canonical [field, value] list'
  return { fields, canonical: raw.entry, prev: raw.prev, hash: raw.hash }
}

/** The fields of a canonical form, or undefined when it is not a list of [field, string] pairs in canonical order. */
function fieldsOf(canonical: string): AuditEntry | undefined {
  let pairs: unknown
  try {
    pairs = JSON.parse(canonical)
  } catch {
    return undefined
  }
  if (!Array.isArray(pairs) || pairs.length < AUDIT_FIELDS.length || pairs.length > AUDIT_FIELDS.length + OPTIONAL_AUDIT_FIELDS.length) return undefined
  const fields: Record<string, string> = {}
  for (const [i, pair] of pairs.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') return undefined
    // The fixed fields in order, then optional ones (canonicalForm decides whether their order and values are right).
    if (i < AUDIT_FIELDS.length ? pair[0] !== AUDIT_FIELDS[i] : !(OPTIONAL_AUDIT_FIELDS as readonly string[]).includes(pair[0])) return undefined
    fields[pair[0] as string] = pair[1]
  }
  return fields as AuditEntry
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
      const fail = (reason: string): ChainReport => ({ ...report, broken: { id, position: report.entries, reason } })
      const stored = readAuditEntry(flat)
      if (typeof stored === 'string') return fail(stored)
      if (stored.prev !== report.head) return fail(`prev ${stored.prev ?? '(missing)'} is not the hash of the entry before (${report.head}): an entry was removed, inserted or reordered`)
      const expected = chainHash(report.head, stored.canonical)
      if (stored.hash !== expected) return fail(`hash ${stored.hash ?? '(missing)'} does not match the entry's content (expected ${expected}): the entry was altered`)
      report.head = expected
    }
    if (page.length < pageSize) return report
    start = `(${page[page.length - 1]?.[0] ?? '-'}`
  }
}
