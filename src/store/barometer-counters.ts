/**
 * Barometer counters (issue 20), written in the transition step (blinker-store.ts):
 * `baroOnMove(hashKey, from, to, entryJson, now, dims)` after every status change of a blinker (dims: its fstat, cpas, party, publishedAt, read once by the transition), and
 * `baroOnPublish(hashKey, cpas, party, now)` after a new blinker is stored (publish-store.ts).
 * `baroFlowRefused(hashKey, now)` counts a feedback refused as not valid for the blinker's flow
 * (feedback-store.ts, the 'flow' verdict, which never reaches a transition).
 *
 * Key layout (src/store/keys.ts): per party (the software house serving the CPAS at publication,
 * or `excel:{kbo}` for a CPAS on Excel lists) and per half-year, one HASH
 * `{p}baro:{party}:{YYYY}H{1|2}` of counters; and two ZSETs of checks still pending,
 * `{p}baro:{party}:ack` (delivered, not yet acknowledged; score = delivery ms) and
 * `{p}baro:{party}:c2` (answered with code 2, no form D yet; score = that feedback's ms). The two
 * other pending checks (no feedback after 60 days, not fetched from the mailbox after 7 days) read
 * the blinker search index (blinker-index.ts, scored by publishedAt): no second copy.
 *
 * Which half-year a count goes to: an event counter goes to the half-year of the event; a
 * pending check's start ('pb' published, 'dl' delivered, 'c2') and its late end ('ml', 'fl', 'al',
 * 'c2x') go to the half-year the check STARTED in, so a window's ratio is a cohort: of the
 * blinkers delivered in the window, how many were not acknowledged within 7 days.
 *
 * Nothing is added to the blinker record: what a later event needs (the delivery time, whether a
 * cancellation came before) is read from the pending ZSET or from the blinker's own short history
 * list at that event.
 */
import { keys } from './keys.js'

/** Half-year HASH fields (the README lists them with their indicator). */
export const BARO_FIELDS = {
  pb: 'blinkers published (cohort of noFeedback60d and mailboxNotPolled7d)',
  ml: 'blinkers that left PUBLISHED (fetched, pushed, acknowledged, answered or closed) more than 7 days after publication',
  fl: 'blinkers whose first feedback (or close) came more than 60 days after publication',
  dl: 'blinkers delivered (DELIVER moved them)',
  al: 'delivered blinkers that left DELIVERED more than 7 days after delivery',
  fb: 'feedback messages stored (FEEDBACK transitions)',
  fr: 'of which on a REOPENED blinker (replacing a refused one)',
  cn: 'cancellations stored (UNJUSTIFIED feedback)',
  c9: 'of which code 999',
  cd: "the inspection's decisions on a cancellation (ACCEPT, or REFUSE of an unjustified feedback)",
  cr: 'of which refusals',
  uc: 'blinkers closed after an unjustified cancellation (accepted, or resolved)',
  ud: 'of which resolved by form D',
  c2: 'blinkers answered with code 2 (first time)',
  c2x: 'of which closed without a form D within 183 days (late, or closed otherwise)',
  fv: 'feedback refused: code not valid for the blinker flow',
  'df|{bucket}': 'delivery → first feedback durations (duration-histogram.ts buckets)',
  rq: 'feedback messages sent by the party, plus its requests refused as a whole for technical reasons (buffered in memory, counters-buffer.ts)',
  rt: 'of which refused for technical reasons',
  ps: 'push deliveries that reached the webhook (buffered)',
  pd: 'push deliveries dead-lettered (buffered)',
  xr: 'recap-list rows with a code, imported for this CPAS (accepted or rejected)',
  xj: 'of which rejected',
} as const

export type PendingCheck = 'ack' | 'c2'

/** Grace of each pending check in ms: acknowledgement 7 days, feedback 60, mailbox 7, form D after code 2: 183 (6 months). */
export const GRACE_MS = { ack: 7 * 86_400_000, feedback: 60 * 86_400_000, mailbox: 7 * 86_400_000, c2: 183 * 86_400_000 } as const

/** The half-year label of a time: `YYYYH1` (January–June) or `YYYYH2`, UTC. */
export function halfOf(at: Date): string {
  return `${at.getUTCFullYear()}H${at.getUTCMonth() < 6 ? 1 : 2}`
}

/** `{p}baro:{party}:{YYYY}H{n}` (keys.ts baroHalf). */
export const baroHalfKey = keys.baroHalf
/** `{p}baro:{party}:{ack|c2}` (keys.ts baroPending). */
export const baroPendingKey = (prefix: string, partyId: string, check: PendingCheck): string => keys.baroPending(prefix, partyId, check)

/**
 * Lua; needs DURATION_HISTOGRAM_LUA (isoMs, histAdd) before it, as TRANSITION_LUA and PUBLISH_LUA
 * include it. Keys are derived from the blinker's key (same prefix), as the index does.
 */
export const BAROMETER_LUA = `
local baroGrace = { ack = ${GRACE_MS.ack}, feedback = ${GRACE_MS.feedback}, mailbox = ${GRACE_MS.mailbox}, c2 = ${GRACE_MS.c2} }
local baroAwaiting = { PUBLISHED = true, DELIVERED = true, ACKNOWLEDGED = true }
local function baroHalfIso(iso)
  return string.sub(iso, 1, 4) .. (tonumber(string.sub(iso, 6, 7)) <= 6 and 'H1' or 'H2')
end
-- Civil date of a time in ms (days since 1970-01-01 to year and month), for a ZSET score.
local function baroHalfMs(ms)
  local z = math.floor(ms / 86400000) + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return string.format('%d', y) .. (m <= 6 and 'H1' or 'H2')
end
local function baroBase(hashKey, party, cpas)
  local p = string.gsub(hashKey, 'blinker:[^:]*$', '')
  if not party or party == '' then party = 'excel:' .. (cpas or '') end
  return p .. 'baro:' .. party .. ':'
end
-- The blinker's history entries, newest first, as JSON texts (a few: the lifecycle is short).
local function baroHistory(hashKey)
  local h = redis.call('LRANGE', hashKey .. ':history', 0, -1)
  local out = {}
  for i = #h, 1, -1 do out[#out + 1] = h[i] end
  return out
end
local function baroOnPublish(hashKey, cpas, party, now)
  bump(baroBase(hashKey, party, cpas) .. baroHalfIso(now), 'pb', 1)
end
local function baroFlowRefused(hashKey, now)
  local f = redis.call('HMGET', hashKey, 'party', 'cpas')
  bump(baroBase(hashKey, f[1], f[2]) .. baroHalfIso(now), 'fv', 1)
end
local function baroOnMove(hashKey, from, to, entryJson, now, dims)
  local f = { dims[3], dims[2], dims[4] }
  local base = baroBase(hashKey, f[1], f[2])
  local hk = base .. baroHalfIso(now)
  local id = string.match(hashKey, 'blinker:([^:]*)$')
  local nowMs = isoMs(now)
  local pubMs = isoMs(f[3])
  -- Mailbox: the blinker waited in PUBLISHED (not fetched, not pushed) for more than 7 days.
  if from == 'PUBLISHED' and pubMs and nowMs - pubMs > baroGrace.mailbox then
    bump(base .. baroHalfIso(f[3]), 'ml', 1)
  end
  -- Feedback: the first feedback (or a close without any) more than 60 days after publication.
  if baroAwaiting[from] and not baroAwaiting[to] and pubMs and nowMs - pubMs > baroGrace.feedback then
    bump(base .. baroHalfIso(f[3]), 'fl', 1)
  end
  -- Acknowledgement: a delivery starts the 7 days; leaving DELIVERED ends them.
  local deliveredMs
  if to == 'DELIVERED' then
    bump(hk, 'dl', 1)
    redis.call('ZADD', base .. 'ack', nowMs, id)
  elseif from == 'DELIVERED' then
    local s = redis.call('ZSCORE', base .. 'ack', id)
    if s then
      deliveredMs = tonumber(s)
      redis.call('ZREM', base .. 'ack', id)
      if nowMs - deliveredMs > baroGrace.ack then bump(base .. baroHalfMs(deliveredMs), 'al', 1) end
    end
  end
  if to == 'FEEDBACK_RECEIVED' then
    local code, kind = string.match(entryJson, 'feedback (%d+) %((%u+)%)')
    bump(hk, 'fb', 1)
    if from == 'REOPENED' then bump(hk, 'fr', 1) end
    if kind == 'UNJUSTIFIED' then
      bump(hk, 'cn', 1)
      if code == '999' then bump(hk, 'c9', 1) end
    end
    if code == '2' and redis.call('ZADD', base .. 'c2', 'NX', nowMs, id) == 1 then bump(hk, 'c2', 1) end
    -- Delivery to FIRST feedback: from DELIVERED the ZSET had the time; from ACKNOWLEDGED the history has it.
    if from == 'ACKNOWLEDGED' then
      for _, e in ipairs(baroHistory(hashKey)) do
        if string.find(e, '"status":"DELIVERED"', 1, true) then
          deliveredMs = isoMs(string.match(e, '"at":"([^"]*)"'))
          break
        end
      end
    end
    if deliveredMs then histAdd(hk, 'df', nowMs - deliveredMs) end
    return
  end
  if to ~= 'REOPENED' and to ~= 'CLOSED' then return end
  -- A decision or a close: what came before is in the history (kind of the last feedback, any cancellation).
  local lastKind, cancelled
  for _, e in ipairs(baroHistory(hashKey)) do
    local k = string.match(e, '"cause":"feedback %d+ %((%u+)%)')
    if k then
      lastKind = lastKind or k
      if k == 'UNJUSTIFIED' then cancelled = true break end
    end
  end
  local accepted = string.find(entryJson, '"cause":"cancellation accepted', 1, true)
  if lastKind == 'UNJUSTIFIED' and (to == 'REOPENED' or accepted) then
    bump(hk, 'cd', 1)
    if to == 'REOPENED' then bump(hk, 'cr', 1) end
  end
  if to ~= 'CLOSED' then return end
  local formD = string.find(entryJson, '"cause":"resolved:FORM_D_RECEIVED"', 1, true)
  if cancelled then
    bump(hk, 'uc', 1)
    if formD then bump(hk, 'ud', 1) end
  end
  local s = redis.call('ZSCORE', base .. 'c2', id)
  if s then
    redis.call('ZREM', base .. 'c2', id)
    if not formD or nowMs - tonumber(s) > baroGrace.c2 then bump(base .. baroHalfMs(tonumber(s)), 'c2x', 1) end
  end
end
`
