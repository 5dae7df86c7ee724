/**
 * SOAP SubmitFeedback / GetFeedbackStatus give the same results as REST for the same fixture set
 * (each syntax on its own fresh blinkers), share idempotency across syntaxes, and answer Faults
 * with the same GW_ERR codes. Success is 202 over REST and 200 (a SubmitFeedbackResponse) over
 * SOAP; submitSoap reports both as 202 so outcomes compare directly.
 */
import t from 'tap'
import type { Blinker, Feedback } from '../../src/domain/model.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, feedbackFor, published, soapCall, submitRest, submitSoap, type Outcome } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

interface Blinkers {
  b: Blinker
  other: Blinker
  beta: Blinker
  family: Blinker
  closed: Blinker
}

/** name, caller, message; run in this order (the duplicate and the reuse follow the first). */
type Scenario = [string, string, (x: Blinkers, first: Feedback) => Feedback]

const SCENARIOS: Scenario[] = [
  ['same message again', A.alpha, (_x, first) => ({ ...first })],
  ['same messageId, other content', A.alpha, (_x, first) => ({ ...first, code: 140 })],
  ['unknown blinker', A.alpha, () => feedbackFor({ blinkerId: 'CLI-2026-999999997', cpasKbo: CPAS.alpha1 })],
  ['cpasKbo not served by the caller', A.beta, (x) => feedbackFor(x.b)],
  ['cpasKbo is not the blinker CPAS', A.alpha, (x) => feedbackFor(x.other, { cpasKbo: CPAS.alpha1 })],
  ['blinker of a CPAS the caller does not serve', A.alpha, (x) => feedbackFor(x.beta, { cpasKbo: CPAS.alpha1 })],
  ['code not in the catalogue', A.alpha, (x) => feedbackFor(x.b, { code: 4242 })],
  ['code not for the flow', A.alpha, (x) => feedbackFor(x.family, { code: 131 })],
  ['999 without comment', A.alpha, (x) => feedbackFor(x.b, { code: 999 })],
  ['999 with comment', A.alpha, (x) => feedbackFor(x.b, { code: 999, comment: 'other reason' })],
  ['bad kbo checksum', A.alpha, (x) => feedbackFor(x.b, { cpasKbo: '0212344877' })],
  ['bad sentAt', A.alpha, (x) => feedbackFor(x.b, { sentAt: '2026-02-12 09:00' })],
  ['closed blinker', A.alpha, (x) => feedbackFor(x.closed)],
  ['inspection may not submit', A.inspection, (x) => feedbackFor(x.b)],
  ['a justified code', A.alpha, (x) => feedbackFor(x.family, { code: 2 })],
]

async function fresh(t: Parameters<typeof published>[0], gw: TestGateway): Promise<Blinkers> {
  const x = {
    b: await published(t, gw),
    other: await published(t, gw, CPAS.alpha2),
    beta: await published(t, gw, CPAS.beta),
    family: await published(t, gw, CPAS.alpha1, { flow: 'FAMILY_ALLOWANCES' }),
    closed: await published(t, gw),
  }
  const res = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${x.closed.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_CORRECTED' } })
  t.equal(res.statusCode, 200)
  return x
}

async function run(t: Parameters<typeof published>[0], gw: TestGateway, submit: (gw: TestGateway, token: string, f: Feedback) => Promise<Outcome>) {
  const x = await fresh(t, gw)
  const first = feedbackFor(x.b)
  const firstOutcome = await submit(gw, A.alpha, first)
  const results: Record<string, { status: number; code?: string }> = { first: { status: firstOutcome.status } }
  for (const [name, token, build] of SCENARIOS) {
    const f = build(x, first)
    const o = await submit(gw, token, f)
    results[name] = o.code ? { status: o.status, code: o.code } : { status: o.status }
    if (name === 'same message again') t.same(o.receipt, firstOutcome.receipt, 'duplicate answers the first receipt')
  }
  return results
}

t.test('REST and SOAP: identical outcomes for the same fixture set', async (t) => {
  const gw = await startGateway(t)
  const rest = await run(t, gw, submitRest)
  const soap = await run(t, gw, (g, token, f) => submitSoap(g, token, f))
  t.same(soap, rest, 'same status and code for every scenario')
  // Pin the expected verdicts so the parity is not parity of two wrong answers.
  t.same(rest, {
    first: { status: 202 },
    'same message again': { status: 202 },
    'same messageId, other content': { status: 409, code: 'GW_ERR_MESSAGE_ID_REUSED' },
    'unknown blinker': { status: 404, code: 'GW_ERR_UNKNOWN_BLINKER' },
    'cpasKbo not served by the caller': { status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    'cpasKbo is not the blinker CPAS': { status: 422, code: 'GW_ERR_BUSINESS_RULE' },
    'blinker of a CPAS the caller does not serve': { status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    'code not in the catalogue': { status: 422, code: 'GW_ERR_CODE_NOT_FOR_FLOW' },
    'code not for the flow': { status: 422, code: 'GW_ERR_CODE_NOT_FOR_FLOW' },
    '999 without comment': { status: 422, code: 'GW_ERR_BUSINESS_RULE' },
    '999 with comment': { status: 202 },
    'bad kbo checksum': { status: 400, code: 'GW_ERR_VALIDATION' },
    'bad sentAt': { status: 400, code: 'GW_ERR_VALIDATION' },
    'closed blinker': { status: 409, code: 'GW_ERR_BLINKER_CLOSED' },
    'inspection may not submit': { status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' },
    'a justified code': { status: 202 },
  })
})

t.test('one message, two syntaxes: idempotency crosses REST and SOAP', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b, { code: 999, comment: 'fin de contrat <le 13> & droit dès le 14' })
  const rest = await submitRest(gw, A.alpha, f)
  t.equal(rest.status, 202)
  const soap = await submitSoap(gw, A.alpha, { ...f, messageId: f.messageId.toUpperCase() })
  t.equal(soap.status, 202)
  t.same(soap.receipt, rest.receipt, 'SOAP re-send of a REST message: the first receipt')
  const reuse = await submitSoap(gw, A.alpha, { ...f, comment: 'another comment' })
  t.same(reuse, { status: 409, code: 'GW_ERR_MESSAGE_ID_REUSED' })

  const raw = await soapCall(gw, A.alpha, 'SubmitFeedback', { ...f, comment: 'another comment' })
  t.match(raw.body, /<faultcode>soap:Client<\/faultcode>/)
  t.match(raw.headers['content-type'], /text\/xml/)

  const status = await soapCall(gw, A.inspection, 'GetFeedbackStatus', { messageId: f.messageId })
  t.equal(status.statusCode, 200)
  t.match(status.body, new RegExp(`<gw:GetFeedbackStatusResponse><gw:messageId>${f.messageId}</gw:messageId><gw:blinkerId>${b.blinkerId}</gw:blinkerId><gw:code>999</gw:code><gw:status>RECEIVED</gw:status>`))
  const beta = await soapCall(gw, A.beta, 'GetFeedbackStatus', { messageId: f.messageId })
  t.equal(beta.statusCode, 403)
  t.match(beta.body, /GW_ERR_FORBIDDEN_CPAS/)
  const unknown = await soapCall(gw, A.alpha, 'GetFeedbackStatus', { messageId: crypto.randomUUID() })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, /GW_ERR_UNKNOWN_MESSAGE/)
})

t.test('SOAP bodies are XSD-validated before anything else', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  // Fields out of XSD order: refused by the XSD (the JSON model has no order to break).
  const { messageId, blinkerId, cpasKbo, code, sentAt } = f
  const res = await soapCall(gw, A.alpha, 'SubmitFeedback', { blinkerId, messageId, cpasKbo, code, sentAt })
  t.equal(res.statusCode, 200, 'modelToXml writes the XSD order whatever the object order')
  const xml = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:gw="urn:blinker-gateway:v1"><soap:Body><gw:SubmitFeedbackRequest><gw:blinkerId>${blinkerId}</gw:blinkerId><gw:messageId>${crypto.randomUUID()}</gw:messageId><gw:cpasKbo>${cpasKbo}</gw:cpasKbo><gw:code>131</gw:code><gw:sentAt>${sentAt}</gw:sentAt></gw:SubmitFeedbackRequest></soap:Body></soap:Envelope>`
  const bad = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml', soapaction: '"urn:blinker-gateway:v1#SubmitFeedback"' }, payload: xml })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /GW_ERR_VALIDATION/)
})
