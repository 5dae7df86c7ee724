/**
 * A software house's SOAP integration with node-soap (`npm install soap`), against the WSDL the
 * gateway publishes per environment. Run it against a local start:
 *
 *   npm start   # in another terminal
 *   node --experimental-strip-types examples/soap-client.ts http://localhost:3000 demo-acc-alpha 0212344876
 *
 * It pulls the CPAS's mailbox (GetBlinkers), acknowledges the first blinker, sends a feedback for
 * it (SubmitFeedback, sent twice to show the idempotent receipt) and reads its status
 * (GetFeedbackStatus). A refusal arrives as a SOAP Fault whose detail carries the GW_ERR code.
 */
import { randomUUID } from 'node:crypto'
import soap from 'soap'

export interface SoapExampleOptions {
  /** Gateway root, e.g. http://localhost:3000. */
  baseUrl: string
  /** The software house's token of that environment. */
  token: string
  cpasKbo: string
  /** Default 'acceptance'. */
  environment?: 'acceptance' | 'production'
  /** Where each step is told; default console.log. */
  log?: (line: string) => void
}

/** node-soap's *Async methods resolve to [result, rawResponse, soapHeader, rawRequest]. */
type Reply<T> = [T, ...unknown[]]

interface Receipt {
  messageId: string
  receivedAt: string
  status: string
}

interface SoapBlinker {
  blinkerId: string
  cpasKbo: string
  flow: string
  status: string
}

export interface SoapExampleResult {
  pulled: number
  next: string | undefined
  acknowledged?: { blinkerId: string; status: string }
  receipt?: { messageId: string; receivedAt: string; status: string }
  sameReceiptOnResend?: boolean
  feedbackStatus?: { messageId: string; blinkerId: string; code: number; status: string }
  /** The GW_ERR code of a Fault the example provoked on purpose (a CPAS the party does not serve). */
  faultCode?: string
}

/** One soap:Fault's GW_ERR code, from node-soap's error (root.Envelope.Body.Fault.detail). */
function faultCode(err: unknown): string | undefined {
  const root = (err as { root?: { Envelope?: { Body?: { Fault?: { detail?: { gatewayError?: { code?: string } } } } } } }).root
  return root?.Envelope?.Body?.Fault?.detail?.gatewayError?.code
}

/**
 * 429 (rate limit) and 503 (store down, gateway overloaded) mean "nothing was done, come back
 * later": retry them, waiting what Retry-After says (1 s when absent), a few times. Every
 * operation is safe to repeat (SubmitFeedback is idempotent on its messageId).
 */
async function retrying<T>(call: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (err) {
      const res = (err as { response?: { status?: number; headers?: Record<string, string> } }).response
      const status = res?.status ?? Number(/Code: (\d{3})/.exec((err as Error).message)?.[1])
      if ((status !== 429 && status !== 503) || attempt >= attempts) throw err
      const seconds = Number(res?.headers?.['retry-after'] ?? 1)
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? Math.min(seconds, 30) : 1) * 1000))
    }
  }
}

export async function runSoapExample(opts: SoapExampleOptions): Promise<SoapExampleResult> {
  const log = opts.log ?? console.log
  const env = opts.environment ?? 'acceptance'
  // The WSDL's soap:address already points at this environment's endpoint.
  const client = await retrying(() => soap.createClientAsync(`${opts.baseUrl}/${env}/soap?wsdl`))
  client.addHttpHeader('Authorization', `Bearer ${opts.token}`)

  const [page] = await retrying<Reply<{ blinker?: SoapBlinker | SoapBlinker[]; next?: string }>>(() => client.GetBlinkersAsync({ cpasKbo: opts.cpasKbo, limit: 100 }))
  // One <blinker> comes back as an object, several as an array, none as nothing.
  const blinkers: SoapBlinker[] = page?.blinker ? ([] as SoapBlinker[]).concat(page.blinker) : []
  const result: SoapExampleResult = { pulled: blinkers.length, next: page?.next }
  log(`GetBlinkers: ${blinkers.length} blinker(s), next cursor ${page?.next}`)

  const first = blinkers[0]
  if (first) {
    const [ack] = await retrying<Reply<{ blinkerId: string; status: string }>>(() => client.AcknowledgeBlinkerAsync({ blinkerId: first.blinkerId }))
    result.acknowledged = { blinkerId: ack.blinkerId, status: ack.status }
    log(`AcknowledgeBlinker ${ack.blinkerId}: ${ack.status}`)

    // Code 2 (justified: recovery decided) applies to every flow.
    const feedback = { messageId: randomUUID(), blinkerId: first.blinkerId, cpasKbo: first.cpasKbo, code: 2, sentAt: new Date().toISOString() }
    const [receipt] = await retrying<Reply<Receipt>>(() => client.SubmitFeedbackAsync(feedback))
    const [again] = await retrying<Reply<Receipt>>(() => client.SubmitFeedbackAsync(feedback))
    result.receipt = { messageId: receipt.messageId, receivedAt: receipt.receivedAt, status: receipt.status }
    result.sameReceiptOnResend = again.receivedAt === receipt.receivedAt
    log(`SubmitFeedback: ${receipt.status} at ${receipt.receivedAt}; re-sent: same receipt = ${result.sameReceiptOnResend}`)

    const [status] = await retrying<Reply<{ messageId: string; blinkerId: string; code: string | number; status: string }>>(() => client.GetFeedbackStatusAsync({ messageId: feedback.messageId }))
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

// Run directly: node --experimental-strip-types examples/soap-client.ts <baseUrl> <token> <cpasKbo>
if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseUrl = 'http://localhost:3000', token = 'demo-acc-alpha', cpasKbo = '0212344876'] = process.argv.slice(2)
  runSoapExample({ baseUrl, token, cpasKbo }).catch((err: unknown) => {
    console.error((err as Error).message)
    process.exitCode = 1
  })
}
