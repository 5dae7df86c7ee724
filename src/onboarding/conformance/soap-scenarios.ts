/**
 * The SOAP scenarios (runner option --soap): the mailbox and feedback operations over SOAP 1.1,
 * with the same rules and idempotency as REST (contract section 6).
 */
import { codeFor, expectAnswer, expectEqual, fail, feedbackFor, sandboxBlinker, type Scenario } from './scenario-kit.js'
import { soapCall, soapEnvelope, xmlText, xmlTexts } from './soap-calls.js'
import type { Feedback } from '../../client/index.js'

const feedbackEnvelope = (f: Feedback): string =>
  soapEnvelope('SubmitFeedbackRequest', [
    ['messageId', f.messageId],
    ['blinkerId', f.blinkerId],
    ['cpasKbo', f.cpasKbo],
    ['code', f.code],
    ['comment', f.comment],
    ['sentAt', f.sentAt],
  ])

export const SOAP_SCENARIO_LIST: readonly Scenario[] = [
  {
    name: 'soap-pull-and-acknowledge',
    summary: 'GetBlinkers returns the new blinker after the cursor; AcknowledgeBlinker answers ACKNOWLEDGED',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const page = await soapCall(ctx.client, 'GetBlinkers', soapEnvelope('GetBlinkersRequest', [['cpasKbo', ctx.cpasKbo], ['after', ctx.cursor], ['limit', 500]]))
      expectAnswer('GetBlinkers', page, 200)
      if (!xmlTexts(page.text, 'blinkerId').includes(b.blinkerId)) fail(`${b.blinkerId} is not in the GetBlinkers page after the cursor`)
      const next = xmlText(page.text, 'next')
      if (next) ctx.cursor = next
      const ack = await soapCall(ctx.client, 'AcknowledgeBlinker', soapEnvelope('AcknowledgeBlinkerRequest', [['blinkerId', b.blinkerId]]))
      expectAnswer('AcknowledgeBlinker', ack, 200)
      expectEqual('AcknowledgeBlinker status', xmlText(ack.text, 'status'), 'ACKNOWLEDGED')
    },
  },
  {
    name: 'soap-feedback',
    summary: 'SubmitFeedback answers a receipt; the same message again the same receipt; GetFeedbackStatus reads it',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      const first = await soapCall(ctx.client, 'SubmitFeedback', feedbackEnvelope(f))
      expectAnswer('SubmitFeedback', first, 200)
      const again = await soapCall(ctx.client, 'SubmitFeedback', feedbackEnvelope(f))
      expectAnswer('SubmitFeedback re-sent', again, 200)
      expectEqual('receivedAt of the re-sent message', xmlText(again.text, 'receivedAt'), xmlText(first.text, 'receivedAt'))
      const status = await soapCall(ctx.client, 'GetFeedbackStatus', soapEnvelope('GetFeedbackStatusRequest', [['messageId', f.messageId]]))
      expectAnswer('GetFeedbackStatus', status, 200)
      expectEqual('GetFeedbackStatus blinkerId', xmlText(status.text, 'blinkerId'), b.blinkerId)
    },
  },
  {
    name: 'soap-code-not-for-flow',
    summary: 'SubmitFeedback with a code not valid for the flow: 422 Fault GW_ERR_CODE_NOT_FOR_FLOW',
    async run(ctx) {
      const code = ctx.catalogue.codes.find((c) => c.flows !== 'ALL' && !c.commentRequired && !c.flows.includes('PENSION')) ?? fail('no code excludes PENSION')
      const b = await sandboxBlinker(ctx, 'PENSION')
      expectAnswer(`code ${code.code} on a PENSION blinker`, await soapCall(ctx.client, 'SubmitFeedback', feedbackEnvelope(feedbackFor(b, code.code))), 422, 'GW_ERR_CODE_NOT_FOR_FLOW')
    },
  },
]
