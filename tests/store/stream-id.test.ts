/**
 * The one check of client-chosen stream ids (src/store/stream-id.ts), held against the real Redis:
 * whatever text a client puts in a cursor, either the check refuses it (the caller's 400) or Redis
 * accepts it as an exclusive XRANGE start. And a Redis refusal caused by a value maps to 400, never
 * GW_ERR_INTERNAL, while an outage stays 503 (src/ingress/error-mapping.ts).
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { Redis } from 'ioredis'
import t from 'tap'
import { GatewayError } from '../../src/errors.js'
import { isRefusedArgument, toGatewayError } from '../../src/ingress/error-mapping.js'
import { decodeCursor, encodeCursor } from '../../src/services/mailbox-service.js'
import { cursorAfter, isExclusiveStart, isStreamId, msBound, rangeStartAfter, STREAM_PART_MAX } from '../../src/store/stream-id.js'
import { testRedisUrl } from '../helpers/redis.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647)
const RUNS = Number(process.env.FC_RUNS ?? 300)
t.comment(`fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)
const MAX = STREAM_PART_MAX.toString()

/** Digit strings around the edges Redis cares about: 0, 2^64 − 1, 2^64, over-long, leading zeros. */
const part = fc.oneof(
  fc.constantFrom('0', '1', '00', '01', MAX, (STREAM_PART_MAX - 1n).toString(), (STREAM_PART_MAX + 1n).toString(), '99999999999999999999', '9'.repeat(21), '1'.repeat(40), ''),
  fc.bigInt({ min: 0n, max: STREAM_PART_MAX + 10n }).map(String),
  fc.stringMatching(/^[0-9]{1,24}$/),
)
const idText = fc.oneof(
  fc.tuple(part, part).map(([a, b]) => `${a}-${b}`),
  fc.tuple(part, fc.constantFrom('-', '--', '+', ' ', '-+', '.', '')).map(([a, sep]) => `${a}${sep}`),
  fc.constantFrom('-', '+', '(0-0', '0-0', `${MAX}-${MAX}`, `-1-0`, `+1-0`, ' 1-0', '1-0 ', '1e3-0', '0x1-0', '١-٠'),
  fc.string({ maxLength: 50 }),
)

t.test('isStreamId is exactly "canonical, both parts ≤ 2^64 − 1" (BigInt reference)', async (t) => {
  fc.assert(
    fc.property(idText, (id) => {
      const m = /^(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$/.exec(id)
      const expected = m !== null && BigInt(m[1] as string) <= STREAM_PART_MAX && BigInt(m[2] as string) <= STREAM_PART_MAX
      return isStreamId(id) === expected
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.ok(isStreamId(`${MAX}-${MAX}`), 'the largest id is an id')
  t.notOk(isExclusiveStart(`${MAX}-${MAX}`), 'but nothing comes after it')
  t.ok(isExclusiveStart(`${MAX}-${(STREAM_PART_MAX - 1n).toString()}`))
  t.ok(isExclusiveStart('0-0'))
  for (const bad of ['01-0', '0-01', `1${MAX}-0`, `${(STREAM_PART_MAX + 1n).toString()}-0`, '-0', '0-', '']) t.notOk(isStreamId(bad), bad)
})

t.test('every id the check lets through is one Redis accepts as an exclusive start (real XRANGE)', async (t) => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })
  t.teardown(() => redis.disconnect())
  const key = `t${randomBytes(5).toString('hex')}:stream`
  await redis.xadd(key, '5-1', 'f', 'v')
  t.teardown(() => redis.del(key))
  await fc.assert(
    fc.asyncProperty(idText, async (id) => {
      let start: string
      try {
        start = rangeStartAfter(cursorAfter(id, 'querystring:/after'))
      } catch (err) {
        return err instanceof GatewayError && err.code === 'GW_ERR_BAD_PARAMETER' && err.message === 'after is not a cursor this gateway gave out'
      }
      await redis.xrange(key, start, '+', 'COUNT', 1)
      return true
    }),
    { seed: SEED, numRuns: RUNS },
  )
  // And the ones refused for range are the ones Redis itself refuses.
  for (const id of [`${MAX}-${MAX}`, `${(STREAM_PART_MAX + 1n).toString()}-0`, `0-${(STREAM_PART_MAX + 1n).toString()}`]) {
    t.throws(() => cursorAfter(id, 'x'), { code: 'GW_ERR_BAD_PARAMETER' }, `refused: ${id}`)
    await t.rejects(redis.xrange(key, `(${id}`, '+'), { name: 'ReplyError' }, `Redis refuses ${id} as well`)
  }
  t.throws(() => rangeStartAfter('01-0'), RangeError, 'the store refuses an unchecked id itself')
  t.equal(rangeStartAfter(undefined), '-')
  t.equal(rangeStartAfter(''), '-')
})

t.test('mailbox cursors: any text decodes to an exclusive start or is a 400; encode/decode round-trips', async (t) => {
  fc.assert(
    fc.property(fc.oneof(idText.map((id) => encodeCursor(id)), fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 80 })), (cursor) => {
      try {
        return isExclusiveStart(decodeCursor(cursor))
      } catch (err) {
        return err instanceof GatewayError && err.status === 400
      }
    }),
    { seed: SEED, numRuns: RUNS },
  )
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: STREAM_PART_MAX }), fc.bigInt({ min: 0n, max: STREAM_PART_MAX - 1n }), (ms, seq) => decodeCursor(encodeCursor(`${ms}-${seq}`)) === `${ms}-${seq}`),
    { seed: SEED, numRuns: RUNS },
  )
  t.throws(() => decodeCursor(encodeCursor(`${MAX}-${MAX}`)), { code: 'GW_ERR_BAD_PARAMETER' }, 'the cursor of the largest id')
  t.throws(() => decodeCursor('A'.repeat(57)), { code: 'GW_ERR_BAD_PARAMETER' }, 'longer than any cursor given out')
})

t.test('msBound clamps a time to the range of stream ids', async (t) => {
  t.equal(msBound(-2_208_988_800_000), '0', 'before 1970')
  t.equal(msBound(Number.NaN), '0')
  t.equal(msBound(1_700_000_000_000.7), '1700000000000')
  t.equal(msBound(Number.MAX_VALUE), String(Number.MAX_SAFE_INTEGER))
})

t.test('error mapping: a value Redis refuses is 400, a defect 500, an outage 503', async (t) => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })
  t.teardown(() => redis.disconnect())
  const key = `t${randomBytes(5).toString('hex')}:k`
  t.teardown(() => redis.del(key))
  const refusals = await Promise.all([
    redis.xrange(key, '(99999999999999999999-0', '+').catch((e: unknown) => e),
    redis.xrange(key, `(${MAX}-${MAX}`, '+').catch((e: unknown) => e),
    redis.incrby(key, '1e3' as unknown as number).catch((e: unknown) => e),
    redis.zadd(key, 'nan', 'm').catch((e: unknown) => e),
    redis.zrangebyscore(key, 'x', '+inf').catch((e: unknown) => e),
    redis.set(key, 'v', 'PX', -5).catch((e: unknown) => e),
    redis.eval("return redis.call('XADD', KEYS[1], ARGV[1], 'f', 'v')", 1, key, '-1-0').catch((e: unknown) => e),
  ])
  for (const err of refusals) {
    t.ok(isRefusedArgument(err), `refused argument: ${(err as Error).message}`)
    const { error, internal } = toGatewayError(err)
    t.equal(error.code, 'GW_ERR_BAD_PARAMETER')
    t.equal(internal, false)
    t.notMatch(error.message, /ERR|stream|Redis/i, 'Redis text is not passed on')
  }
  await redis.set(key, 'text')
  const wrongType = await redis.xrange(key, '-', '+').catch((e: unknown) => e)
  t.notOk(isRefusedArgument(wrongType), 'WRONGTYPE is a defect of ours')
  t.same({ code: toGatewayError(wrongType).error.code, internal: toGatewayError(wrongType).internal }, { code: 'GW_ERR_INTERNAL', internal: true })
  const script = await redis.eval('return nil + 1', 0).catch((e: unknown) => e)
  t.equal(toGatewayError(script).error.code, 'GW_ERR_INTERNAL', 'a script error is a defect')
  const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
  down.on('error', () => {})
  const outage = await down.get('x').catch((e: unknown) => e)
  down.disconnect()
  t.equal(toGatewayError(outage).error.code, 'GW_ERR_STORE_UNAVAILABLE', 'an outage stays 503')
  const plain = new Error('ERR Invalid stream ID specified as stream command argument')
  t.notOk(isRefusedArgument(plain), 'only a Redis reply counts, not any error with that text')
})
