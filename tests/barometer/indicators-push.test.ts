/**
 * pushDeadLettered through the real delivery worker and a real webhook: the receiver accepts some
 * blinkers and refuses others for good (HTTP 400: dead-lettered at once), and the indicator is the
 * refused ones over all the pushes that ended.
 */
import t from 'tap'
import { measureParty } from '../../src/barometer/indicators.js'
import { ALLOW_LOCAL_WEBHOOKS, blinkers, CPAS, publish, until, webhook } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

t.test('push deliveries dead-lettered, over the pushes that ended', async (t) => {
  const gw = await startGateway(t, { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '2', DELIVERY_TIMEOUT_MS: '1000' }, { workers: true })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const items = blinkers(5, CPAS.beta)
  const refused = new Set([items[1]?.blinkerId, items[3]?.blinkerId])
  const hook = await webhook(t, (req) => (refused.has(String(req.headers['x-blinker-delivery'])) ? 400 : 200))
  const sub = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(TOKENS.acceptance.beta), payload: { url: hook.url, secret: 'beta-secret-0123456789' } })
  t.equal(sub.statusCode, 200, sub.body)
  t.equal((await publish(gw, items)).statusCode, 202)
  const queue = ctx.deliveryQueues.get('beta')
  await until(t, 'three delivered, two dead-lettered', async () => hook.received.filter((r) => r.status === 200).length === 3 && (await queue?.getFailedCount()) === 2)
  const year = new Date().getUTCFullYear()
  const window = { start: `${year - 1}-01-01`, end: `${year + 1}-01-01` }
  const pushes = async () => (await measureParty(ctx, 'beta', window, new Date())).find((x) => x.indicator === 'pushDeadLettered')
  // The worker counts just after each job ends (buffered: measureParty flushes this process's buffer first).
  const v = await until(t, 'five pushes counted', async () => {
    const m = await pushes()
    return m?.n === 5 ? m : undefined
  })
  t.equal(v?.value, 2 / 5, 'two of five dead-lettered')
  const alpha = (await measureParty(ctx, 'alpha', window, new Date())).find((x) => x.indicator === 'pushDeadLettered')
  t.same([alpha?.value, alpha?.n], [null, 0], 'alpha pushed nothing')
})
