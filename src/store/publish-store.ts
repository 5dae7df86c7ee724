/**
 * Publication in one Lua step per batch: for each blinker, either a duplicate (same id, same
 * digest), a conflict (same id, other content), or a new record — HASH + first history entry +
 * mailbox STREAM entry (its id is the record's `seq`) + the push outbox entry when the CPAS's
 * software house has a subscription at that moment. One round trip for up to 1000 blinkers keeps
 * the hot path close to a raw BullMQ addBulk; nothing is half-written because the script is atomic.
 */
import type { Redis } from 'ioredis'
import type { Blinker, HistoryEntry } from '../domain/model.js'
import { deliveryQueueName } from '../queue/queues.js'
import { BAROMETER_LUA } from './barometer-counters.js'
import { NOT_ACCEPTED_LUA } from '../flows/flow-acceptance.js'
import { BLINKER_INDEX_LUA } from './blinker-index.js'
import { DURATION_HISTOGRAM_LUA } from './duration-histogram.js'
import { keys } from './keys.js'
import { runScript, type LuaScript } from './scripts.js'
import { TIMELINESS_LUA } from './timeliness-counters.js'
import { COUNT_PUBLISHED_LUA, publishStats, publishStatsItemArgs, publishStatsItemKeys, publishStatsSharedKeys, type PublishStats } from './statistics-store.js'

/** Per item outcome codes of the script. */
export const PUBLISH_OUTCOME = { STORED: 0, STORED_PUSH: 1, DUPLICATE: 2, CONFLICT: 3 } as const
export type PublishOutcome = (typeof PUBLISH_OUTCOME)[keyof typeof PUBLISH_OUTCOME]

// KEYS: [statusCounts, sub_1, outbox_1, …, sub_P, outbox_P, then per item: hash, history, mailbox,
//        beneficiaries, periodCounts, then last: statsPeriods, statsOpen, statsMonths]
// ARGV: [P, now, historyEntry, score, then per item: blinkerId, cpas, doc, digest, partyIndex (0 = none,
//        -1 = held for the transition list: its "mailbox" key is then the CPAS's transitionList),
//        beneficiary member, `{regime}:{kbo}`, period, `{month}|{regime}`, `{period}|{regime}|{flow}`]
//        (statistics-store.ts)
// Subscriptions are read once per party: a subscription made during the batch applies from the next one.
// A new blinker also enters the search index under PUBLISHED (blinker-index.ts), in this step.
const PUBLISH_LUA = `${COUNT_PUBLISHED_LUA}${BLINKER_INDEX_LUA}${DURATION_HISTOGRAM_LUA}${TIMELINESS_LUA}${BAROMETER_LUA}${NOT_ACCEPTED_LUA}
local ix = blIndexPrefix(KEYS[1], 'stats:status$')
-- The batch's counters (timeliness, barometer) are gathered and written once per field at the end.
deferBumps()
local P = tonumber(ARGV[1])
local now, entry, score = ARGV[2], ARGV[3], ARGV[4]
local subscribed = {}
local parties = {}
for j = 1, P do
  subscribed[j] = redis.call('EXISTS', KEYS[2 * j]) == 1
  parties[j] = string.match(KEYS[2 * j], 'subscription:(.*)$')
end
local out = {}
local stored = 0
local n = (#ARGV - 4) / 10
local sk = #KEYS - 3
for i = 1, n do
  local a = 4 + (i - 1) * 10
  local k = 1 + 2 * P + (i - 1) * 5
  local h = KEYS[k + 1]
  local digest = redis.call('HGET', h, 'digest')
  if digest then
    if digest == ARGV[a + 4] then out[i] = 2 else out[i] = 3 end
  else
    local seq = redis.call('XADD', KEYS[k + 3], '*', 'id', ARGV[a + 1])
    local p = tonumber(ARGV[a + 5])
    -- p < 0: the software house does not accept the flow (src/flows/flow-acceptance.ts); the entry
    -- went to the CPAS's transition stream (passed in the mailbox's place), kept as tseq so
    -- nothing XDELs it from the mailbox; no push, no party (the blinker is on the Excel list).
    local seqField = 'seq'
    if p < 0 then
      seqField = 'tseq'
      flNotAccepted(KEYS[1], ARGV[a + 10])
    end
    -- party: the software house serving the CPAS at publication (read by the timeliness and
    -- barometer counters); none for a CPAS on Excel lists.
    local party = ''
    if p > 0 then
      party = parties[p]
      redis.call('HSET', h, 'doc', ARGV[a + 3], 'digest', ARGV[a + 4], 'status', 'PUBLISHED', 'publishedAt', now, 'updatedAt', now, 'cpas', ARGV[a + 2], 'seq', seq, 'fstat', ARGV[a + 10], 'party', party)
    else
      redis.call('HSET', h, 'doc', ARGV[a + 3], 'digest', ARGV[a + 4], 'status', 'PUBLISHED', 'publishedAt', now, 'updatedAt', now, 'cpas', ARGV[a + 2], seqField, seq, 'fstat', ARGV[a + 10])
    end
    redis.call('RPUSH', KEYS[k + 2], entry)
    tlOnPublish(h, ARGV[a + 3], ARGV[a + 10], party, now)
    baroOnPublish(h, ARGV[a + 2], party, now)
    blIndexPut(ix, 'PUBLISHED', ARGV[a + 1], score, ARGV[a + 2])
    countPublished(KEYS[k + 4], KEYS[k + 5], KEYS[sk + 1], KEYS[sk + 2], KEYS[sk + 3], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], score, ARGV[a + 1])
    stored = stored + 1
    if p > 0 and subscribed[p] then
      redis.call('ZADD', KEYS[2 * p + 1], score, ARGV[a + 1])
      out[i] = 1
    else
      out[i] = 0
    end
  end
end
if stored > 0 then redis.call('HINCRBY', KEYS[1], 'PUBLISHED', stored) end
flushBumps()
return out
`

const publishScript: LuaScript = { numberOfKeys: null, lua: PUBLISH_LUA }

export interface PublishItem {
  blinkerId: string
  cpas: string
  doc: string
  digest: string
  /** Software house serving the CPAS, if any (push candidate). */
  party: string | undefined
  /** The software house does not accept the blinker's flow: transition list instead of mailbox and push (src/flows/flow-acceptance.ts); default false. */
  held?: boolean
  /** Statistics keys of the blinker (statistics-store.ts publishStats); default: read from `doc`. */
  stats?: PublishStats
}

/** Outbox key of a party's delivery queue (also swept by its worker). */
export const deliveryOutboxKey = (prefix: string, partyId: string): string => keys.outbox(prefix, deliveryQueueName(partyId))

/** Stores a batch atomically; returns one outcome per item, in order. */
export async function storeBlinkers(redis: Redis, prefix: string, items: readonly PublishItem[], by: string, at = new Date()): Promise<PublishOutcome[]> {
  if (items.length === 0) return []
  const now = at.toISOString()
  const partyIndex = new Map<string, number>()
  const keyList: string[] = [keys.statusCounts(prefix)]
  for (const it of items) {
    if (it.party && !partyIndex.has(it.party)) {
      partyIndex.set(it.party, partyIndex.size + 1)
      keyList.push(keys.subscription(prefix, it.party), deliveryOutboxKey(prefix, it.party))
    }
  }
  const entry: HistoryEntry = { at: now, status: 'PUBLISHED', cause: 'published', by }
  const args: (string | number)[] = [partyIndex.size, now, JSON.stringify(entry), at.getTime()]
  for (const it of items) {
    const stats = it.stats ?? publishStats(JSON.parse(it.doc) as Blinker)
    keyList.push(keys.blinker(prefix, it.blinkerId), keys.blinkerHistory(prefix, it.blinkerId), it.held ? keys.transitionList(prefix, it.cpas) : keys.mailbox(prefix, it.cpas), ...publishStatsItemKeys(prefix, stats))
    args.push(it.blinkerId, it.cpas, it.doc, it.digest, it.held ? -1 : it.party ? (partyIndex.get(it.party) ?? 0) : 0, ...publishStatsItemArgs(stats))
  }
  keyList.push(...publishStatsSharedKeys(prefix))
  // numberOfKeys varies per call: pass it as the script's first argument (ioredis' dynamic keys).
  return runScript<PublishOutcome[]>(redis, publishScript, [String(keyList.length), ...keyList], args)
}
