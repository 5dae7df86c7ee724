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

/** MessagePack header of a string of `bytes` UTF-8 bytes (fixstr, str8, str16 or str32). */
function writeStrHeader(buf: Buffer, at: number, bytes: number): number {
  if (bytes < 32) return buf.writeUInt8(0xa0 | bytes, at)
  if (bytes < 0x100) return buf.writeUInt8(bytes, buf.writeUInt8(0xd9, at))
  if (bytes < 0x10000) return buf.writeUInt16BE(bytes, buf.writeUInt8(0xda, at))
  return buf.writeUInt32BE(bytes, buf.writeUInt8(0xdb, at))
}

const headerBytes = (bytes: number): number => (bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5)

/** Strings as consecutive MessagePack strings: what `cmsgpack.unpack` returns as that many values. */
export function packStrings(strings: readonly string[]): Buffer {
  const lengths = strings.map((s) => Buffer.byteLength(s))
  const buf = Buffer.allocUnsafe(lengths.reduce((sum, n) => sum + headerBytes(n) + n, 0))
  let at = 0
  strings.forEach((s, i) => {
    at = writeStrHeader(buf, at, lengths[i] as number)
    at += buf.write(s, at)
  })
  return buf
}

/** An entry's stream fields but prev and hash (which change when the batch is re-chained). */
const packedFields = (entry: AuditEntry): Buffer => packStrings(AUDIT_FIELDS.flatMap((f) => [f, entry[f]]))

/**
 * KEYS[1] stream; ARGV[1] the head the batch was chained on; then per entry ONE argument: its
 * stream fields (canonical order, then prev and hash) as consecutive MessagePack strings, handed
 * to XADD by `cmsgpack.unpack`. 32 arguments per entry made ioredis' argument handling a fifth of
 * the gateway's audit cost; decoding the canonical JSON in the script instead cost Redis 15 µs
 * per entry against 5 for this. Returns {1, lastId} when appended, {0, currentHead} when the head
 * moved (another instance appended meanwhile).
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
for i = 2, #ARGV do
  id = redis.call('XADD', KEYS[1], '*', cmsgpack.unpack(ARGV[i]))
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
  const fields = entries.map(packedFields)
  for (let attempt = 0; attempt < attempts; attempt++) {
    let prev = expected
    const args: (string | Buffer)[] = [expected]
    forms.forEach((canonical, i) => {
      const next = chainHash(prev, canonical)
      args.push(Buffer.concat([fields[i] as Buffer, packStrings(['prev', prev, 'hash', next])]))
      prev = next
    })
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
