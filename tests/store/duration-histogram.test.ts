/**
 * The shared duration histograms: the Lua side (isoMs, histBucket, histAdd) run in a real Redis
 * agrees with JavaScript's Date.parse and with the TypeScript bucketOf, and quantileMs reads
 * medians and p90 as documented (inside the bucket of the rank, linear within it).
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { BUCKET_BOUNDS_S, BUCKET_COUNT, DURATION_HISTOGRAM_LUA, addBuckets, bucketOf, bucketsOf, quantileMs } from '../../src/store/duration-histogram.js'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import { runScript, type LuaScript } from '../../src/store/scripts.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const parse: LuaScript = { numberOfKeys: 0, lua: `${DURATION_HISTOGRAM_LUA}\nlocal out = {}\nfor i, s in ipairs(ARGV) do local ms = isoMs(s); out[i] = ms and tostring(ms) or 'nil' end\nreturn out` }
const bucket: LuaScript = { numberOfKeys: 0, lua: `${DURATION_HISTOGRAM_LUA}\nlocal out = {}\nfor i, s in ipairs(ARGV) do out[i] = histBucket(tonumber(s)) end\nreturn out` }
const add: LuaScript = { numberOfKeys: 1, lua: `${DURATION_HISTOGRAM_LUA}\nfor _, s in ipairs(ARGV) do histAdd(KEYS[1], 'm', tonumber(s)) end\nreturn 1` }

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

t.test('isoMs, histBucket and histAdd in Redis agree with JavaScript', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const redis = commandConnection(testRedisUrl())
  t.teardown(() => redis.quit())
  await waitReady(redis)

  // Any instant from 1970 to 2199, written with Z, with an offset, with or without fractions.
  const iso = fc.record({
    ms: fc.integer({ min: 0, max: Date.UTC(2199, 11, 31) }),
    frac: fc.constantFrom(0, 1, 3),
    offsetMin: fc.constantFrom(null, 0, 60, 120, -300, 330, -570),
  }).map(({ ms, frac, offsetMin }) => {
    const d = new Date(ms + (offsetMin ?? 0) * 60_000)
    const civil = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    const f = frac === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3).slice(0, frac)}`
    const zone = offsetMin === null ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`
    return `${civil}${f}${zone}`
  })
  await fc.assert(
    fc.asyncProperty(fc.array(iso, { minLength: 1, maxLength: 40 }), async (list) => {
      const got = await runScript<string[]>(redis, parse, [], list)
      t.same(got.map(Number), list.map((s) => Date.parse(s)))
    }),
    { numRuns: 60 },
  )
  t.same(await runScript<string[]>(redis, parse, [], ['2016-02-29', 'not a date', '2016-13']), [String(Date.UTC(2016, 1, 29)), 'nil', 'nil'], 'a bare date is midnight UTC; anything else nil')

  const edges = [0, ...BUCKET_BOUNDS_S.flatMap((s) => [s * 1000 - 1, s * 1000, s * 1000 + 1]), 400 * 86_400_000]
  t.same((await runScript<number[]>(redis, bucket, [], edges)).map(Number), edges.map(bucketOf), 'the same bucket on both sides, bounds inclusive')

  const key = `${prefix}:h`
  await runScript(redis, add, [key], [-5, 30_000, 60_000, 61_000, 1000 * 86_400 * 400])
  const counts = bucketsOf(await redis.hgetall(key), 'm')
  t.equal(counts.length, BUCKET_COUNT)
  t.same(counts.slice(0, 2), [3, 1], 'a negative duration counts as 0; 1 min is in the first bucket')
  t.equal(counts[BUCKET_COUNT - 1], 1, 'above a year: the overflow bucket')
})

t.test('quantileMs: the rank bucket, linear inside it', async (t) => {
  const c = new Array<number>(BUCKET_COUNT).fill(0)
  t.equal(quantileMs(c, 0.5), undefined, 'nothing counted')
  c[0] = 10
  t.equal(quantileMs(c, 0.5), 30_000, 'half of the first minute')
  t.equal(quantileMs(c, 0.9), 54_000)
  const d = new Array<number>(BUCKET_COUNT).fill(0)
  d[1] = 4 // (1 min, 5 min]
  d[BUCKET_COUNT - 1] = 1
  t.equal(quantileMs(d, 0.5), 60_000 + (240_000 * 2.5) / 4, 'rank 2.5 of the 4 in (60 s, 300 s]: 60 s + 240 s × 2.5 / 4')
  t.equal(quantileMs(d, 0.9), BUCKET_BOUNDS_S[BUCKET_BOUNDS_S.length - 1]! * 1000, 'the overflow bucket answers its lower bound')
  t.same(addBuckets([1, 2], [3, 4]), [4, 6])
})
