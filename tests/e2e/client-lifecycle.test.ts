/**
 * End to end through the typed client (src/client), as a software house's Node code would use it,
 * against a real gateway listening on port 0 with its workers: publication → pull (drained with the
 * cursor helper) → acknowledge → feedback (single and batch) → forwarded → the inspection's
 * decision → statuses; then a refused cancellation reopens the blinker for new feedback.
 */
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { BlinkerGatewayClient, GatewayProblemError } from '../../src/client/index.js'
import { CPAS, until } from '../helpers/blinkers.js'
import { feedbackFor, published } from '../helpers/feedback.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

t.test('a software house walks the lifecycle with the client', async (t) => {
  const gw = await startGateway(t, {}, { workers: true })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const alpha = new BlinkerGatewayClient({ baseUrl, token: TOKENS.acceptance.alpha })
  const inspection = new BlinkerGatewayClient({ baseUrl, token: TOKENS.acceptance.inspection })

  const accepted = await published(t, gw, CPAS.alpha1)
  const refused = await published(t, gw, CPAS.alpha1, { flow: 'WORK_INCOME_DMFA' })
  const justified = await published(t, gw, CPAS.alpha1)

  const first = await alpha.drainMailbox(CPAS.alpha1, { limit: 2 })
  t.same(first.blinkers.map((b) => b.blinkerId), [accepted.blinkerId, refused.blinkerId, justified.blinkerId], 'three blinkers over two pages, in order')
  t.ok(first.blinkers.every((b) => b.status === 'DELIVERED'))
  t.same((await alpha.drainMailbox(CPAS.alpha1, { after: first.next })).blinkers, [], 'polling from next reads nothing twice')

  for (const b of first.blinkers) await alpha.acknowledge(b.blinkerId)
  t.equal((await alpha.getBlinker(accepted.blinkerId)).status, 'ACKNOWLEDGED')

  const cancel = feedbackFor(accepted, { code: 140 })
  const receipt = await alpha.submitFeedback(cancel)
  t.match(receipt, { messageId: cancel.messageId, status: 'RECEIVED' })
  const batch = await alpha.submitFeedbackBatch([feedbackFor(refused, { code: 131 }), feedbackFor(justified, { code: 2 }), feedbackFor(justified, { code: 110 })])
  t.equal(batch.receipts.length, 2)
  t.match(batch.rejected, [{ index: 2, errors: [{ code: 'GW_ERR_CODE_NOT_FOR_FLOW' }] }], 'a batch item refused alone')

  await until(t, 'forwarded', async () => (await alpha.getFeedback(cancel.messageId)).status === 'FORWARDED')
  const decision = await inspection.decide({ messageId: cancel.messageId, decision: 'ACCEPTED', reason: 'right starts on the 14th' })
  t.match(decision, { status: 'ACCEPTED', blinkerStatus: 'CLOSED' })
  const status = await alpha.getFeedback(cancel.messageId)
  t.same(status.history.map((h) => h.status), ['RECEIVED', 'FORWARDED', 'ACCEPTED'])
  const closed = await alpha.getBlinker(accepted.blinkerId)
  t.same(closed.history?.map((h) => h.status), ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'CLOSED'])

  const late = await alpha.submitFeedback(feedbackFor(accepted, { code: 2 })).catch((e: unknown) => e)
  t.ok(late instanceof GatewayProblemError)
  t.match(late, { status: 409, code: 'GW_ERR_BLINKER_CLOSED' })

  const refusedMessage = batch.receipts[0]?.messageId ?? ''
  await until(t, 'forwarded', async () => (await alpha.getFeedback(refusedMessage)).status === 'FORWARDED')
  t.match(await inspection.decide({ messageId: refusedMessage, decision: 'REFUSED' }), { blinkerStatus: 'REOPENED' })
  t.match(await alpha.submitFeedback(feedbackFor(refused, { code: 2 })), { status: 'RECEIVED' }, 'new feedback after REOPENED')

  await t.rejects(alpha.getBlinker('CLI-2026-999999999'), { status: 404, code: 'GW_ERR_UNKNOWN_BLINKER' })
  await t.rejects(alpha.pullMailbox(CPAS.beta), { status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' })
})
