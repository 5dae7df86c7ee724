/**
 * POST /{env}/v1/feedback and GET /{env}/v1/feedback/{messageId}: every rule with its status and
 * GW_ERR code, idempotency, batches, the 503 boundary. Real Fastify, real Redis; no workers (the
 * forward job is checked in the queue).
 */
import { Redis } from 'ioredis'
import t from 'tap'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, blinkerState, feedbackFor, getStatus, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'
import { forwardOutbox } from '../../src/queue/forward-queue.js'

t.test('an accepted feedback: 202 receipt, status RECEIVED, blinker FEEDBACK_RECEIVED, one forward job', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { messageId: crypto.randomUUID().toUpperCase() })
  const res = await postFeedback(gw, A.alpha, f)
  t.equal(res.statusCode, 202)
  const receipt = res.json()
  t.same(Object.keys(receipt), ['messageId', 'receivedAt', 'status'])
  t.equal(receipt.messageId, f.messageId.toLowerCase(), 'messageIds are answered in lower case')
  t.equal(receipt.status, 'RECEIVED')
  t.ok(Date.parse(receipt.receivedAt))

  const status = await getStatus(gw, A.alpha, f.messageId)
  t.equal(status.statusCode, 200)
  t.match(status.json(), { messageId: receipt.messageId, blinkerId: b.blinkerId, code: 131, status: 'RECEIVED', history: [{ status: 'RECEIVED', cause: 'received', by: 'alpha' }] })
  t.equal((await getStatus(gw, A.inspection, f.messageId)).statusCode, 200, 'the inspection reads it too')

  const state = await blinkerState(gw, b.blinkerId)
  t.equal(state.status, 'FEEDBACK_RECEIVED')
  t.match(state.history.at(-1), { status: 'FEEDBACK_RECEIVED', cause: /feedback 131 \(UNJUSTIFIED\)/, by: 'alpha' })

  // The 202 came once the message and its outbox entry were stored; its batch job is added a moment later.
  const acc = gw.contexts.get('acceptance')
  if (!acc) throw new Error('no acceptance context')
  await forwardOutbox(acc).settle()
  const jobs = await acc.queues.forward.getJobs(['waiting'])
  t.equal(jobs.length, 1, 'one batch job')
  t.match(jobs[0], { name: 'forward-batch', data: { party: 'inspection', messageIds: [receipt.messageId] } })
  t.match(jobs[0]?.opts, { attempts: 12, backoff: { type: 'exponential' } }, 'the forward queue\'s job options')
  t.equal(await gw.redis.zcard(keys.outbox(`${gw.prefix}:acceptance:`, 'forward')), 0, 'outbox flushed')
})

t.test('idempotency: same content → first receipt; other content → 409; nothing applied twice', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  const first = (await postFeedback(gw, A.alpha, f)).json()
  const again = await postFeedback(gw, A.alpha, { ...f, messageId: f.messageId.toUpperCase() })
  t.equal(again.statusCode, 202)
  t.same(again.json(), first, 'the first receipt, byte for byte')
  const other = await postFeedback(gw, A.alpha, { ...f, code: 140 })
  t.equal(other.statusCode, 409)
  t.equal(other.json().code, 'GW_ERR_MESSAGE_ID_REUSED')
  t.match(other.headers['content-type'], /application\/problem\+json/)
  const history = (await blinkerState(gw, b.blinkerId)).history
  t.equal(history.filter((h) => h.status === 'FEEDBACK_RECEIVED').length, 1, 'one FEEDBACK transition')
  t.equal((await getStatus(gw, A.alpha, f.messageId)).json().code, 131, 'the first content is kept')
})

t.test('rules: each refusal with its status and code, and nothing written', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  const bOther = await published(t, gw, CPAS.alpha2)
  const bBeta = await published(t, gw, CPAS.beta)
  const bFamily = await published(t, gw, CPAS.alpha1, { flow: 'FAMILY_ALLOWANCES' })
  const cases: [string, string, unknown, number, string][] = [
    ['schema: bad kbo checksum', A.alpha, { ...feedbackFor(b), cpasKbo: '0212344877' }, 400, 'GW_ERR_VALIDATION'],
    ['schema: unknown field', A.alpha, { ...feedbackFor(b), extra: 1 }, 400, 'GW_ERR_VALIDATION'],
    ['schema: comment over 500', A.alpha, feedbackFor(b, { code: 999, comment: 'x'.repeat(501) }), 400, 'GW_ERR_VALIDATION'],
    ['unknown blinker', A.alpha, feedbackFor({ blinkerId: 'CLI-2026-999999999', cpasKbo: CPAS.alpha1 }), 404, 'GW_ERR_UNKNOWN_BLINKER'],
    ['cpasKbo not served by the caller', A.beta, feedbackFor(b), 403, 'GW_ERR_FORBIDDEN_CPAS'],
    ['cpasKbo served, blinker of another CPAS the caller serves', A.alpha, feedbackFor(bOther, { cpasKbo: CPAS.alpha1 }), 422, 'GW_ERR_BUSINESS_RULE'],
    ['cpasKbo served, blinker of a CPAS the caller does not serve', A.alpha, feedbackFor(bBeta, { cpasKbo: CPAS.alpha1 }), 403, 'GW_ERR_FORBIDDEN_CPAS'],
    ['code not in the catalogue', A.alpha, feedbackFor(b, { code: 4242 }), 422, 'GW_ERR_CODE_NOT_FOR_FLOW'],
    ['code 131 on a FAMILY_ALLOWANCES blinker', A.alpha, feedbackFor(bFamily, { code: 131 }), 422, 'GW_ERR_CODE_NOT_FOR_FLOW'],
    ['code 110 on a WORK_INCOME_DIMONA blinker', A.alpha, feedbackFor(b, { code: 110 }), 422, 'GW_ERR_CODE_NOT_FOR_FLOW'],
    ['999 without comment', A.alpha, feedbackFor(b, { code: 999 }), 422, 'GW_ERR_BUSINESS_RULE'],
    ['999 with a blank comment', A.alpha, feedbackFor(b, { code: 999, comment: '   ' }), 422, 'GW_ERR_BUSINESS_RULE'],
    ['inspection may not send feedback', A.inspection, feedbackFor(b), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['publisher may not send feedback', A.publisher, feedbackFor(b), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['production token on acceptance', 'demo-prod-alpha', feedbackFor(b), 403, 'GW_ERR_WRONG_ENVIRONMENT'],
    ['unknown token', 'nope', feedbackFor(b), 401, 'GW_ERR_UNAUTHENTICATED'],
  ]
  for (const [what, token, body, status, code] of cases) {
    const res = await postFeedback(gw, token, body)
    t.equal(res.statusCode, status, `${what}: status`)
    t.equal(res.json().code, code, `${what}: code`)
    const id = String((body as { messageId: string }).messageId).toLowerCase()
    t.equal(await gw.redis.exists(keys.feedback(`${gw.prefix}:acceptance:`, id)), 0, `${what}: nothing stored`)
  }
  for (const x of [b, bOther, bBeta, bFamily]) t.equal((await blinkerState(gw, x.blinkerId)).status, 'PUBLISHED', 'no blinker moved')
  const ok999 = await postFeedback(gw, A.alpha, feedbackFor(b, { code: 999, comment: 'the employer declared by mistake' }))
  t.equal(ok999.statusCode, 202, '999 with a comment is accepted')
  const okFamily = await postFeedback(gw, A.alpha, feedbackFor(bFamily, { code: 110 }))
  t.equal(okFamily.statusCode, 202, '110 on FAMILY_ALLOWANCES is accepted')
  const notJson = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'content-type': 'application/json' }, payload: '{"messageId":' })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().code, 'GW_ERR_MALFORMED_JSON')
})

t.test('a blinker record without its fstat field (stored before it existed): flow checked and feedback counted from its document', async (t) => {
  const gw = await startGateway(t)
  const prefix = `${gw.prefix}:acceptance:`
  const b = await published(t, gw)
  const family = await published(t, gw, CPAS.alpha1, { flow: 'FAMILY_ALLOWANCES' })
  t.equal(await gw.redis.hget(keys.blinker(prefix, b.blinkerId), 'fstat'), `${b.form.periodStart.slice(0, 4)}|${b.regime}|${b.flow}`, 'publication writes it')
  await gw.redis.hdel(keys.blinker(prefix, b.blinkerId), 'fstat')
  await gw.redis.hdel(keys.blinker(prefix, family.blinkerId), 'fstat')
  const wrongFlow = await postFeedback(gw, A.alpha, feedbackFor(family, { code: 131 }))
  t.equal(wrongFlow.statusCode, 422)
  t.equal(wrongFlow.json().code, 'GW_ERR_CODE_NOT_FOR_FLOW')
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b))).statusCode, 202)
  t.same(await gw.redis.hgetall(keys.statsFeedback(prefix)), { [`${b.form.periodStart.slice(0, 4)}|${b.regime}|${b.flow}|131`]: '1' })
})

t.test('feedback on a CLOSED blinker is 409, but re-sending an accepted message still gets its receipt', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 2 })
  const first = await postFeedback(gw, A.alpha, f)
  t.equal(first.statusCode, 202)
  const resolved = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200)
  const late = await postFeedback(gw, A.alpha, feedbackFor(b))
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'GW_ERR_BLINKER_CLOSED')
  const resend = await postFeedback(gw, A.alpha, f)
  t.equal(resend.statusCode, 202)
  t.same(resend.json(), first.json())
})

t.test('batch: each item judged alone; receipts in order; rejected by index with codes', async (t) => {
  const gw = await startGateway(t)
  const b1 = await published(t, gw)
  const b2 = await published(t, gw, CPAS.alpha2)
  const repeated = feedbackFor(b1)
  const items = [
    repeated,
    { ...feedbackFor(b2), cpasKbo: 'garbage' },
    feedbackFor(b2, { code: 999 }),
    feedbackFor(b2, { code: 2 }),
    repeated,
    { ...repeated, code: 140 },
    feedbackFor({ blinkerId: 'CLI-2026-999999998', cpasKbo: CPAS.alpha1 }),
  ]
  const res = await postFeedback(gw, A.alpha, { feedback: items })
  t.equal(res.statusCode, 202)
  const body = res.json()
  t.equal(body.receipts.length, 3)
  t.same(body.receipts.map((r: { messageId: string }) => r.messageId), [repeated.messageId, (items[3] as { messageId: string }).messageId, repeated.messageId])
  t.same(body.receipts[2], body.receipts[0], 'a repeat inside the batch gets the first receipt')
  t.same(body.rejected.map((r: { index: number; errors: { code: string }[] }) => [r.index, r.errors[0]?.code]), [
    [1, 'GW_ERR_VALIDATION'],
    [2, 'GW_ERR_BUSINESS_RULE'],
    [5, 'GW_ERR_MESSAGE_ID_REUSED'],
    [6, 'GW_ERR_UNKNOWN_BLINKER'],
  ])
  t.match(body.rejected[0].errors[0].path, /^\/feedback\/1\/cpasKbo/)
  t.equal(body.rejected[1].errors[0].path, '/feedback/2/comment')
  const acc = gw.contexts.get('acceptance')
  if (!acc) throw new Error('no acceptance context')
  const outboxIds = await gw.redis.zrange(keys.outbox(`${gw.prefix}:acceptance:`, 'forward'), 0, -1)
  const queuedIds = (await acc.queues.forward.getJobs(['waiting', 'delayed', 'active'])).flatMap((j) => (j.data as { messageIds: string[] }).messageIds)
  t.equal(new Set([...outboxIds, ...queuedIds]).size, 2, 'two stored messages, each durable in the outbox or already queued')
  await forwardOutbox(acc).settle()
  const batches = await acc.queues.forward.getJobs(['waiting'])
  t.equal(batches.length, 1, 'the batch\'s messages share one job')
  t.equal((batches[0]?.data as { messageIds: string[] }).messageIds.length, 2, 'one entry per stored message')

  for (const [what, payload] of [
    ['empty', { feedback: [] }],
    ['1001 items', { feedback: Array.from({ length: 1001 }, () => repeated) }],
    ['not an array', { feedback: repeated }],
    ['extra key', { feedback: [repeated], more: 1 }],
  ] as const) {
    const bad = await postFeedback(gw, A.alpha, payload)
    t.equal(bad.statusCode, 400, what)
    t.equal(bad.json().code, 'GW_ERR_VALIDATION', what)
  }
  const thousand = Array.from({ length: 1000 }, () => feedbackFor(b1, { code: 2 }))
  const big = await postFeedback(gw, A.alpha, { feedback: thousand })
  t.equal(big.statusCode, 202, '1000 items are accepted')
  t.equal(big.json().receipts.length, 1000)
})

t.test('GET /feedback/{messageId}: scoping, 404, 400', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  await postFeedback(gw, A.alpha, f)
  const beta = await getStatus(gw, A.beta, f.messageId)
  t.equal(beta.statusCode, 403)
  t.equal(beta.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  const unknown = await getStatus(gw, A.alpha, crypto.randomUUID())
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GW_ERR_UNKNOWN_MESSAGE')
  const bad = await getStatus(gw, A.alpha, 'not-a-uuid')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'GW_ERR_BAD_PARAMETER')
  const publisher = await getStatus(gw, A.publisher, f.messageId)
  t.equal(publisher.statusCode, 403)
  t.equal(publisher.json().code, 'GW_ERR_FORBIDDEN_ROLE')
})

t.test('Redis unreachable: 503 GW_ERR_STORE_UNAVAILABLE and nothing written', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  gw.redis.disconnect()
  const res = await postFeedback(gw, A.alpha, f)
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'GW_ERR_STORE_UNAVAILABLE')
  const batch = await postFeedback(gw, A.alpha, { feedback: [feedbackFor(b)] })
  t.equal(batch.statusCode, 503, 'a batch too')
  const probe = new Redis(testRedisUrl())
  t.teardown(() => probe.disconnect())
  t.equal(await probe.exists(keys.feedback(`${gw.prefix}:acceptance:`, f.messageId)), 0)
  t.equal(await probe.hget(keys.blinker(`${gw.prefix}:acceptance:`, b.blinkerId), 'status'), 'PUBLISHED')
})
