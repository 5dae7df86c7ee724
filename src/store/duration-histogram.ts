/**
 * Fixed-bucket duration histograms kept at write time (timeliness in the statistics, the
 * barometer's delivery → feedback): one HINCRBY per event on a HASH field `{name}|{bucket}`, so a
 * median or p90 over any number of events is read from at most BUCKET_COUNT fields, never from
 * the events themselves.
 *
 * The buckets are fixed and published (README): a quantile is reported as a point inside its
 * bucket (linear between the bucket's bounds), so it is exact to the bucket's width — minutes for
 * the first hour, days beyond a week. Changing the bounds would make old counts unreadable, hence
 * one list, shared by every writer and reader.
 */

/** Upper bounds (inclusive) of the buckets, in seconds; one more bucket holds everything above. */
export const BUCKET_BOUNDS_S = [
  60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 2 * 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400, 60 * 86_400, 90 * 86_400, 180 * 86_400,
  365 * 86_400,
] as const
/** Buckets in all: the bounds above plus the overflow. */
export const BUCKET_COUNT = BUCKET_BOUNDS_S.length + 1

/** The bucket of a duration in milliseconds (negative durations, e.g. clock skew, count as 0). */
export function bucketOf(ms: number): number {
  const s = Math.max(0, ms) / 1000
  for (let i = 0; i < BUCKET_BOUNDS_S.length; i++) if (s <= BUCKET_BOUNDS_S[i]!) return i
  return BUCKET_BOUNDS_S.length
}

/**
 * Lua: `isoMs(iso)` — milliseconds since the epoch of an ISO-8601 timestamp (`YYYY-MM-DDTHH:MM:SS(.fff)`
 * with `Z`, an offset `±HH:MM`, or none = UTC; or a bare date), nil when it is not one; and
 * `histAdd(key, name, ms)` — counts one duration in `key`'s field `{name}|{bucket}`; `bump(key,
 * field, n)`, the HINCRBY every counter goes through, which a batch script defers with
 * `deferBumps()` and writes with `flushBumps()` before it returns. Redis' Lua has
 * no os.time, hence the civil-date arithmetic (days from 1970-01-01).
 */
export const DURATION_HISTOGRAM_LUA = `
local histBounds = { ${BUCKET_BOUNDS_S.map((s) => s * 1000).join(', ')} }
local function isoMs(iso)
  if not iso then return nil end
  local y, mo, d = string.match(iso, '^(%d%d%d%d)-(%d%d)-(%d%d)')
  if not y then return nil end
  local h, mi, s, frac = string.match(iso, '^....-..-..T(%d%d):(%d%d):(%d%d)%.?(%d*)')
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  if mo <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (mo + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  local days = era * 146097 + doe - 719468
  local ms = days * 86400000
  if h then
    ms = ms + ((tonumber(h) * 60 + tonumber(mi)) * 60 + tonumber(s)) * 1000
    if frac ~= '' then ms = ms + math.floor(tonumber('0.' .. frac) * 1000 + 0.5) end
    -- An offset (a publisher's detectedAt keeps its +01:00) is honoured; Z or none is UTC.
    local sign, oh, om = string.match(iso, 'T%d%d:%d%d:%d%d[%.%d]*([+-])(%d%d):?(%d%d)$')
    if sign then
      local off = (tonumber(oh) * 60 + tonumber(om)) * 60000
      if sign == '+' then ms = ms - off else ms = ms + off end
    end
  end
  return ms
end
-- A counter HINCRBY now or, in a batch script that called deferBumps(), gathered per field and
-- written once by flushBumps() before the script returns: a batch of 1 000 blinkers then writes
-- each counter field once instead of once per blinker. Used by every write-time counter.
local bumps = nil
local function bump(key, field, n)
  if bumps then
    local t = bumps[key]
    if not t then t = {}; bumps[key] = t end
    t[field] = (t[field] or 0) + n
  else
    redis.call('HINCRBY', key, field, n)
  end
end
local function deferBumps() bumps = {} end
local function flushBumps()
  if not bumps then return end
  for key, t in pairs(bumps) do
    for field, n in pairs(t) do redis.call('HINCRBY', key, field, n) end
  end
  bumps = nil
end
local function histBucket(ms)
  for i, b in ipairs(histBounds) do if ms <= b then return i - 1 end end
  return #histBounds
end
local function histAdd(key, name, ms)
  if ms < 0 then ms = 0 end
  bump(key, name .. '|' .. histBucket(ms), 1)
end
`

/** Counts per bucket (length BUCKET_COUNT) from a HASH's fields `{name}|{bucket}`. */
export function bucketsOf(hash: Record<string, string>, name: string): number[] {
  const counts = new Array<number>(BUCKET_COUNT).fill(0)
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const v = hash[`${name}|${i}`]
    if (v !== undefined) counts[i] = Number(v)
  }
  return counts
}

/** Adds b's counts into a (same length), returning a. */
export function addBuckets(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < a.length; i++) a[i]! += b[i] ?? 0
  return a
}

/**
 * The q-quantile (0 < q < 1) of the counted durations, in milliseconds: the bucket holding the
 * rank, then linear between its bounds (the overflow bucket answers its lower bound). Undefined
 * when nothing was counted.
 */
export function quantileMs(counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((s, c) => s + c, 0)
  if (total === 0) return undefined
  const rank = q * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : BUCKET_BOUNDS_S[i - 1]! * 1000
      if (i >= BUCKET_BOUNDS_S.length) return lo
      const hi = BUCKET_BOUNDS_S[i]! * 1000
      return Math.round(lo + ((hi - lo) * (rank - seen)) / c)
    }
    seen += c
  }
  return BUCKET_BOUNDS_S[BUCKET_BOUNDS_S.length - 1]! * 1000
}
