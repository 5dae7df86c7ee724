/* global process, console, setTimeout */
/**
 * A software house's SOAP integration with node-soap (`npm install soap`), against the WSDL the
 * gateway publishes per environment. Plain JavaScript, so it runs on every supported Node (20.18
 * and later) as is:
 *
 *   npm start   # in another terminal
 *   node examples/soap-client.mjs http://localhost:3000 demo-acc-alpha 0212344876
 *
 * It pulls the CPAS's mailbox (GetBlinkers), acknowledges the first blinker, sends a feedback for
 * it (SubmitFeedback, sent twice to show the idempotent receipt) and reads its status
 * (GetFeedbackStatus). A refusal arrives as a SOAP Fault whose detail carries the GW_ERR code:
 * the last step provokes one on purpose (a CPAS the party does not serve). With `--json` it also
 * prints what it saw as one JSON line (tests/client/soap-example.test.ts reads it).
 */
import { randomUUID } from 'node:crypto'
import soap from 'soap'

/** One soap:Fault's GW_ERR code, from node-soap's error (root.Envelope.Body.Fault.detail). */
function faultCode(err) {
  return err?.root?.Envelope?.Body?.Fault?.detail?.gatewayError?.code
}

/**
 * 429 (rate limit) and 503 (store down, gateway overloaded) mean "nothing was done, come back
 * later": retry them, waiting what Retry-After says (1 s when absent), a few times. Every
 * operation is safe to repeat (SubmitFeedback is idempotent on its messageId).
 */
async function retrying(call, attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (err) {
      const res = err?.response
      const status = res?.status ?? Number(/Code: (\d{3})/.exec(err?.message ?? '')?.[1])
      if ((status !== 429 && status !== 503) || attempt >= attempts) throw err
      const seconds = Number(res?.headers?.['retry-after'] ?? 1)
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? Math.min(seconds, 30) : 1) * 1000))
    }
  }
}

/**
 * @param {{ baseUrl: string, token: string, cpasKbo: string, environment?: 'acceptance' | 'production', log?: (line: string) => void }} opts
 */
export async function runSoapExample(opts) {
  const log = opts.log ?? console.log
  const env = opts.environment ?? 'acceptance'
  // The WSDL's soap:address already points at this environment's endpoint.
  const client = await retrying(() => soap.createClientAsync(`${opts.baseUrl}/${env}/soap?wsdl`))
  client.addHttpHeader('Authorization', `Bearer ${opts.token}`)

  // node-soap's *Async methods resolve to [result, rawResponse, soapHeader, rawRequest].
  const [page] = await retrying(() => client.GetBlinkersAsync({ cpasKbo: opts.cpasKbo, limit: 100 }))
  // One <blinker> comes back as an object, several as an array, none as nothing.
  const blinkers = page?.blinker ? [].concat(page.blinker) : []
  const result = { pulled: blinkers.length, next: page?.next }
  log(`GetBlinkers: ${blinkers.length} blinker(s), next cursor ${page?.next}`)

  const first = blinkers[0]
  if (first) {
    const [ack] = await retrying(() => client.AcknowledgeBlinkerAsync({ blinkerId: first.blinkerId }))
    result.acknowledged = { blinkerId: ack.blinkerId, status: ack.status }
    log(`AcknowledgeBlinker ${ack.blinkerId}: ${ack.status}`)

    // Code 2 (justified: recovery decided) applies to every flow.
    const feedback = { messageId: randomUUID(), blinkerId: first.blinkerId, cpasKbo: first.cpasKbo, code: 2, sentAt: new Date().toISOString() }
    const [receipt] = await retrying(() => client.SubmitFeedbackAsync(feedback))
    const [again] = await retrying(() => client.SubmitFeedbackAsync(feedback))
    result.receipt = { messageId: receipt.messageId, receivedAt: receipt.receivedAt, status: receipt.status }
    result.sameReceiptOnResend = again.receivedAt === receipt.receivedAt
    log(`SubmitFeedback: ${receipt.status} at ${receipt.receivedAt}; re-sent: same receipt = ${result.sameReceiptOnResend}`)

    const [status] = await retrying(() => client.GetFeedbackStatusAsync({ messageId: feedback.messageId }))
    result.feedbackStatus = { messageId: status.messageId, blinkerId: status.blinkerId, code: Number(status.code), status: status.status }
    log(`GetFeedbackStatus: ${status.status}`)
  }

  try {
    await retrying(() => client.GetBlinkersAsync({ cpasKbo: '0100000169' }))
  } catch (err) {
    result.faultCode = faultCode(err)
    log(`GetBlinkers for a CPAS not served: Fault ${result.faultCode}`)
  }
  return result
}

// Run directly: node examples/soap-client.mjs [baseUrl] [token] [cpasKbo] [--json]
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).filter((a) => a !== '--json')
  const [baseUrl = 'http://localhost:3000', token = 'demo-acc-alpha', cpasKbo = '0212344876'] = args
  runSoapExample({ baseUrl, token, cpasKbo })
    .then((result) => {
      if (process.argv.includes('--json')) console.log(JSON.stringify(result))
    })
    .catch((err) => {
      console.error(err.message)
      process.exitCode = 1
    })
}
