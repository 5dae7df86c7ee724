/**
 * The REST scenarios of the conformance runner, in the order they run. Each is a named function
 * over the typed client that throws a ScenarioFailure saying what was expected and what came back.
 * They create their own blinkers in the sandbox, so they never depend on the publisher's data and
 * can run any number of times.
 */
import type { Flow } from '../../client/index.js'
import { pushScenario } from './push-scenario.js'
import {
  appliesTo,
  codeFor,
  expectAnswer,
  expectEqual,
  fail,
  feedbackFor,
  postFeedback,
  sandboxBlinker,
  type Scenario,
} from './scenario-kit.js'
import { soapEnvelope, soapCall } from './soap-calls.js'
import { SOAP_SCENARIO_LIST } from './soap-scenarios.js'

const FLOWS: Flow[] = ['FAMILY_ALLOWANCES', 'UNEMPLOYMENT', 'WORK_INCOME_DIMONA', 'WORK_INCOME_DMFA', 'PENSION', 'CADASTRAL_INCOME', 'INSURABILITY', 'DISABILITY_ALLOWANCES']

export const REST_SCENARIOS: readonly Scenario[] = [
  {
    name: 'pull-and-acknowledge',
    summary: 'a new blinker is in the mailbox after the cursor, DELIVERED; acknowledging makes it ACKNOWLEDGED',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const { blinkers, next } = await ctx.client.drainMailbox(ctx.cpasKbo, { after: ctx.cursor })
      const got = blinkers.find((x) => x.blinkerId === b.blinkerId) ?? fail(`${b.blinkerId} is not in the mailbox after the cursor (${blinkers.length} blinker(s) read)`)
      expectEqual('status after the pull', got.status, 'DELIVERED')
      ctx.cursor = next
      const again = await ctx.client.pullMailbox(ctx.cpasKbo, { after: next })
      if (again.blinkers.some((x) => x.blinkerId === b.blinkerId)) fail(`${b.blinkerId} came back after the cursor ${next}: a poll must never re-read`)
      await ctx.client.acknowledge(b.blinkerId)
      await ctx.client.acknowledge(b.blinkerId)
      expectEqual('status after acknowledging (twice)', (await ctx.client.getBlinker(b.blinkerId)).status, 'ACKNOWLEDGED')
    },
  },
  pushScenario,
  {
    name: 'each-feedback-code',
    summary: 'every code of GET /schemas/feedback-codes.json is accepted (202, RECEIVED) on a blinker of a flow it applies to',
    async run(ctx) {
      const blinkers = await ctx.client.createSandboxBlinkers({ cpasKbo: ctx.cpasKbo, flows: FLOWS })
      for (const code of ctx.catalogue.codes) {
        const b = blinkers.find((x) => appliesTo(code, x.flow)) ?? fail(`code ${code.code} applies to no flow`)
        const f = feedbackFor(b, code.code, code.commentRequired ? 'conformance run: explained in the comment' : undefined)
        const res = await postFeedback(ctx, f)
        expectAnswer(`code ${code.code} on a ${b.flow} blinker`, res, 202)
        expectEqual(`receipt status of code ${code.code}`, (res.body as { status?: string }).status, 'RECEIVED')
      }
    },
  },
  {
    name: 'code-not-for-flow',
    summary: 'a code whose flows exclude the blinker flow is refused: 422 GW_ERR_CODE_NOT_FOR_FLOW',
    async run(ctx) {
      const code = ctx.catalogue.codes.find((c) => c.flows !== 'ALL' && !c.commentRequired) ?? fail('the catalogue has no flow-specific code')
      const flow = FLOWS.find((f) => !appliesTo(code, f)) ?? fail(`code ${code.code} applies to every flow`)
      const b = await sandboxBlinker(ctx, flow)
      expectAnswer(`code ${code.code} on a ${flow} blinker`, await postFeedback(ctx, feedbackFor(b, code.code)), 422, 'GW_ERR_CODE_NOT_FOR_FLOW')
    },
  },
  {
    name: 'comment-required',
    summary: 'a code that needs a comment (999) without one: 422 GW_ERR_BUSINESS_RULE',
    async run(ctx) {
      const code = ctx.catalogue.codes.find((c) => c.commentRequired) ?? fail('the catalogue has no code with commentRequired')
      const b = await sandboxBlinker(ctx)
      expectAnswer(`code ${code.code} without comment`, await postFeedback(ctx, feedbackFor(b, code.code)), 422, 'GW_ERR_BUSINESS_RULE')
    },
  },
  {
    name: 'idempotent-resend',
    summary: 'the same message twice: 202 both times, with the first receipt',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      const first = await ctx.client.submitFeedback(f)
      const again = await ctx.client.submitFeedback({ ...f, messageId: f.messageId.toUpperCase() })
      expectEqual('receipt of the re-sent message (messageId in upper case)', again, first)
    },
  },
  {
    name: 'conflicting-resend',
    summary: 'the same messageId with other content: 409 GW_ERR_MESSAGE_ID_REUSED',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      await ctx.client.submitFeedback(f)
      expectAnswer('same messageId, other code', await postFeedback(ctx, { ...f, code: codeFor(ctx, b.flow, 'JUSTIFIED').code }), 409, 'GW_ERR_MESSAGE_ID_REUSED')
    },
  },
  {
    name: 'closed-blinker',
    summary: 'after an accepted cancellation the blinker is CLOSED; new feedback: 409 GW_ERR_BLINKER_CLOSED',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      await ctx.client.submitFeedback(f)
      const decision = await ctx.client.sandboxDecision({ messageId: f.messageId, decision: 'ACCEPTED', reason: 'conformance run' })
      expectEqual('blinker status after ACCEPTED', decision.blinkerStatus, 'CLOSED')
      expectAnswer('feedback on the closed blinker', await postFeedback(ctx, feedbackFor(b, f.code)), 409, 'GW_ERR_BLINKER_CLOSED')
    },
  },
  {
    name: 'refused-reopens',
    summary: 'a refused cancellation REOPENS the blinker; new feedback is then accepted and its status readable',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      await ctx.client.submitFeedback(f)
      const decision = await ctx.client.sandboxDecision({ messageId: f.messageId, decision: 'REFUSED', reason: 'payslips show income' })
      expectEqual('blinker status after REFUSED', decision.blinkerStatus, 'REOPENED')
      const second = feedbackFor(b, codeFor(ctx, b.flow, 'JUSTIFIED').code)
      await ctx.client.submitFeedback(second)
      const status = await ctx.client.getFeedback(second.messageId)
      expectEqual('status of the new feedback', [status.blinkerId, status.code], [b.blinkerId, second.code])
      expectEqual('status of the refused one', (await ctx.client.getFeedback(f.messageId)).status, 'REFUSED')
    },
  },
  {
    name: 'wrong-cpas',
    summary: 'a CPAS the party does not serve: mailbox and feedback 403 GW_ERR_FORBIDDEN_CPAS',
    async run(ctx) {
      expectAnswer(`mailbox of ${ctx.otherKbo}`, await ctx.client.send('GET', ctx.client.envPath(`/v1/cpas/${ctx.otherKbo}/blinkers`)), 403, 'GW_ERR_FORBIDDEN_CPAS')
      const b = await sandboxBlinker(ctx)
      const f = { ...feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code), cpasKbo: ctx.otherKbo }
      expectAnswer(`feedback with cpasKbo ${ctx.otherKbo}`, await postFeedback(ctx, f), 403, 'GW_ERR_FORBIDDEN_CPAS')
    },
  },
  {
    name: 'invalid-message',
    summary: 'a bad checksum is 400 GW_ERR_VALIDATION naming the field; an unknown blinker 404 GW_ERR_UNKNOWN_BLINKER',
    async run(ctx) {
      const b = await sandboxBlinker(ctx)
      const f = feedbackFor(b, codeFor(ctx, b.flow, 'UNJUSTIFIED').code)
      const badKbo = `${ctx.cpasKbo.slice(0, 8)}${ctx.cpasKbo.slice(8) === '00' ? '01' : '00'}`
      const res = await postFeedback(ctx, { ...f, cpasKbo: badKbo })
      expectAnswer('cpasKbo with a wrong check digit', res, 400, 'GW_ERR_VALIDATION')
      const paths = ((res.body as { errors?: { path?: string }[] }).errors ?? []).map((e) => e.path)
      if (!paths.includes('/cpasKbo')) fail(`expected an error on /cpasKbo, got ${JSON.stringify(paths)}`)
      const unknown = { ...f, messageId: feedbackFor(b, f.code).messageId, blinkerId: 'CLI-1999-000000001' }
      expectAnswer('feedback on an unknown blinker', await postFeedback(ctx, unknown), 404, 'GW_ERR_UNKNOWN_BLINKER')
    },
  },
  {
    name: 'invalid-xml',
    summary: 'SOAP: malformed XML is a 400 Fault GW_ERR_MALFORMED_XML; an XSD-invalid request a 400 Fault GW_ERR_VALIDATION',
    async run(ctx) {
      const broken = soapEnvelope('GetBlinkersRequest', [['cpasKbo', ctx.cpasKbo]]).replace('</soapenv:Body>', '</soapenv:Bdy>')
      expectAnswer('malformed envelope', await soapCall(ctx.client, 'GetBlinkers', broken), 400, 'GW_ERR_MALFORMED_XML')
      const invalid = soapEnvelope('GetBlinkersRequest', [['cpasKbo', 'not-a-kbo']])
      expectAnswer('cpasKbo that breaks the XSD', await soapCall(ctx.client, 'GetBlinkers', invalid), 400, 'GW_ERR_VALIDATION')
    },
  },
]

/** Every scenario the runner knows, REST first, SOAP last. */
export const ALL_SCENARIOS: readonly Scenario[] = [...REST_SCENARIOS, ...SOAP_SCENARIO_LIST]
