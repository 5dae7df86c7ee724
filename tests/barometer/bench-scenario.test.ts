/**
 * The barometer bench scenario (bench/scenarios/barometer.ts) at a very small scale, so it keeps
 * compiling and measuring what it says: its parties file (software houses serving demo CPAS, the
 * rest on Excel lists), the demo data loaded under the gateway's prefix, every GET a 200 listing
 * every party, and its target.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import t from 'tap'
import type { BenchContext } from '../../bench/lib/harness.js'
import { evaluateTargets } from '../../bench/lib/report.js'
import { barometer, barometerParties } from '../../bench/scenarios/barometer.js'
import { startGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

t.test('the scenario on 3 software houses and 8 demo CPAS', async (t) => {
  const parties = barometerParties(3, 2, 8)
  const houses = parties.production.parties.filter((p) => p.role === 'software-house')
  t.equal(houses.length, 3)
  t.same(houses.map((h) => h.cpas?.length), [2, 2, 2], 'two CPAS each')
  t.equal(parties.production.cpas.length, 8, 'two left on Excel lists')
  const dir = mkdtempSync(join(tmpdir(), 'bgw-baro-plumbing-'))
  const file = join(dir, 'parties.json')
  writeFileSync(file, JSON.stringify(parties))
  const gw = await startGateway(t, { PARTIES_FILE: file, ENVIRONMENTS: 'production', RATE_LIMIT_MAX: '0' })
  const origin = await gw.app.listen({ host: '127.0.0.1', port: 0 })
  const redis = new Redis(testRedisUrl())
  t.teardown(() => redis.disconnect())
  const logs: string[] = []
  const ctx = { redisUrl: testRedisUrl(), redis, log: (m: string) => logs.push(m), scripts: {}, gatewayEnv: {}, gatewayExecArgv: [] } as unknown as BenchContext
  const result = await barometer(ctx, { keyPrefix: gw.prefix, houses: 3, cpasPerHouse: 2, cpasLimit: 8, samples: 3, warmup: 1, origin })
  t.equal(result.id, 'barometer')
  t.equal(result.gateway.errors, 0, 'every GET answered 200')
  t.ok(Number.isFinite(result.gateway.p99) && result.gateway.p99 >= result.gateway.p50)
  t.match(result.title, /3 software houses .*\(5 parties\)/, 'three houses and two Excel-list CPAS')
  t.match(logs[0], /demo data into .*:production .* 8 CPAS/)
  t.same(evaluateTargets([result]).map((c) => [c.target, c.limit]), [['barometer: GET /v1/barometer p99 (50 software houses)', 100]])
})
