import { Redis } from 'ioredis'
import t from 'tap'
import { redisAnswers, resolveRedis, startPrivateRedis } from '../../src/store/redis-resolve.js'

// A port nothing listens on stands for "no Redis on 127.0.0.1:6379".
const NOTHING = 1

t.test('REDIS_URL wins without being probed', async (t) => {
  const r = await resolveRedis({ url: 'redis://10.9.8.7:6400', allowPrivate: true })
  t.same([r.url, r.source], ['redis://10.9.8.7:6400', 'REDIS_URL'])
})

t.test('a local Redis that answers is used', async (t) => {
  const priv = await startPrivateRedis()
  t.teardown(priv.stop)
  const r = await resolveRedis({ allowPrivate: false, localPort: priv.port })
  t.same([r.url, r.source], [priv.url, 'local'])
})

t.test('otherwise a private redis-server with AOF and noeviction is started, and stopped', async (t) => {
  const r = await resolveRedis({ allowPrivate: true, localPort: NOTHING })
  t.equal(r.source, 'private')
  const redis = new Redis(r.url)
  t.equal(await redis.ping(), 'PONG')
  t.same(await redis.config('GET', 'appendonly'), ['appendonly', 'yes'])
  t.same(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction'])
  redis.disconnect()
  const port = Number(new URL(r.url).port)
  await r.stop()
  t.equal(await redisAnswers('127.0.0.1', port, 200), false, 'stopped with the gateway')
})

t.test('no Redis and none allowed or installable: a message that says what to do', async (t) => {
  await t.rejects(resolveRedis({ allowPrivate: false, localPort: NOTHING }), { name: 'RedisUnavailableError', message: /REDIS_PRIVATE=never.*REDIS_URL/s })
  await t.rejects(resolveRedis({ allowPrivate: true, localPort: NOTHING, binary: 'redis-server-not-installed' }), {
    name: 'RedisUnavailableError',
    message: /apt-get install redis-server/,
  })
})
