/**
 * Timeliness counters (issue 19 item 2: "too late"), written at write time in the step of the
 * event they measure: `tlOnPublish(hashKey, docJson, fstat, party, now)` in the publication step
 * (publish-store.ts), `tlOnMove(hashKey, from, to, entryJson, now, dims)` in every transition step
 * (blinker-store.ts TRANSITION_LUA: deliveries, feedback, decisions, resolve).
 *
 * Six measures, each a fixed-bucket histogram (duration-histogram.ts) in `{p}tl:{period}` (HASH,
 * period = the blinker's period, YYYY of its form's periodStart), field `{measure}|{dim}|{bucket}`
 * with dim `all`, `f:{flow}`, `c:{kbo}` and `p:{party}` (the software house serving the CPAS at
 * publication; none for a CPAS on Excel lists):
 * - `detect_publish`: the document's detectedAt → publication (the back office's lag);
 * - `publish_deliver`: publication → DELIVERED (mailbox fetch or successful push);
 * - `deliver_feedback`: DELIVERED → the FIRST feedback only (the CPAS's reaction to a new blinker;
 *   feedback after a refusal is the inspection's loop, measured by the next two). A blinker never
 *   delivered electronically (Excel lists: a list download is not a delivery) counts from its
 *   publication, when it was made available;
 * - `feedback_decision`: the latest feedback → ACCEPT (cancellation accepted, CLOSED) or REFUSE
 *   (REOPENED): the inspection's own delay. A decision that does not move the blinker (ACCEPTED on
 *   a JUSTIFIED feedback, taken note of) is not a lifecycle event and is not counted;
 * - `unjustified_closed`: UNJUSTIFIED feedback → CLOSED by any route (accept or resolve), from the
 *   first feedback of the last unbroken run of UNJUSTIFIED feedback (refusal rounds included: the
 *   CPAS waits from its first "unjustified"); not counted when the latest feedback is JUSTIFIED;
 * - `code2_formd`: code-2 feedback ("recovery decided") → RESOLVE with FORM_D_RECEIVED, from the
 *   first code-2 feedback of the last run of code-2 feedback.
 *
 * Nothing is kept on the blinker for this: the times come from the blinker's own hash
 * (publishedAt) and its history list (each entry's `at`, read in the same step, a handful of
 * entries), so the counters cost no memory per blinker. Four HINCRBY per counted event.
 */
export const TIMELINESS_MEASURES = ['detect_publish', 'publish_deliver', 'deliver_feedback', 'feedback_decision', 'unjustified_closed', 'code2_formd'] as const
export type TimelinessMeasure = (typeof TIMELINESS_MEASURES)[number]

/** History entries read back when looking for the feedback before a decision or a closure. */
export const TL_HISTORY_DEPTH = 50

// Uses isoMs / histAdd of DURATION_HISTOGRAM_LUA, included once before this fragment.
export const TIMELINESS_LUA = `
local function tlCount(hashKey, period, flow, cpas, party, measure, ms)
  local key = string.gsub(hashKey, 'blinker:[^:]*$', 'tl:' .. period)
  histAdd(key, measure .. '|all', ms)
  histAdd(key, measure .. '|f:' .. flow, ms)
  if cpas and cpas ~= '' then histAdd(key, measure .. '|c:' .. cpas, ms) end
  if party and party ~= '' then histAdd(key, measure .. '|p:' .. party, ms) end
end
-- period, flow, cpas, party, publishedAt of a stored blinker (fstat missing on old records: its doc).
local function tlDims(hashKey, b)
  local period, flow
  if b[1] then
    period = string.match(b[1], '^[^|]*')
    flow = string.match(b[1], '[^|]*$')
  else
    local doc = redis.call('HGET', hashKey, 'doc')
    if not doc then return nil end
    local d = cjson.decode(doc)
    period = string.sub(d.form.periodStart, 1, 4)
    flow = d.flow
  end
  return period, flow, b[2], b[3], b[4]
end
-- Feedback entries of the history, newest first: { ms, code, kind }.
local function tlFeedbacks(hashKey)
  local out = {}
  local list = redis.call('LRANGE', hashKey .. ':history', -${TL_HISTORY_DEPTH}, -1)
  for i = #list, 1, -1 do
    local at, code, kind = string.match(list[i], '^{"at":"([^"]+)","status":"FEEDBACK_RECEIVED","cause":"feedback (%d+) %((%u+)%)"')
    if at then out[#out + 1] = { isoMs(at), code, kind } end
  end
  return out
end
-- The start of the newest run of feedback entries matching test (nil when the newest does not).
local function tlRunStart(feedbacks, test)
  local start
  for _, f in ipairs(feedbacks) do
    if not test(f) then break end
    start = f[1]
  end
  return start
end
local function tlOnPublish(hashKey, docJson, fstat, party, now)
  local detected = isoMs(string.match(docJson, '"detectedAt":"([^"]+)"'))
  local at = isoMs(now)
  if not detected or not at or not fstat then return end
  local cpas = string.match(docJson, '"cpasKbo":"(%d+)"')
  tlCount(hashKey, string.match(fstat, '^[^|]*'), string.match(fstat, '[^|]*$'), cpas, party, 'detect_publish', at - detected)
end
local function tlOnMove(hashKey, from, to, entryJson, now, dims)
  local first = to == 'FEEDBACK_RECEIVED' and (from == 'PUBLISHED' or from == 'DELIVERED' or from == 'ACKNOWLEDGED')
  if to ~= 'DELIVERED' and to ~= 'REOPENED' and to ~= 'CLOSED' and not first then return end
  local at = isoMs(now)
  if not at then return end
  local period, flow, cpas, party, publishedAt = tlDims(hashKey, dims)
  if not period then return end
  local published = isoMs(publishedAt)
  if to == 'DELIVERED' then
    if published then tlCount(hashKey, period, flow, cpas, party, 'publish_deliver', at - published) end
    return
  end
  if first then
    -- The delivery's own entry; none (Excel lists, feedback before any fetch): the publication.
    local since = published
    for _, h in ipairs(redis.call('LRANGE', hashKey .. ':history', 0, ${TL_HISTORY_DEPTH})) do
      local d = string.match(h, '^{"at":"([^"]+)","status":"DELIVERED"')
      if d then since = isoMs(d); break end
    end
    if since then tlCount(hashKey, period, flow, cpas, party, 'deliver_feedback', at - since) end
    return
  end
  local feedbacks = tlFeedbacks(hashKey)
  local accepted = to == 'CLOSED' and string.find(entryJson, '"cause":"cancellation accepted', 1, true)
  if (to == 'REOPENED' or accepted) and feedbacks[1] then
    tlCount(hashKey, period, flow, cpas, party, 'feedback_decision', at - feedbacks[1][1])
  end
  if to ~= 'CLOSED' then return end
  local unjustified = tlRunStart(feedbacks, function(f) return f[3] == 'UNJUSTIFIED' end)
  if unjustified then tlCount(hashKey, period, flow, cpas, party, 'unjustified_closed', at - unjustified) end
  if string.find(entryJson, '"cause":"resolved:FORM_D_RECEIVED"', 1, true) then
    local code2 = tlRunStart(feedbacks, function(f) return f[2] == '2' end)
    if code2 then tlCount(hashKey, period, flow, cpas, party, 'code2_formd', at - code2) end
  end
end
`
