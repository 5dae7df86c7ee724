/**
 * POST /{env}/v1/decisions: ACCEPTED closes (cancellations), REFUSED reopens and new feedback is
 * possible, JUSTIFIED feedback keeps the blinker open until resolve, decisions are final and
 * idempotent, and the usual role / 404 / 400 answers.
 */
import t from 'tap'
import { A, blinkerState, decideOn, feedbackFor, getStatus, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'

t.test('ACCEPTED on a cancellation closes the blinker with the cause; final and idempotent', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 140 })
  await postFeedback(gw, A.alpha, f)
  const res = await decideOn(gw, f.messageId, 'ACCEPTED', 'payslips checked')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { messageId: f.messageId, blinkerId: b.blinkerId, code: 140, decision: 'ACCEPTED', status: 'ACCEPTED', blinkerStatus: 'CLOSED' })
  t.match(res.json().history.at(-1), { status: 'ACCEPTED', cause: 'inspection decision: payslips checked', by: 'inspection' })
  const state = await blinkerState(gw, b.blinkerId)
  t.equal(state.status, 'CLOSED')
  t.match(state.history.at(-1), { status: 'CLOSED', cause: new RegExp(`cancellation accepted \\(feedback ${f.messageId}\\): payslips checked`), by: 'inspection' })
  t.equal((await getStatus(gw, A.alpha, f.messageId)).json().status, 'ACCEPTED', 'the software house sees the decision')

  const again = await decideOn(gw, f.messageId.toUpperCase(), 'ACCEPTED')
  t.equal(again.statusCode, 200, 'the same decision again is harmless')
  t.equal((await blinkerState(gw, b.blinkerId)).history.filter((h) => h.status === 'CLOSED').length, 1, 'closed once')
  const flip = await decideOn(gw, f.messageId, 'REFUSED')
  t.equal(flip.statusCode, 409)
  t.equal(flip.json().code, 'GW_ERR_ILLEGAL_TRANSITION')
  const late = await postFeedback(gw, A.alpha, feedbackFor(b))
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'GW_ERR_BLINKER_CLOSED')
})

t.test('REFUSED reopens the blinker; the software house sends new feedback; that one can be accepted', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const first = feedbackFor(b, { code: 131 })
  await postFeedback(gw, A.alpha, first)
  const refused = await decideOn(gw, first.messageId, 'REFUSED', 'the Dimona is right')
  t.equal(refused.statusCode, 200)
  t.match(refused.json(), { status: 'REFUSED', blinkerStatus: 'REOPENED' })
  const state = await blinkerState(gw, b.blinkerId)
  t.equal(state.status, 'REOPENED')
  t.match(state.history.at(-1), { status: 'REOPENED', cause: /cancellation refused .*the Dimona is right/ })

  const second = feedbackFor(b, { code: 999, comment: 'worked until the 13th under article 60' })
  const res = await postFeedback(gw, A.alpha, second)
  t.equal(res.statusCode, 202, 'new feedback after REOPENED')
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FEEDBACK_RECEIVED')
  const accepted = await decideOn(gw, second.messageId, 'ACCEPTED')
  t.match(accepted.json(), { status: 'ACCEPTED', blinkerStatus: 'CLOSED' })
  t.same(
    (await blinkerState(gw, b.blinkerId)).history.map((h) => h.status),
    ['PUBLISHED', 'FEEDBACK_RECEIVED', 'REOPENED', 'FEEDBACK_RECEIVED', 'CLOSED'],
  )
  t.equal((await getStatus(gw, A.alpha, first.messageId)).json().status, 'REFUSED', 'the first message keeps its decision')
})

t.test('JUSTIFIED feedback: ACCEPTED keeps the blinker open until resolve; REFUSED reopens', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 2 })
  await postFeedback(gw, A.alpha, f)
  const res = await decideOn(gw, f.messageId, 'ACCEPTED')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ACCEPTED', blinkerStatus: 'FEEDBACK_RECEIVED' }, 'not closed: follow-up continues')
  const resolved = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200)
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'CLOSED', 'a form D closes it')

  const b2 = await published(t, gw)
  const f2 = feedbackFor(b2, { code: 1 })
  await postFeedback(gw, A.alpha, f2)
  t.match((await decideOn(gw, f2.messageId, 'REFUSED')).json(), { status: 'REFUSED', blinkerStatus: 'REOPENED' })
})

t.test('a decision on a blinker closed meanwhile is 409 and changes nothing', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  await postFeedback(gw, A.alpha, f)
  await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_CORRECTED' } })
  const res = await decideOn(gw, f.messageId, 'REFUSED')
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'GW_ERR_BLINKER_CLOSED')
  t.equal((await getStatus(gw, A.alpha, f.messageId)).json().status, 'RECEIVED', 'the feedback is unchanged')
})

t.test('decisions: role, unknown message, bad body', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  await postFeedback(gw, A.alpha, f)
  const house = await decideOn(gw, f.messageId, 'ACCEPTED', undefined, A.alpha)
  t.equal(house.statusCode, 403)
  t.equal(house.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const unknown = await decideOn(gw, crypto.randomUUID(), 'ACCEPTED')
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GW_ERR_UNKNOWN_MESSAGE')
  for (const payload of [{ messageId: f.messageId, decision: 'MAYBE' }, { messageId: 'x', decision: 'ACCEPTED' }, { messageId: f.messageId }, { messageId: f.messageId, decision: 'ACCEPTED', extra: 1 }]) {
    const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/decisions', headers: auth(A.inspection), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().code, 'GW_ERR_VALIDATION')
  }
  t.equal((await blinkerState(gw, b.blinkerId)).status, 'FEEDBACK_RECEIVED', 'nothing moved')
})
