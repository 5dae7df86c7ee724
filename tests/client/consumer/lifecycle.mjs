/* global process, console, setTimeout */
/**
 * Run by tests/client/packed-client.test.ts inside an empty folder where only the packed
 * @blinker-gateway/client is installed: a software house's lifecycle with the installed package
 * and nothing else (BASE_URL, TOKEN, INSPECTION_TOKEN, CPAS, OTHER_CPAS, MESSAGE_ID, CODE from the
 * environment). It prints one JSON line of what it saw; the test judges it.
 */
import { BlinkerGatewayClient, GatewayProblemError } from '@blinker-gateway/client'

const env = process.env
const sh = new BlinkerGatewayClient({ baseUrl: env.BASE_URL, token: env.TOKEN })
const inspection = new BlinkerGatewayClient({ baseUrl: env.BASE_URL, token: env.INSPECTION_TOKEN })
const waitFor = async (check) => {
  for (let i = 0; i < 400; i++) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('timed out')
}

const { blinkers, next } = await sh.drainMailbox(env.CPAS)
const blinker = blinkers[0]
await sh.acknowledge(blinker.blinkerId)
const acknowledged = (await sh.getBlinker(blinker.blinkerId)).status
const feedback = { messageId: env.MESSAGE_ID, blinkerId: blinker.blinkerId, cpasKbo: blinker.cpasKbo, code: Number(env.CODE), sentAt: new Date().toISOString() }
const receipt = await sh.submitFeedback(feedback)
const again = await sh.submitFeedback(feedback)
const forwarded = await waitFor(async () => {
  const status = await sh.getFeedback(env.MESSAGE_ID)
  return status.status === 'FORWARDED' && status
})
const decision = await inspection.decide({ messageId: env.MESSAGE_ID, decision: 'ACCEPTED' })
const closed = await sh.getBlinker(blinker.blinkerId)
const refusal = await sh.pullMailbox(env.OTHER_CPAS).catch((err) => err)

console.log(JSON.stringify({
  pulled: blinkers.map((b) => b.blinkerId),
  next,
  acknowledged,
  receipt,
  sameReceipt: again.receivedAt === receipt.receivedAt,
  forwarded: forwarded.history.map((h) => h.status),
  decision: { status: decision.status, blinkerStatus: decision.blinkerStatus },
  closed: closed.history.map((h) => h.status),
  refusal: { isProblemError: refusal instanceof GatewayProblemError, status: refusal.status, code: refusal.code },
}))
