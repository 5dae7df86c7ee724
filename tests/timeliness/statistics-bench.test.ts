/**
 * The bench's statistics scenario at a small scale: it loads the demo data set with its timeline
 * into production under the gateway's prefix, then times GET /v1/statistics (default, and with
 * per-CPAS timeliness) over real HTTP; its p99 is checked against the 50 ms target by the report.
 */
import { Redis } from 'ioredis'
import t from 'tap'
import type { BenchContext } from '../../bench/lib/harness.js'
import { evaluateTargets } from '../../bench/lib/report.js'
import { statistics } from '../../bench/scenarios/statistics.js'
import { keys } from '../../src/store/keys.js'
import { startGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

t.test('statistics scenario: demo data with its timeline, two queries timed', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' })
  const origin = await gw.app.listen({ host: '127.0.0.1', port: 0 })
  const redis = new Redis(testRedisUrl())
  t.teardown(() => redis.disconnect())
  const logs: string[] = []
  const ctx = { settings: { quick: true, rounds: 1, durationMs: 300 }, redisUrl: testRedisUrl(), redis, gateway: { origin, children: [] }, log: (m: string) => logs.push(m) } as unknown as BenchContext
  const result = await statistics(ctx, { keyPrefix: gw.prefix, cpasLimit: 4, samples: 3, warmup: 1 })
  t.equal(result.id, 'statistics')
  t.equal(result.gateway.errors, 0, 'every GET answered 200 with the timeliness')
  t.ok(Number.isFinite(result.gateway.p99) && result.gateway.p99 >= result.gateway.p50, 'p50 and p99 measured')
  t.match(result.notes[2], /default \/production\/v1\/statistics\?period=2016: p50/)
  t.match(result.notes[3], /timelinessCpas=0212344876,0207151616,0207017596,\d{10}: p50/)
  const fields = await redis.hlen(keys.timeliness(`${gw.prefix}:production:`, '2016'))
  t.ok(fields > 0, `the timeline's counters are there (${fields} fields)`)
  t.same(evaluateTargets([result]).map((c) => c.target), ['statistics: GET /v1/statistics p99'])
})
