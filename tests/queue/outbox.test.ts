import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { Outbox } from '../../src/queue/outbox.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

/** A queue and an outbox key under a fresh prefix, removed on teardown. */
function fixture(t: Test, prefix: string) {
  const redis = new Redis(testRedisUrl())
  const queue = new Queue('forward', { connection: redis, prefix: `${prefix}:q` })
  t.teardown(async () => {
    await queue.close()
    redis.disconnect()
    await deleteKeys(prefix)
  })
  return { redis, queue, key: `${prefix}:outbox` }
}

t.test('later: jobs answered together are added together, leave the outbox, and settle waits', async (t) => {
  const { redis, queue, key } = fixture(t, `tob${process.pid}`)
  const outbox = new Outbox(redis, key, queue, async () => undefined)
  const ids = Array.from({ length: 30 }, (_, i) => `m${i}`)
  // As the store step does: the ids are in the outbox before the answer.
  await redis.zadd(key, ...ids.flatMap((id) => [Date.now(), id]))
  let bulkCalls = 0
  const addBulk = queue.addBulk.bind(queue)
  queue.addBulk = async (jobs) => {
    bulkCalls++
    return addBulk(jobs)
  }
  for (const id of ids) outbox.later([{ id, name: 'forward', data: { id } }])
  t.equal(await queue.count(), 0, 'nothing added synchronously')
  await outbox.settle()
  t.equal(bulkCalls, 1, 'thirty answers, one addBulk')
  t.equal(await queue.count(), 30)
  t.equal(await redis.zcard(key), 0, 'the outbox is cleared after the add')
})

t.test('later: a failed add is reported and the ids stay in the outbox for the sweep', async (t) => {
  const { redis, queue, key } = fixture(t, `tob${process.pid}b`)
  const outbox = new Outbox(redis, key, queue, async (id) => ({ name: 'forward', data: { id } }))
  await redis.zadd(key, Date.now() - 10_000, 'lost')
  queue.addBulk = async () => {
    throw new Error('Connection is closed.')
  }
  const reported: number[] = []
  outbox.later([{ id: 'lost', name: 'forward', data: { id: 'lost' } }], (_err, count) => reported.push(count))
  await outbox.settle()
  t.same(reported, [1], 'the failure is reported with its count')
  t.equal(await redis.zcard(key), 1, 'still in the outbox')
  delete (queue as { addBulk?: unknown }).addBulk
  t.equal(await outbox.sweep(0), 1, 'the sweep adds it')
  t.ok(await queue.getJob('lost'))
})
