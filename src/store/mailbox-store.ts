/**
 * The pull mailbox: one Redis STREAM per CPAS, written by the publish script. Stream ids are
 * assigned inside that script, so they only grow: a page read with an exclusive start after the
 * last id seen can never skip or repeat a blinker, however many are published meanwhile.
 *
 * A page is two steps: XRANGE (read-only), then one Lua step over the page's records that applies
 * the DELIVER row of the lifecycle table (cause 'pulled') and reads doc/status/publishedAt. Two
 * steps because the record keys are only known from the stream entries; passing them as KEYS keeps
 * the script honest about what it touches. Nothing between the steps can change the entries.
 */
import type { Redis } from 'ioredis'
import type { BlinkerStatus } from '../domain/model.js'
import { TRANSITION_LUA, transitionArgs } from './blinker-store.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'
import { rangeStartAfter } from './stream-id.js'

// KEYS: per entry hash, history. ARGV: the DELIVER transition args (5). Returns per entry doc, status, publishedAt.
const DELIVER_PAGE_LUA = `${TRANSITION_LUA}
-- The page's counters (timeliness, barometer) are gathered and written once per field at the end.
deferBumps()
local out = {}
for i = 1, #KEYS, 2 do
  transition(KEYS[i], KEYS[i + 1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
  local f = redis.call('HMGET', KEYS[i], 'doc', 'status', 'publishedAt')
  out[#out + 1] = f[1] or ''
  out[#out + 1] = f[2] or ''
  out[#out + 1] = f[3] or ''
end
flushBumps()
return out
`
const deliverPageScript: LuaScript = { numberOfKeys: null, lua: DELIVER_PAGE_LUA }

export interface MailboxEntry {
  /** Stream id: the position in the mailbox (the cursor is built from it). */
  seq: string
  blinkerId: string
  doc: string
  status: BlinkerStatus
  publishedAt: string
}

export interface MailboxPage {
  entries: MailboxEntry[]
  /** Stream id of the last entry read, or the `after` given when the page is empty. */
  last: string | undefined
}

/** Reads up to `limit` entries after `after` (exclusive) and marks them DELIVERED. */
export async function readMailbox(redis: Redis, prefix: string, kbo: string, after: string | undefined, limit: number, by: string): Promise<MailboxPage> {
  const raw = (await redis.xrange(keys.mailbox(prefix, kbo), rangeStartAfter(after), '+', 'COUNT', limit)) as [string, string[]][]
  if (raw.length === 0) return { entries: [], last: after }
  const ids = raw.map(([, fields]) => fields[1] ?? '')
  const keyList: string[] = []
  for (const id of ids) keyList.push(keys.blinker(prefix, id), keys.blinkerHistory(prefix, id))
  const fields = await runScript<string[]>(redis, deliverPageScript, [String(keyList.length), ...keyList], transitionArgs('DELIVER', 'pulled', by, new Date().toISOString()))
  const entries: MailboxEntry[] = []
  raw.forEach(([seq], i) => {
    const doc = fields[i * 3]
    // A record that vanished (operator deletion) is skipped rather than served half-empty.
    if (doc) entries.push({ seq, blinkerId: ids[i] ?? '', doc, status: fields[i * 3 + 1] as BlinkerStatus, publishedAt: fields[i * 3 + 2] ?? '' })
  })
  return { entries, last: raw[raw.length - 1]?.[0] }
}
