/**
 * The forward worker against a local back office (node:http on port 0, de-duplicating on
 * Idempotency-Key): a back office that fails for a while then recovers gets every accepted message
 * exactly once by effect; a permanent 4xx dead-letters, a replay after the fix delivers once; a
 * timeout is retried; without INSPECTION_URL the built-in inbox receives each message once.
 */
import t from 'tap'
import type { EnvContext } from '../../src/context.js'
import { feedbackCode } from '../../src/domain/feedback-codes.js'
import { canonicalFeedback, feedbackDigest, flowsArg } from '../../src/domain/feedback-rules.js'
import { storeFeedback } from '../../src/store/feedback-store.js'
import { keys } from '../../src/store/keys.js'
import { startWorkers } from '../../src/workers/start-workers.js'
import { readJobMetrics } from '../../src/observability/job-metrics.js'
import { listDeadLetters, replayDeadLetters } from '../../src/queue/dead-letters.js'
import { CPAS, until } from '../helpers/blinkers.js'
import { A, backOffice, blinkerState, feedbackFor, getStatus, postFeedback, published, workerEnv } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const statusOf = async (gw: TestGateway, id: string): Promise<string> => (await getStatus(gw, A.inspection, id)).json().status

t.test('back office down (503) for a while, then up: each message arrives once by effect', async (t) => {
  let down = true
  const office = await backOffice(t, () => (down ? 503 : 200))
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const sent: string[] = []
  const blinkers = []
  for (let i = 0; i < 5; i++) {
    const b = await published(t, gw, i % 2 ? CPAS.alpha1 : CPAS.alpha2)
    blinkers.push(b)
    const f = feedbackFor(b)
    t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
    sent.push(f.messageId)
  }
  await until(t, 'every message tried at least twice while down', () => sent.every((id) => office.calls.filter((c) => c.key === id).length >= 2))
  t.equal(office.taken.size, 0, 'nothing taken while down')
  t.same(await Promise.all(sent.map((id) => statusOf(gw, id))), sent.map(() => 'RECEIVED'), 'still RECEIVED while retrying')
  down = false
  await until(t, 'all forwarded', async () => (await Promise.all(sent.map((id) => statusOf(gw, id)))).every((s) => s === 'FORWARDED'))
  t.same([...office.taken.keys()].sort(), [...sent].sort(), 'every accepted message reached the back office')
  t.ok([...office.taken.values()].every((n) => n === 1), 'and none twice')
  const call = office.calls.find((c) => c.status === 200 && c.key === sent[0])
  t.match(call?.body, { feedback: { messageId: sent[0], code: 131 }, blinker: { blinkerId: blinkers[0]?.blinkerId, status: 'FEEDBACK_RECEIVED' }, softwareHouse: 'alpha' })
  for (const b of blinkers) {
    const state = await blinkerState(gw, b.blinkerId)
    t.equal(state.status, 'FORWARDED')
    t.match(state.history.at(-1), { status: 'FORWARDED', cause: 'forwarded' })
  }
  t.match((await getStatus(gw, A.alpha, sent[0] as string)).json().history, [{ status: 'RECEIVED' }, { status: 'FORWARDED', cause: 'forwarded' }])
  const metrics = await readJobMetrics(gw.redis, `${gw.prefix}:acceptance:`)
  t.equal(metrics.find((m) => m.queue === 'forward' && m.field === 'completed')?.value, 5, 'job metrics: 5 completed')
  t.ok((metrics.find((m) => m.queue === 'forward' && m.field === 'cause' && m.cause === 'http_503')?.value ?? 0) >= 10, 'job metrics: the 503s counted by cause')
  // A re-sent message after forwarding: first receipt, no new job effect.
  const before = office.calls.length
  const again = await postFeedback(gw, A.alpha, feedbackFor(blinkers[0] as never, { messageId: sent[0] as string }))
  t.equal(again.statusCode, 202)
  await new Promise((r) => setTimeout(r, 200))
  t.equal(office.calls.length, before, 'no call for a duplicate')
})

t.test('a batch: delivered messages recorded together; a failed one leaves as its own job, without a second POST in a row', async (t) => {
  const perKey = new Map<string, number>()
  let bad = ''
  let flaky = ''
  const office = await backOffice(t, (key) => {
    const n = perKey.get(key) ?? 0
    perKey.set(key, n + 1)
    if (key === bad) return 400
    return key === flaky && n === 0 ? 503 : 200
  })
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const items = []
  for (let i = 0; i < 5; i++) items.push(feedbackFor(await published(t, gw)))
  bad = (items[1] as { messageId: string }).messageId
  flaky = (items[3] as { messageId: string }).messageId
  const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: auth(A.alpha), payload: { feedback: items } })
  t.equal(res.statusCode, 202)
  t.equal(res.json().receipts.length, 5)
  const ids = items.map((f) => f.messageId)
  await until(t, 'all settled', async () => (await Promise.all(ids.map((id) => statusOf(gw, id)))).every((s) => s === 'FORWARDED' || s === 'DEAD_LETTERED'))
  t.same(await Promise.all(ids.map((id) => statusOf(gw, id))), ['FORWARDED', 'DEAD_LETTERED', 'FORWARDED', 'FORWARDED', 'FORWARDED'])
  t.equal(perKey.get(bad), 1, 'the permanent 4xx is not sent again')
  t.equal(perKey.get(flaky), 2, 'the 503 is retried once, by its own job after the backoff')
  for (const id of ids.filter((id) => id !== bad && id !== flaky)) t.equal(perKey.get(id), 1, 'the others: one POST each')
  const queue = gw.contexts.get('acceptance')?.queues.forward
  if (!queue) throw new Error('no forward queue')
  const letters = await listDeadLetters(queue)
  t.match(letters, [{ jobId: bad, party: 'inspection', reason: /back office answered 400/, data: { sender: 'alpha', messageId: bad } }], 'the dead letter is the message\'s own job')
  t.notOk((letters[0]?.data as { batchFailure?: unknown }).batchFailure, 'the batch failure was consumed: a replay POSTs again')
  const metrics = await readJobMetrics(gw.redis, `${gw.prefix}:acceptance:`)
  const value = (field: string) => metrics.find((m) => m.queue === 'forward' && m.field === field && !m.cause)?.value
  t.equal(value('completed'), 4, 'four delivered: three in the batch, one by its own job')
  t.equal(value('retried'), 1)
  t.equal(value('dead_lettered'), 1)
  t.equal(value('attempts_count'), 5, 'five messages done for good')
  t.equal(value('attempts_sum'), 6, 'the flaky one took two attempts')
})

t.test('a 400 from the back office dead-letters; a replay after the fix delivers once', async (t) => {
  let broken = true
  const office = await backOffice(t, () => (broken ? 400 : 200))
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const b = await published(t, gw)
  const f = feedbackFor(b)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  await until(t, 'DEAD_LETTERED', async () => (await statusOf(gw, f.messageId)) === 'DEAD_LETTERED')
  t.equal(office.calls.length, 1, 'a permanent 4xx is not retried')
  const queue = gw.contexts.get('acceptance')?.queues.forward
  if (!queue) throw new Error('no forward queue')
  await until(t, 'job in the failed set', async () => (await queue.getFailedCount()) === 1)
  const letters = await listDeadLetters(queue, { party: 'inspection' })
  t.equal(letters.length, 1)
  t.match(letters[0], { queue: 'forward', jobId: f.messageId, party: 'inspection', reason: /back office answered 400/, data: { sender: 'alpha', blinkerId: b.blinkerId } })
  t.same(await listDeadLetters(queue, { party: 'alpha' }), [], 'party filter = destination')
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FEEDBACK_RECEIVED', 'the blinker waits')

  // The operator's generic dead-letter routes see the forward queue too.
  const listed = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/dead-letters?queue=forward&party=inspection', headers: auth(A.operator) })
  t.equal(listed.statusCode, 200)
  t.match(listed.json().deadLetters, [{ queue: 'forward', jobId: f.messageId, party: 'inspection' }])

  broken = false
  const replay = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/operator/dead-letters/replay', headers: auth(A.operator), payload: { queue: 'forward' } })
  t.equal(replay.statusCode, 200)
  t.match(replay.json().replayed, [{ queue: 'forward', jobId: f.messageId }])
  await until(t, 'FORWARDED after replay', async () => (await statusOf(gw, f.messageId)) === 'FORWARDED')
  t.equal(office.taken.get(f.messageId), 1, 'delivered once')
  t.match((await getStatus(gw, A.alpha, f.messageId)).json().history.map((h: { status: string }) => h.status), ['RECEIVED', 'DEAD_LETTERED', 'FORWARDED'])
  const twice = await replayDeadLetters(queue, { party: 'inspection' })
  t.same(twice.replayed, [], 'nothing left to replay')
  t.equal(office.calls.filter((c) => c.status === 200).length, 1, 'no second delivery')
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FORWARDED')
})

t.test('408/429 and timeouts are retried; attempts exhausted → DEAD_LETTERED', async (t) => {
  const office = await backOffice(t, (_key, n) => (n === 0 ? 408 : n === 1 ? 429 : 200))
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const b = await published(t, gw)
  const f = feedbackFor(b)
  await postFeedback(gw, A.alpha, f)
  await until(t, 'FORWARDED after 408 and 429', async () => (await statusOf(gw, f.messageId)) === 'FORWARDED')
  t.same(office.calls.map((c) => c.status), [408, 429, 200])

  office.answer = () => 503
  const f2 = feedbackFor(await published(t, gw))
  await postFeedback(gw, A.alpha, f2)
  await until(t, 'DEAD_LETTERED after 4 attempts', async () => (await statusOf(gw, f2.messageId)) === 'DEAD_LETTERED')
  t.equal(office.calls.filter((c) => c.key === f2.messageId).length, 4, 'FORWARD_ATTEMPTS = 4')
})

t.test('a back office that does not answer in FORWARD_TIMEOUT_MS is retried', async (t) => {
  const { createServer } = await import('node:http')
  let calls = 0
  const server = createServer((req, res) => {
    calls++
    req.resume()
    if (calls === 1) return // hang: the client's headersTimeout must fire
    res.writeHead(200).end('{}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const port = (server.address() as { port: number }).port
  const gw = await startGateway(t, workerEnv(`http://127.0.0.1:${port}`), { workers: true })
  const f = feedbackFor(await published(t, gw))
  await postFeedback(gw, A.alpha, f)
  await until(t, 'FORWARDED after a timeout', async () => (await statusOf(gw, f.messageId)) === 'FORWARDED')
  t.equal(calls, 2)
})

t.test('without INSPECTION_URL: the built-in inspection inbox, once per message, paged', async (t) => {
  const gw = await startGateway(t, { FORWARD_BACKOFF_MS: '50' }, { workers: true })
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const f = feedbackFor(await published(t, gw), { code: i === 2 ? 2 : 131 })
    await postFeedback(gw, A.alpha, f)
    ids.push(f.messageId)
  }
  await until(t, 'all forwarded to the inbox', async () => (await Promise.all(ids.map((id) => statusOf(gw, id)))).every((s) => s === 'FORWARDED'))
  const inbox = (q = '') => gw.app.inject({ method: 'GET', url: `/acceptance/v1/inspection/inbox${q}`, headers: auth(A.inspection) })
  const all = await inbox()
  t.equal(all.statusCode, 200)
  t.same(all.json().items.map((i: { messageId: string }) => i.messageId).sort(), [...ids].sort(), 'each message once')
  t.match(all.json().items[0], { cursor: /^\d+-\d+$/, feedback: { cpasKbo: CPAS.alpha1 }, blinker: { status: 'FEEDBACK_RECEIVED' }, softwareHouse: 'alpha' })
  const page1 = (await inbox('?limit=2')).json()
  t.equal(page1.items.length, 2)
  const page2 = (await inbox(`?limit=2&after=${page1.next}`)).json()
  t.equal(page2.items.length, 1)
  t.same([...page1.items, ...page2.items].map((i: { messageId: string }) => i.messageId), all.json().items.map((i: { messageId: string }) => i.messageId))
  const empty = (await inbox(`?after=${page2.next}`)).json()
  t.same(empty, { items: [], next: page2.next }, 'an empty page keeps the cursor')
  const asHouse = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/inspection/inbox', headers: auth(A.alpha) })
  t.equal(asHouse.statusCode, 403)
  t.equal(asHouse.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const badLimit = await inbox('?limit=501')
  t.equal(badLimit.statusCode, 400)
  t.equal(badLimit.json().code, 'GW_ERR_BAD_PARAMETER')
})

t.test('a message stored but never queued (producer crashed before the add) is swept and forwarded', async (t) => {
  const office = await backOffice(t)
  const gw = await startGateway(t, workerEnv(office.url))
  const b = await published(t, gw)
  const f = canonicalFeedback(feedbackFor(b))
  const doc = JSON.stringify(f)
  const entry = feedbackCode(131)
  if (!entry) throw new Error('catalogue without 131')
  const prefix = `${gw.prefix}:acceptance:`
  // The store step alone, dated 10 s ago: the record and the outbox entry exist, no job.
  const outcome = await storeFeedback(gw.redis, prefix, { feedback: f, doc, digest: feedbackDigest(doc), entry, flows: flowsArg(entry), party: 'alpha' }, new Date(Date.now() - 10_000))
  t.equal(outcome.kind, 'stored')
  t.equal(await gw.contexts.get('acceptance')?.queues.forward.count(), 0, 'no job yet')
  t.equal(await gw.redis.zcard(keys.outbox(prefix, 'forward')), 1, 'the outbox holds the intent')
  // Workers start (as after a restart): the sweep adds the job.
  const workers = await startWorkers([gw.contexts.get('acceptance') as EnvContext], testRedisUrl(), gw.app.log)
  t.teardown(() => workers.close())
  await until(t, 'swept and forwarded', async () => (await statusOf(gw, f.messageId)) === 'FORWARDED')
  t.equal(office.taken.get(f.messageId), 1)
  t.equal(await gw.redis.zcard(keys.outbox(prefix, 'forward')), 0, 'outbox emptied')
})
