import t from 'tap'
import { Redis } from 'ioredis'
import { loadConfig } from '../../src/config.js'
import { createGateway } from '../../src/gateway.js'
import { checkRedisPolicy, judgeRedisPolicy, readRedisPolicy } from '../../src/observability/redis-checks.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'
import { captureLogger } from './log-capture.js'

t.test('eviction is an error, persistence off a warning, both named', async (t) => {
  const { log, lines } = captureLogger()
  t.same(judgeRedisPolicy({ maxmemoryPolicy: 'allkeys-lru', appendonly: 'no', save: '' }, log), ['eviction', 'no-persistence'])
  t.equal(lines[0]?.level, 50, 'eviction logged as error')
  t.match(lines[0]?.msg, /NOT NOEVICTION.*losing acknowledged messages/)
  t.equal(lines[1]?.level, 40, 'no persistence logged as warning')
  t.match(lines[1]?.msg, /persistence is off.*a Redis restart loses acknowledged messages/)
})

t.test('noeviction with AOF or snapshots passes quietly', async (t) => {
  const { log, lines } = captureLogger()
  t.same(judgeRedisPolicy({ maxmemoryPolicy: 'noeviction', appendonly: 'yes', save: '' }, log), [])
  t.same(judgeRedisPolicy({ maxmemoryPolicy: 'noeviction', appendonly: 'no', save: '3600 1' }, log), [])
  t.ok(lines.every((l) => l.level === 30), 'info only')
})

t.test('CONFIG refused (managed Redis): a warning, no crash', async (t) => {
  const refusing = { config: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as unknown as Redis
  const policy = await readRedisPolicy(refusing)
  t.same(policy, { maxmemoryPolicy: undefined, appendonly: undefined, save: undefined })
  const { log, lines } = captureLogger()
  t.same(await checkRedisPolicy(refusing, log), ['config-unavailable'])
  t.match(lines[0]?.msg, /cannot read the Redis configuration/)
})

t.test('the real Redis is read, and the gateway start logs the verdict', async (t) => {
  const redis = new Redis(testRedisUrl())
  t.teardown(() => redis.disconnect())
  const real = await readRedisPolicy(redis)
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[]
  t.equal(real.maxmemoryPolicy, policy, 'what CONFIG GET says')

  const { log, lines } = captureLogger()
  const prefix = `trc${Date.now()}`
  const gw = await createGateway(loadConfig({ KEY_PREFIX: prefix }), { redisUrl: testRedisUrl(), logger: log })
  t.teardown(async () => {
    await gw.close()
    await deleteKeys(prefix)
  })
  const checks = lines.filter((l) => typeof l.check === 'string')
  t.ok(checks.length >= 1, 'the start logged the Redis check')
  const persistenceOff = real.appendonly !== 'yes' && (real.save ?? '') === ''
  t.equal(
    checks.some((l) => l.check === 'redis-persistence' && l.level === 40),
    persistenceOff,
    'the persistence warning appears exactly when persistence is off on this Redis',
  )
})
