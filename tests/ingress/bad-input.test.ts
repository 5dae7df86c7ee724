/**
 * The foundation's bad-input table: identifiers, schemas, XML attacks, sizes, content types and
 * credentials (wrong environment, wrong CPAS, wrong role), each case asserting the contract's
 * status and GW_ERR code on the real endpoints, and that nothing was written.
 */
import t from 'tap'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { feedbackFor, published } from '../helpers/feedback.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const A = TOKENS.acceptance
const P = TOKENS.production

interface Case {
  name: string
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers?: Record<string, string>
  payload?: unknown
  status: number
  code: string
}

t.test('bad input: one contract status and code per case, nothing written', async (t) => {
  const gw = await startGateway(t, { BODY_LIMIT: '65536' })
  const b = await published(t, gw, CPAS.alpha1)
  const okFeedback = feedbackFor(b)
  const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' })
  const fb = (over: Record<string, unknown>) => ({ ...okFeedback, ...over })
  const withoutField = (field: keyof typeof okFeedback) => Object.fromEntries(Object.entries(okFeedback).filter(([k]) => k !== field))
  const soap = (body: string) => `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`
  const xmlHeaders = (token: string, action = 'GetBlinkers') => ({ ...auth(token), 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:blinker-gateway:v1#${action}"` })

  const cases: Case[] = [
    // credentials
    { name: 'no token', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, status: 401, code: 'GW_ERR_UNAUTHENTICATED' },
    { name: 'Basic instead of Bearer', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: { authorization: 'Basic YTpi' }, status: 401, code: 'GW_ERR_UNAUTHENTICATED' },
    { name: 'empty Bearer', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: { authorization: 'Bearer ' }, status: 401, code: 'GW_ERR_UNAUTHENTICATED' },
    { name: 'unknown token', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth('demo-acc-gamma'), status: 401, code: 'GW_ERR_UNAUTHENTICATED' },
    { name: 'production token on acceptance', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(P.alpha), status: 403, code: 'GW_ERR_WRONG_ENVIRONMENT' },
    { name: 'acceptance token on production', method: 'POST', url: '/production/v1/feedback', headers: json(A.alpha), payload: okFeedback, status: 403, code: 'GW_ERR_WRONG_ENVIRONMENT' },
    { name: 'acceptance publisher on production publish', method: 'POST', url: '/production/v1/blinkers', headers: json(A.publisher), payload: { blinkers: [blinker()] }, status: 403, code: 'GW_ERR_WRONG_ENVIRONMENT' },
    { name: 'software house publishing', method: 'POST', url: '/acceptance/v1/blinkers', headers: json(A.alpha), payload: { blinkers: [blinker()] }, status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' },
    { name: 'publisher sending feedback', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.publisher), payload: okFeedback, status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' },
    { name: 'inspection pulling a mailbox', method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(A.inspection), status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' },
    { name: 'software house deciding', method: 'POST', url: '/acceptance/v1/decisions', headers: json(A.alpha), payload: { messageId: okFeedback.messageId, decision: 'ACCEPTED' }, status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' },
    { name: 'beta pulling alpha\'s CPAS', method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(A.beta), status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    { name: 'beta reading alpha\'s blinker', method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.beta), status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    { name: 'beta sending feedback for alpha\'s CPAS', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.beta), payload: okFeedback, status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    { name: 'SOAP without token', method: 'POST', url: '/acceptance/soap', headers: { 'content-type': 'text/xml' }, payload: soap(`<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>${CPAS.alpha1}</cpasKbo></GetBlinkersRequest>`), status: 401, code: 'GW_ERR_UNAUTHENTICATED' },
    { name: 'SOAP other CPAS', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.beta), payload: soap(`<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>${CPAS.alpha1}</cpasKbo></GetBlinkersRequest>`), status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' },
    // identifiers
    { name: 'kbo with a bad checksum in the path', method: 'GET', url: '/acceptance/v1/cpas/0212344877/blinkers', headers: auth(A.alpha), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    { name: 'kbo of nine digits in the path', method: 'GET', url: '/acceptance/v1/cpas/021234487/blinkers', headers: auth(A.alpha), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    { name: 'malformed blinkerId in the path', method: 'GET', url: '/acceptance/v1/blinkers/CLI-26-1', headers: auth(A.inspection), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    { name: 'malformed messageId in the path', method: 'GET', url: '/acceptance/v1/feedback/not-a-uuid', headers: auth(A.inspection), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    { name: 'feedback kbo with a bad checksum', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ cpasKbo: '0212344877' }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback messageId not a UUID', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ messageId: '1234' }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback blinkerId lower case', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ blinkerId: b.blinkerId.toLowerCase() }), status: 400, code: 'GW_ERR_VALIDATION' },
    // schemas
    { name: 'feedback without code', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: withoutField('code'), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback code as a string', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ code: '131' }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback sentAt without offset', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ sentAt: '2026-02-12T09:00:00' }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback comment of 501 characters', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ comment: 'x'.repeat(501) }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback with an unknown field', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ priority: 'high' }), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'feedback as an array', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: [okFeedback], status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'empty feedback batch', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: { feedback: [] }, status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'empty publication', method: 'POST', url: '/acceptance/v1/blinkers', headers: json(A.publisher), payload: { blinkers: [] }, status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'publication of 1001 blinkers', method: 'POST', url: '/acceptance/v1/blinkers', headers: json(A.publisher), payload: { blinkers: Array.from({ length: 1001 }, () => ({})) }, status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'resolve with an unknown reason', method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: json(A.publisher), payload: { reason: 'FORM_E' }, status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'decision neither ACCEPTED nor REFUSED', method: 'POST', url: '/acceptance/v1/decisions', headers: json(A.inspection), payload: { messageId: okFeedback.messageId, decision: 'MAYBE' }, status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'mailbox limit 501', method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?limit=501`, headers: auth(A.alpha), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    { name: 'mailbox cursor garbage', method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?after=%%%`, headers: auth(A.alpha), status: 400, code: 'GW_ERR_BAD_PARAMETER' },
    // business rules and lookups
    { name: 'code not valid for the flow', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ code: 110 }), status: 422, code: 'GW_ERR_CODE_NOT_FOR_FLOW' },
    { name: 'code 999 without comment', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ code: 999 }), status: 422, code: 'GW_ERR_BUSINESS_RULE' },
    { name: 'feedback on an unknown blinker', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: fb({ blinkerId: 'CLI-2026-999999999' }), status: 404, code: 'GW_ERR_UNKNOWN_BLINKER' },
    { name: 'unknown feedback message', method: 'GET', url: '/acceptance/v1/feedback/3f2504e0-4f89-41d3-9a0c-0305e82c3301', headers: auth(A.inspection), status: 404, code: 'GW_ERR_UNKNOWN_MESSAGE' },
    // XML attacks and syntax
    { name: 'SOAP with a DOCTYPE', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${soap('')}`, status: 400, code: 'GW_ERR_XML_FORBIDDEN' },
    { name: 'SOAP with an external entity', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, status: 400, code: 'GW_ERR_XML_FORBIDDEN' },
    { name: 'SOAP with an undeclared entity reference', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: soap(`<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>&kbo;</cpasKbo></GetBlinkersRequest>`), status: 400, code: 'GW_ERR_XML_FORBIDDEN' },
    { name: 'SOAP not well-formed', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: soap('<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>'), status: 400, code: 'GW_ERR_MALFORMED_XML' },
    { name: 'SOAP body breaking the XSD (bad kbo pattern)', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: soap(`<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>ABC</cpasKbo></GetBlinkersRequest>`), status: 400, code: 'GW_ERR_VALIDATION' },
    { name: 'SOAP 1.2 envelope', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha), payload: `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, status: 400, code: 'GW_ERR_SOAP_ENVELOPE' },
    { name: 'SOAPAction disagreeing with the body', method: 'POST', url: '/acceptance/soap', headers: xmlHeaders(A.alpha, 'SubmitFeedback'), payload: soap(`<GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>${CPAS.alpha1}</cpasKbo></GetBlinkersRequest>`), status: 400, code: 'GW_ERR_SOAP_ACTION' },
    // sizes and content types
    { name: 'publication over the body limit', method: 'POST', url: '/acceptance/v1/blinkers', headers: json(A.publisher), payload: { blinkers: Array.from({ length: 200 }, () => blinker()) }, status: 413, code: 'GW_ERR_PAYLOAD_TOO_LARGE' },
    { name: 'feedback as text/plain', method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'content-type': 'text/plain' }, payload: JSON.stringify(okFeedback), status: 415, code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'JSON on the SOAP endpoint', method: 'POST', url: '/acceptance/soap', headers: json(A.alpha), payload: okFeedback, status: 415, code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'feedback as malformed JSON', method: 'POST', url: '/acceptance/v1/feedback', headers: json(A.alpha), payload: '{"messageId":', status: 400, code: 'GW_ERR_MALFORMED_JSON' },
  ]
  t.ok(cases.length >= 40, `${cases.length} cases`)

  for (const c of cases) {
    const res = await gw.app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, payload: c.payload as string })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    const isSoap = c.url.endsWith('/soap')
    const code = isSoap ? /<(?:gw:)?code>(GW_ERR_[A-Z_]+)<\/(?:gw:)?code>/.exec(res.body)?.[1] : (res.json() as { code?: string }).code
    t.equal(code, c.code, `${c.name}: code`)
    t.match(res.headers['content-type'], isSoap ? /text\/xml/ : /application\/problem\+json/, `${c.name}: error format`)
  }

  // Nothing written: the one published blinker is untouched and no feedback exists.
  const state = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.inspection) })
  t.equal(state.json().status, 'PUBLISHED', 'blinker status unchanged by the refused calls')
  t.equal(state.json().history.length, 1, 'no history entry added')
  const fbKeys = await gw.redis.keys(`${gw.prefix}:acceptance:feedback:*`)
  t.same(fbKeys, [], 'no feedback record written')
})
