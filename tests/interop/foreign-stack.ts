/**
 * What the two foreign-SOAP-stack tests share (tests/interop/zeep.test.ts, php-soap.test.ts):
 * make sure the stack is installed (scripts/ensure-soap-clients.sh), start a gateway on port 0,
 * publish two blinkers over REST, run the stack's script against the live WSDL (it pulls,
 * acknowledges, sends feedback, reads the status and provokes two Faults), check what it reports
 * against what the test published and what the gateway recorded, then close both blinkers over
 * REST (the inspection's decision, the publisher's resolve) and check the final statuses.
 */
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { blinker, CPAS, publish } from '../helpers/blinkers.js'
import { blinkerState, decideOn } from '../helpers/feedback.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)

interface FaultSeen {
  code: string | null
  faultcode: string | null
}

/** What a foreign client prints (one JSON object). */
export interface ForeignRun {
  stack: string
  pulled: { blinkerId: string; cpasKbo: string; flow: string; status: string }[]
  next: string | null
  acknowledged: { blinkerId: string; status: string }
  receipt: { messageId: string; receivedAt: string; status: string }
  sameReceiptOnResend: boolean
  feedbackStatus: { messageId: string; blinkerId: string; code: number | string; status: string }
  faults: { forbiddenCpas: FaultSeen; codeNotForFlow: FaultSeen }
}

interface CatalogueCode {
  code: number
  flows: string[] | 'ALL'
  commentRequired?: boolean
}

/** A code of the published catalogue that does not apply to `flow` (read from the file, not the code under test). */
function codeNotFor(flow: string): number {
  const { codes } = JSON.parse(readFileSync(resolve(ROOT, 'schemas/feedback-codes.json'), 'utf8')) as { codes: CatalogueCode[] }
  const found = codes.find((c) => c.flows !== 'ALL' && !c.flows.includes(flow) && !c.commentRequired)
  if (!found) throw new Error(`the catalogue has no code excluding ${flow}`)
  return found.code
}

/**
 * Publish-to-closed with a foreign client: `command` and `args` run the script, which gets the
 * WSDL URL, the token, the CPAS, a CPAS it does not serve and a code not for the flow.
 */
export async function publishToClosed(t: Test, command: string, args: readonly string[]): Promise<void> {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-soap-clients.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const wsdl = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/acceptance/soap?wsdl`

  // One at a time, so the mailbox order is the publication order.
  const first = blinker(CPAS.alpha2)
  const second = blinker(CPAS.alpha2)
  for (const b of [first, second]) t.equal((await publish(gw, [b])).statusCode, 202, `${b.blinkerId} published over REST`)
  const badCode = codeNotFor(first.flow)

  // The interpreters' own environment, minus what could point them at other installations.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PYTHON|PHP_INI|PHPRC)/.test(k)))
  const { stdout, stderr } = await run(command, [...args, wsdl, TOKENS.acceptance.alpha, CPAS.alpha2, CPAS.beta, String(badCode)], { cwd: ROOT, env, timeout: 45_000 }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}`)
  })
  const seen = JSON.parse(stdout) as ForeignRun
  t.comment(`${seen.stack}${stderr ? `; stderr: ${stderr.trim()}` : ''}`)

  t.same(
    seen.pulled.map((b) => ({ blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, flow: b.flow })),
    [first, second].map((b) => ({ blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, flow: b.flow })),
    'GetBlinkers: both blinkers, in publication order, with their fields',
  )
  t.type(seen.next, 'string', 'a next cursor')
  t.same(seen.acknowledged, { blinkerId: first.blinkerId, status: 'ACKNOWLEDGED' }, 'AcknowledgeBlinker')
  t.equal(seen.receipt.status, 'RECEIVED', 'SubmitFeedback: a receipt')
  t.equal(seen.sameReceiptOnResend, true, 'the same message again: the same receipt')
  t.same({ ...seen.feedbackStatus, code: Number(seen.feedbackStatus.code) }, { messageId: seen.receipt.messageId, blinkerId: first.blinkerId, code: 131, status: 'RECEIVED' }, 'GetFeedbackStatus')
  t.match(seen.faults.forbiddenCpas, { code: 'GW_ERR_FORBIDDEN_CPAS', faultcode: /(^|:)Client$/ }, 'a CPAS it does not serve: a Fault, GW_ERR code from the detail')
  t.match(seen.faults.codeNotForFlow, { code: 'GW_ERR_CODE_NOT_FOR_FLOW', faultcode: /(^|:)Client$/ }, `code ${badCode} on a ${first.flow} blinker: a Fault, GW_ERR code from the detail`)

  // What the gateway recorded, over REST.
  const recorded = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/feedback/${seen.receipt.messageId}`, headers: auth(TOKENS.acceptance.alpha) })
  t.match(recorded.json(), { messageId: seen.receipt.messageId, blinkerId: first.blinkerId, code: 131, status: 'RECEIVED' }, 'the gateway has the feedback')

  // Closing, over REST: the inspection accepts the cancellation; the publisher resolves the other.
  t.equal((await decideOn(gw, seen.receipt.messageId, 'ACCEPTED')).statusCode, 200, 'decision ACCEPTED')
  const resolved = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${second.blinkerId}/resolve`, headers: auth(TOKENS.acceptance.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200, 'resolve FORM_D_RECEIVED')
  const [a, b] = [await blinkerState(gw, first.blinkerId), await blinkerState(gw, second.blinkerId)]
  t.same(a.history.map((h) => h.status), ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'CLOSED'], `${first.blinkerId}: pulled, acknowledged, cancelled, closed`)
  t.same(b.history.map((h) => h.status), ['PUBLISHED', 'DELIVERED', 'CLOSED'], `${second.blinkerId}: pulled, its refused feedback changed nothing, resolved`)
  const decided = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/feedback/${seen.receipt.messageId}`, headers: auth(TOKENS.acceptance.alpha) })
  t.equal(decided.json().status, 'ACCEPTED', 'the feedback is ACCEPTED')
}
