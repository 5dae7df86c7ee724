/**
 * The node-soap example (examples/soap-client.ts) against a real gateway on port 0: node-soap
 * reads the published WSDL, and every operation works with the Bearer header.
 */
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { runSoapExample } from '../../examples/soap-client.js'
import { CPAS } from '../helpers/blinkers.js'
import { published } from '../helpers/feedback.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

t.test('the node-soap example pulls, acknowledges, sends feedback and reads its status', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const b = await published(t, gw, CPAS.alpha1)
  await published(t, gw, CPAS.alpha1)
  const lines: string[] = []
  const result = await runSoapExample({ baseUrl, token: TOKENS.acceptance.alpha, cpasKbo: CPAS.alpha1, log: (l) => lines.push(l) })
  t.equal(result.pulled, 2)
  t.match(result.next, /^[A-Za-z0-9_-]+$/)
  t.same(result.acknowledged, { blinkerId: b.blinkerId, status: 'ACKNOWLEDGED' })
  t.match(result.receipt, { status: 'RECEIVED' })
  t.equal(result.sameReceiptOnResend, true, 'idempotent over SOAP')
  t.match(result.feedbackStatus, { blinkerId: b.blinkerId, code: 2, status: 'RECEIVED' })
  t.equal(result.faultCode, 'GW_ERR_FORBIDDEN_CPAS', 'a Fault carries the GW_ERR code')
  t.equal(lines.length, 5)
  const state = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/feedback/${result.receipt?.messageId}`, headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}` } })
  t.equal(state.json().blinkerId, b.blinkerId, 'the gateway has the feedback')

  const none = await runSoapExample({ baseUrl, token: TOKENS.acceptance.beta, cpasKbo: CPAS.beta, log: () => {} })
  t.same({ pulled: none.pulled, acknowledged: none.acknowledged }, { pulled: 0, acknowledged: undefined }, 'an empty mailbox')
})
