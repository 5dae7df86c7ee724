/**
 * examples/soap-client.mjs as the README says to run it — `node examples/soap-client.mjs <base>
 * <token> <cpas>`, plain Node, no TypeScript loader — against a real gateway on port 0: node-soap
 * reads the published WSDL, pulls, acknowledges, sends feedback twice (one receipt), reads its
 * status, and reads the GW_ERR code of a Fault.
 */
import { execFile } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import t from 'tap'
import { CPAS } from '../helpers/blinkers.js'
import { published } from '../helpers/feedback.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

const run = promisify(execFile)

t.test('node examples/soap-client.mjs walks the four operations and a Fault', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const first = await published(t, gw, CPAS.alpha1)
  await published(t, gw, CPAS.alpha1)

  // Async: the gateway answering the child runs in this process. No --import, no loader flags.
  const { stdout } = await run(process.execPath, ['examples/soap-client.mjs', baseUrl, TOKENS.acceptance.alpha, CPAS.alpha1, '--json'], { env: { ...process.env, NODE_OPTIONS: '' } })
  const lines = stdout.trim().split('\n')
  t.equal(lines.length, 6, 'five steps told, then the JSON line')
  t.match(lines[0], /^GetBlinkers: 2 blinker\(s\), next cursor [A-Za-z0-9_-]+$/)
  t.equal(lines[1], `AcknowledgeBlinker ${first.blinkerId}: ACKNOWLEDGED`)
  t.match(lines[2], /^SubmitFeedback: RECEIVED at .*; re-sent: same receipt = true$/)
  const result = JSON.parse(lines[5] ?? '{}') as { receipt?: { messageId: string }; feedbackStatus?: unknown; faultCode?: string }
  t.match(result.feedbackStatus, { blinkerId: first.blinkerId, code: 2, status: 'RECEIVED' })
  t.equal(result.faultCode, 'GW_ERR_FORBIDDEN_CPAS', 'a Fault carries the GW_ERR code')
  const state = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/feedback/${result.receipt?.messageId}`, headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}` } })
  t.equal(state.json().blinkerId, first.blinkerId, 'the gateway has the feedback')
})
