import { createHmac } from 'node:crypto'
import t from 'tap'
import { deliveryQueueName } from '../../src/queue/queues.js'
import { putSubscription } from '../../src/store/subscription-store.js'
import { ALLOW_LOCAL_WEBHOOKS, acceptedIds, blinker, blinkers, CPAS, publish, until, webhook } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'

const A = TOKENS.acceptance
const FAST = { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '500' }
const SECRET = { alpha: 'alpha-secret-0123456789', beta: 'beta-secret-0123456789' }

async function subscribe(gw: TestGateway, party: 'alpha' | 'beta', url: string): Promise<void> {
  const res = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(A[party]), payload: { url, secret: SECRET[party] } })
  if (res.statusCode !== 200) throw new Error(res.body)
}

const status = async (gw: TestGateway, id: string) =>
  (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${id}`, headers: auth(A.inspection) })).json() as { status: string; history: { cause: string }[] }

t.test('push: signed body, delivery id, DELIVERED; older blinkers stay pull-only; own CPAS only', async (t) => {
  const gw = await startGateway(t, FAST, { workers: true })
  const before = blinker(CPAS.alpha1)
  await publish(gw, [before])
  const alphaHook = await webhook(t)
  const betaHook = await webhook(t)
  await subscribe(gw, 'alpha', alphaHook.url)
  await subscribe(gw, 'beta', betaHook.url)
  const alphaItems = [...blinkers(3, CPAS.alpha1), blinker(CPAS.alpha2)]
  const betaItems = blinkers(2, CPAS.beta)
  await publish(gw, [...alphaItems, ...betaItems])

  await until(t, 'alpha deliveries', () => acceptedIds(alphaHook).length === 4)
  await until(t, 'beta deliveries', () => acceptedIds(betaHook).length === 2)
  t.same(acceptedIds(alphaHook).sort(), alphaItems.map((b) => b.blinkerId).sort(), 'alpha got its own blinkers, not the one published before subscribing')
  t.same(acceptedIds(betaHook).sort(), betaItems.map((b) => b.blinkerId).sort())
  for (const r of alphaHook.received) {
    const body = JSON.parse(r.body)
    t.ok([CPAS.alpha1, CPAS.alpha2].includes(body.cpasKbo), 'alpha never sees another software house\'s CPAS')
    t.equal(r.headers['x-blinker-signature'], `sha256=${createHmac('sha256', SECRET.alpha).update(r.body).digest('hex')}`)
    t.equal(r.headers['x-blinker-delivery'], body.blinkerId)
    t.equal(r.headers['content-type'], 'application/json')
    t.match(body, { status: 'PUBLISHED', publishedAt: String })
  }
  for (const r of betaHook.received) t.equal(JSON.parse(r.body).cpasKbo, CPAS.beta)
  const first = alphaItems[0]?.blinkerId ?? ''
  await until(t, 'DELIVERED after push', async () => (await status(gw, first)).status === 'DELIVERED')
  t.match((await status(gw, first)).history, [{ cause: 'published' }, { cause: 'pushed' }])
  t.equal((await status(gw, before.blinkerId)).status, 'PUBLISHED', 'published before the subscription: pull only')
  t.equal(await gw.contexts.get('acceptance')?.deliveryQueues.get('alpha')?.getJob(before.blinkerId), undefined, 'no push job for it')
})

t.test('a webhook that fails then recovers: no loss, no duplicate delivery', async (t) => {
  const gw = await startGateway(t, FAST, { workers: true })
  const tries = new Map<string, number>()
  const hook = await webhook(t, (req) => {
    const id = String(req.headers['x-blinker-delivery'])
    const n = (tries.get(id) ?? 0) + 1
    tries.set(id, n)
    return n === 1 ? 503 : n === 2 ? 429 : 200
  })
  await subscribe(gw, 'beta', hook.url)
  const items = blinkers(10, CPAS.beta)
  await publish(gw, items)
  await until(t, 'all delivered', () => acceptedIds(hook).length >= 10)
  const queue = gw.contexts.get('acceptance')?.deliveryQueues.get('beta')
  await until(t, 'queue settled', async () => (await queue?.getCompletedCount()) === 10)
  t.same(acceptedIds(hook).sort(), items.map((b) => b.blinkerId).sort(), 'each blinker accepted exactly once')
  t.ok([...tries.values()].every((n) => n === 3), 'each took 503, 429, then 200 (retried with backoff)')
  t.equal(await queue?.getFailedCount(), 0, 'nothing dead-lettered')
  const attempts = hook.received.filter((r) => r.headers['x-blinker-delivery'] === items[0]?.blinkerId).map((r) => r.headers['x-blinker-attempt'])
  t.same(attempts, ['1', '2', '3'])
})

t.test('4xx is permanent (dead-lettered at once); 408 is retried', async (t) => {
  const gw = await startGateway(t, FAST, { workers: true })
  const gone = blinker(CPAS.beta)
  const slow = blinker(CPAS.beta)
  const seen = new Map<string, number>()
  const hook = await webhook(t, (req) => {
    const id = String(req.headers['x-blinker-delivery'])
    seen.set(id, (seen.get(id) ?? 0) + 1)
    if (id === gone.blinkerId) return 410
    return (seen.get(id) ?? 0) === 1 ? 408 : 204
  })
  await subscribe(gw, 'beta', hook.url)
  await publish(gw, [gone, slow])
  const queue = gw.contexts.get('acceptance')?.deliveryQueues.get('beta')
  await until(t, 'dead letter', async () => (await queue?.getFailedCount()) === 1)
  await until(t, 'retried 408', () => acceptedIds(hook).includes(slow.blinkerId))
  t.equal(seen.get(gone.blinkerId), 1, 'a 410 is not retried')
  t.equal(seen.get(slow.blinkerId), 2)
  const job = await queue?.getJob(gone.blinkerId)
  t.match(job?.failedReason, /HTTP 410/)
  t.equal((await status(gw, gone.blinkerId)).status, 'PUBLISHED', 'still in the pull mailbox')
})

t.test('fairness: a dead webhook dead-letters without delaying another software house', async (t) => {
  const gw = await startGateway(t, { ...FAST, WORKER_CONCURRENCY: '2' }, { workers: true })
  const dead = await webhook(t, () => 'hang')
  const fine = await webhook(t)
  await subscribe(gw, 'alpha', dead.url)
  await subscribe(gw, 'beta', fine.url)
  const alphaItems = blinkers(4, CPAS.alpha1)
  const betaItems = blinkers(5, CPAS.beta)
  await publish(gw, alphaItems)
  // Alpha's two worker slots are now stuck on a webhook that never answers.
  await until(t, 'alpha hanging', () => dead.received.length >= 2)
  await publish(gw, betaItems)
  await until(t, 'beta delivered', () => acceptedIds(fine).length === 5, 5000)
  // Had beta waited behind alpha, alpha's first calls would have timed out (500 ms) and retried.
  t.equal(dead.received.length, 2, 'beta was served while alpha was still stuck on its first two calls')
  t.same(acceptedIds(fine).sort(), betaItems.map((b) => b.blinkerId).sort())

  const list = async () =>
    (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters?party=alpha', headers: auth(A.operator) })).json() as { deadLetters: { jobId: string; queue: string; attempts: number }[] }
  await until(t, 'alpha dead-lettered after its attempts', async () => (await list()).deadLetters.length === 4, 20_000, 100)
  const letters = (await list()).deadLetters
  t.same(letters.map((l) => l.jobId).sort(), alphaItems.map((b) => b.blinkerId).sort())
  t.ok(letters.every((l) => l.queue === deliveryQueueName('alpha') && l.attempts === 3))
})

t.test('dead letters: list, inspect, dry run, replay exactly the dead ones, idempotent replay', async (t) => {
  const gw = await startGateway(t, FAST, { workers: true })
  const refused = new Set<string>()
  let broken = true
  const hook = await webhook(t, (req) => (broken && refused.has(String(req.headers['x-blinker-delivery'])) ? 400 : 200))
  await subscribe(gw, 'alpha', hook.url)
  const items = blinkers(6, CPAS.alpha1)
  for (const b of items.slice(0, 3)) refused.add(b.blinkerId)
  const since = new Date(Date.now() - 1000).toISOString()
  await publish(gw, items)
  const queue = gw.contexts.get('acceptance')?.deliveryQueues.get('alpha')
  await until(t, 'three dead letters, three delivered', async () => (await queue?.getFailedCount()) === 3 && acceptedIds(hook).length === 3)

  const op = auth(A.operator)
  const listed = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/operator/dead-letters?queue=delivery-alpha&since=${since}`, headers: op })).json()
  t.same(listed.deadLetters.map((l: { jobId: string }) => l.jobId).sort(), [...refused].sort())
  t.match(listed.deadLetters[0], { queue: 'delivery-alpha', party: 'alpha', reason: /HTTP 400/, data: { party: 'alpha' } })
  const future = new Date(Date.now() + 60_000).toISOString()
  t.same((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/operator/dead-letters?since=${future}`, headers: op })).json().deadLetters, [], 'time filter')
  t.same((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters?party=beta', headers: op })).json().deadLetters, [], 'party filter')
  const one = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/operator/dead-letters/delivery-alpha/${items[0]?.blinkerId}`, headers: op })
  t.equal(one.statusCode, 200)
  t.equal(one.json().jobId, items[0]?.blinkerId)
  t.notOk(JSON.stringify(one.json()).includes('/work/'), 'no internal paths')
  const notDead = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/operator/dead-letters/delivery-alpha/${items[5]?.blinkerId}`, headers: op })
  t.equal(notDead.statusCode, 404)
  const unknownQueue = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters?queue=nope', headers: op })
  t.equal(unknownQueue.statusCode, 404)
  const asHouse = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters', headers: auth(A.alpha) })
  t.equal(asHouse.statusCode, 403)
  t.equal(asHouse.json().code, 'GW_ERR_FORBIDDEN_ROLE')

  const dry = (await gw.app.inject({ method: 'POST', url: '/acceptance/v1/operator/dead-letters/replay', headers: op, payload: { party: 'alpha', dryRun: true } })).json()
  t.equal(dry.dryRun, true)
  t.equal(dry.replayed.length, 3)
  t.equal(await queue?.getFailedCount(), 3, 'a dry run changes nothing')

  broken = false
  const replay = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/operator/dead-letters/replay', headers: op, payload: { party: 'alpha' } })
  t.equal(replay.statusCode, 200)
  t.same(replay.json().replayed.map((r: { jobId: string }) => r.jobId).sort(), [...refused].sort())
  await until(t, 'replayed ones delivered', () => acceptedIds(hook).length === 6)
  const again = (await gw.app.inject({ method: 'POST', url: '/acceptance/v1/operator/dead-letters/replay', headers: op, payload: {} })).json()
  t.same(again.replayed, [], 'replaying again does nothing')
  await until(t, 'queue settled', async () => (await queue?.getCompletedCount()) === 6)
  const counts = new Map<string, number>()
  for (const id of acceptedIds(hook)) counts.set(id, (counts.get(id) ?? 0) + 1)
  t.same([...counts.keys()].sort(), items.map((b) => b.blinkerId).sort())
  t.ok([...counts.values()].every((n) => n === 1), 'each blinker accepted exactly once: replay delivered exactly the dead-lettered ones')
})

t.test('no calls inside at delivery time: a webhook that now resolves inside is dead-lettered at once, never called', async (t) => {
  // No allow-list here (the default). The subscriptions are written as an earlier check accepted
  // them; since then their names resolve to loopback (DNS changed) or the allow-list was removed.
  const gw = await startGateway(t, { DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '500' }, { workers: true })
  const hook = await webhook(t)
  const port = new URL(hook.url).port
  const ctx = gw.contexts.get('acceptance')!
  const updatedAt = new Date().toISOString()
  await putSubscription(gw.redis, ctx.keys, 'alpha', { url: `http://localhost:${port}/hook`, secret: SECRET.alpha, updatedAt })
  await putSubscription(gw.redis, ctx.keys, 'beta', { url: hook.url, secret: SECRET.beta, updatedAt })
  const byName = blinker(CPAS.alpha1)
  const byLiteral = blinker(CPAS.beta)
  await publish(gw, [byName, byLiteral])
  for (const [party, b] of [['alpha', byName], ['beta', byLiteral]] as const) {
    const queue = ctx.deliveryQueues.get(party)
    await until(t, `${party} dead-lettered`, async () => (await queue?.getFailedCount()) === 1)
    const job = await queue?.getJob(b.blinkerId)
    t.equal(job?.attemptsMade, 1, 'not retried: permanent')
    t.match(job?.failedReason, /^push refused: the webhook host is or resolves to a loopback address/)
    t.notMatch(job?.failedReason, /localhost|127\.0\.0\.1/, 'the reason names no host')
    t.equal((await status(gw, b.blinkerId)).status, 'PUBLISHED', 'still in the pull mailbox')
  }
  t.equal(hook.received.length, 0, 'the inside receiver was never called')
})
