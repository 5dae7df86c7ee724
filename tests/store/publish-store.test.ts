import t from 'tap'
import { storedDoc } from '../../src/domain/canonical-blinker.js'
import { deliveryOutbox } from '../../src/queue/delivery-outbox.js'
import { keys } from '../../src/store/keys.js'
import { PUBLISH_OUTCOME, storeBlinkers } from '../../src/store/publish-store.js'
import { ALLOW_LOCAL_WEBHOOKS, acceptedIds, blinker, blinkers, CPAS, until, webhook } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

t.test('one Lua step per batch: outcomes, seq = mailbox stream id, outbox only with a subscription', async (t) => {
  const gw = await startGateway(t)
  const p = `${gw.prefix}:acceptance:`
  const [a, b] = [blinker(CPAS.alpha1), blinker(CPAS.beta)]
  await gw.redis.hset(keys.subscription(p, 'beta'), 'url', 'http://127.0.0.1:9/', 'secret', 'x'.repeat(16))
  const items = [a, b].map((x) => ({ blinkerId: x.blinkerId, cpas: x.cpasKbo, ...storedDoc(x), party: x.cpasKbo === CPAS.beta ? 'beta' : 'alpha' }))
  const outcomes = await storeBlinkers(gw.redis, p, [...items, items[0] as (typeof items)[0], { ...(items[1] as (typeof items)[0]), digest: 'other' }], 'publisher')
  t.same(outcomes, [PUBLISH_OUTCOME.STORED, PUBLISH_OUTCOME.STORED_PUSH, PUBLISH_OUTCOME.DUPLICATE, PUBLISH_OUTCOME.CONFLICT])
  const seq = await gw.redis.hget(keys.blinker(p, a.blinkerId), 'seq')
  const [[streamId, fields]] = (await gw.redis.xrange(keys.mailbox(p, CPAS.alpha1), '-', '+')) as [[string, string[]]]
  t.equal(seq, streamId)
  t.same(fields, ['id', a.blinkerId])
  t.same(await gw.redis.zrange(keys.outbox(p, 'delivery-beta'), 0, -1), [b.blinkerId], 'beta is subscribed: its blinker is in the outbox')
  t.same(await gw.redis.zrange(keys.outbox(p, 'delivery-alpha'), 0, -1), [], 'alpha is not: pull only')
})

t.test('outbox sweep adds the jobs a crashed publisher left behind; they are delivered once', async (t) => {
  const gw = await startGateway(t, { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '500' }, { workers: true })
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance')
  const hook = await webhook(t)
  await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(TOKENS.acceptance.alpha), payload: { url: hook.url, secret: 'alpha-secret-0123456789' } })
  // The store step without the addBulk that normally follows it (as if the process died there).
  const items = blinkers(3, CPAS.alpha2)
  await storeBlinkers(gw.redis, envCtx.keys, items.map((x) => ({ blinkerId: x.blinkerId, cpas: x.cpasKbo, ...storedDoc(x), party: 'alpha' })), 'publisher')
  t.equal(acceptedIds(hook).length, 0)
  const outbox = deliveryOutbox(envCtx, 'alpha')
  t.equal(await outbox?.sweep(0), 3)
  t.equal(await outbox?.sweep(0), 0, 'the outbox is empty once the jobs are added')
  await until(t, 'swept jobs delivered', () => acceptedIds(hook).length === 3)
  t.same(acceptedIds(hook).sort(), items.map((x) => x.blinkerId).sort())
})

t.test('Redis memory per stored blinker with its history and mailbox entry stays under 2 KB', async (t) => {
  const gw = await startGateway(t)
  const p = `${gw.prefix}:acceptance:`
  const items = blinkers(200, CPAS.alpha1)
  await storeBlinkers(gw.redis, p, items.map((x) => ({ blinkerId: x.blinkerId, cpas: x.cpasKbo, ...storedDoc(x), party: undefined })), 'publisher')
  let total = 0
  for (const x of items.slice(0, 50)) {
    total += Number(await gw.redis.call('MEMORY', 'USAGE', keys.blinker(p, x.blinkerId)))
    total += Number(await gw.redis.call('MEMORY', 'USAGE', keys.blinkerHistory(p, x.blinkerId)))
  }
  const stream = Number(await gw.redis.call('MEMORY', 'USAGE', keys.mailbox(p, CPAS.alpha1), 'SAMPLES', '0')) / items.length
  const perBlinker = total / 50 + stream
  t.ok(perBlinker < 2048, `~${Math.round(perBlinker)} bytes per blinker`)
})
