/**
 * The whole lifecycle, publication to CLOSED, through the real routes and workers and a local
 * inspection back office: once for an accepted cancellation, once for a justified blinker closed by
 * a form D.
 */
import t from 'tap'
import { CPAS, pull, until } from '../helpers/blinkers.js'
import { A, backOffice, blinkerState, decideOn, feedbackFor, getStatus, postFeedback, published, workerEnv } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

async function deliverAndAcknowledge(t: Parameters<typeof published>[0], gw: TestGateway, blinkerId: string) {
  const page = await pull(gw, A.alpha, CPAS.alpha2)
  t.equal(page.statusCode, 200)
  t.ok(page.json().blinkers.some((b: { blinkerId: string }) => b.blinkerId === blinkerId), 'in the mailbox')
  const ack = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${blinkerId}/acknowledgements`, headers: auth(A.alpha) })
  t.equal(ack.statusCode, 204)
}

t.test('cancellation: PUBLISHED → DELIVERED → ACKNOWLEDGED → FEEDBACK_RECEIVED → FORWARDED → CLOSED (accepted)', async (t) => {
  const office = await backOffice(t)
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const b = await published(t, gw, CPAS.alpha2)
  await deliverAndAcknowledge(t, gw, b.blinkerId)
  const f = feedbackFor(b, { code: 140 })
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  await until(t, 'forwarded', async () => (await blinkerState(gw, b.blinkerId)).status === 'FORWARDED')
  t.equal(office.taken.get(f.messageId), 1, 'the back office has it once')
  t.equal(office.calls[0]?.body.blinker.blinkerId, b.blinkerId, 'with the blinker it concerns')
  const decision = await decideOn(gw, f.messageId, 'ACCEPTED', 'right starts on the 14th')
  t.match(decision.json(), { status: 'ACCEPTED', blinkerStatus: 'CLOSED' })
  const state = await blinkerState(gw, b.blinkerId)
  t.same(state.history.map((h) => h.status), ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'CLOSED'])
  t.match(state.history.at(-1)?.cause, /cancellation accepted .*right starts on the 14th/)
  t.same((await getStatus(gw, A.alpha, f.messageId)).json().history.map((h: { status: string }) => h.status), ['RECEIVED', 'FORWARDED', 'ACCEPTED'])
})

t.test('justified (code 2): stays open after the decision, CLOSED by a form D', async (t) => {
  const office = await backOffice(t)
  const gw = await startGateway(t, workerEnv(office.url), { workers: true })
  const b = await published(t, gw, CPAS.alpha2)
  await deliverAndAcknowledge(t, gw, b.blinkerId)
  const f = feedbackFor(b, { code: 2 })
  await postFeedback(gw, A.alpha, f)
  await until(t, 'forwarded', async () => (await getStatus(gw, A.alpha, f.messageId)).json().status === 'FORWARDED')
  const decision = await decideOn(gw, f.messageId, 'ACCEPTED')
  t.match(decision.json(), { status: 'ACCEPTED', blinkerStatus: 'FORWARDED' }, 'follow-up continues: not closed')
  const resolve = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolve.statusCode, 200)
  const state = await blinkerState(gw, b.blinkerId)
  t.same(state.history.map((h) => h.status), ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'CLOSED'])
  t.match(state.history.at(-1)?.cause, /FORM_D_RECEIVED/i)
  const late = await postFeedback(gw, A.alpha, feedbackFor(b))
  t.equal(late.json().code, 'GW_ERR_BLINKER_CLOSED')
})
