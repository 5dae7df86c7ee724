/**
 * The SOAP adapter end to end on a real gateway: WSDL per environment, every refusal as a SOAP 1.1
 * Fault with the contract's HTTP status, and a registered test operation through the whole
 * pipeline (XSD-valid request → handler with model input → XSD-valid response), also from node-soap.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BearerSecurity, createClientAsync } from 'soap'
import t from 'tap'
import type { PublishedBlinker } from '../../src/domain/model.js'
import { GatewayError } from '../../src/errors.js'
import { replaceSoapOperation, SOAP_OPERATIONS, type SoapOperationTypes } from '../../src/ingress/soap/operations.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { envelope, readFault, readResponse, soapPost } from '../helpers/soap.js'

const FIXTURES = resolve(import.meta.dirname, '../fixtures/messages')
const fixtureJson = <T>(name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}.json`, 'utf8')) as T
const ALPHA = TOKENS.acceptance.alpha
const ACTION = (op: string) => `"urn:blinker-gateway:v1#${op}"`

const GET_BLINKERS = `    <gw:GetBlinkersRequest>
      <gw:cpasKbo>0212344876</gw:cpasKbo>
      <gw:after>c-41</gw:after>
      <gw:limit> 2 </gw:limit>
    </gw:GetBlinkersRequest>`

const published: PublishedBlinker[] = ['blinker-full', 'blinker-escaped-text'].map((n, i) => ({
  ...fixtureJson<PublishedBlinker>(n),
  status: 'DELIVERED',
  publishedAt: `2026-04-0${i + 3}T10:00:00Z`,
  history: [{ at: '2026-04-03T10:00:00Z', status: 'PUBLISHED', cause: 'published' }],
}))

t.test('SOAP adapter', async (t) => {
  const gw = await startGateway(t)
  const app = gw.app

  t.test('WSDL: served for each environment with that environment\'s address', async (t) => {
    for (const env of ['acceptance', 'production']) {
      const res = await app.inject({ method: 'GET', url: `/${env}/soap?wsdl`, headers: { host: 'gateway.test:8443' } })
      t.equal(res.statusCode, 200, env)
      t.equal(res.headers['content-type'], 'text/xml; charset=utf-8')
      t.match(res.body, `<soap:address location="http://gateway.test:8443/${env}/soap"/>`)
      t.equal(res.body.match(/soapAction="urn:blinker-gateway:v1#/g)?.length, 4, 'four operations')
    }
    const upper = await app.inject({ method: 'GET', url: '/production/soap?WSDL' })
    t.equal(upper.statusCode, 200, '?WSDL works too')
    const hostile = await app.inject({ method: 'GET', url: '/acceptance/soap?wsdl', headers: { host: 'evil.test"/><x a="' } })
    t.match(hostile.body, 'location="http://localhost/acceptance/soap"', 'a strange Host header is not echoed')
  })

  t.test('WSDL: PUBLIC_BASE_URL wins over the Host header', async (t) => {
    const other = await startGateway(t, { PUBLIC_BASE_URL: 'https://blinkers.example.be/gw/' })
    const res = await other.app.inject({ method: 'GET', url: '/production/soap?wsdl', headers: { host: 'internal:3000' } })
    t.match(res.body, '<soap:address location="https://blinkers.example.be/gw/production/soap"/>')
  })

  t.test('GET without ?wsdl: 405 Fault', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/acceptance/soap' })
    t.equal(res.statusCode, 405)
    t.equal(res.headers.allow, 'GET, POST')
    t.match(readFault(res.body), { faultcode: 'soap:Client', code: 'GW_ERR_METHOD_NOT_ALLOWED' })
  })

  t.test('JSON body: 415 Fault; text/plain: 415 Fault', async (t) => {
    const json = await app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(ALPHA), 'content-type': 'application/json' }, payload: '{"cpasKbo":"0212344876"}' })
    t.equal(json.statusCode, 415)
    t.equal(json.headers['content-type'], 'text/xml; charset=utf-8')
    t.match(readFault(json.body), { faultcode: 'soap:Client', code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE', detailXsdErrors: [] })
    const text = await soapPost(app, { token: ALPHA, body: envelope(GET_BLINKERS), contentType: 'text/plain' })
    t.equal(text.statusCode, 415)
    t.match(readFault(text.body), { code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE' })
  })

  t.test('SOAP 1.2 envelope: 400 Fault GW_ERR_SOAP_ENVELOPE', async (t) => {
    const soap12 = envelope(GET_BLINKERS).replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope')
    const res = await soapPost(app, { token: ALPHA, body: soap12, contentType: 'application/soap+xml; charset=utf-8' })
    t.equal(res.statusCode, 400)
    t.match(readFault(res.body), { faultcode: 'soap:Client', code: 'GW_ERR_SOAP_ENVELOPE', faultstring: /SOAP 1\.2/ })
  })

  t.test('envelope structure: not an Envelope, empty Body, two operations, extra part', async (t) => {
    const cases = [
      `<gw:GetBlinkersRequest xmlns:gw="urn:blinker-gateway:v1"><gw:cpasKbo>0212344876</gw:cpasKbo></gw:GetBlinkersRequest>`,
      envelope(''),
      envelope(GET_BLINKERS + GET_BLINKERS),
      envelope(GET_BLINKERS).replace('</soapenv:Body>', '</soapenv:Body><soapenv:Trailer/>'),
      envelope(GET_BLINKERS).replace('<soapenv:Body>', '<soapenv:Body/><soapenv:Header/><soapenv:Body>').replace('</soapenv:Body>\n</soapenv:Envelope>', '</soapenv:Body></soapenv:Envelope>'),
    ]
    for (const body of cases) {
      const res = await soapPost(app, { token: ALPHA, body })
      t.equal(res.statusCode, 400)
      t.match(readFault(res.body), { code: 'GW_ERR_SOAP_ENVELOPE' }, body.slice(0, 80))
    }
    const empty = await soapPost(app, { token: ALPHA, body: '' })
    t.equal(empty.statusCode, 400)
    t.match(readFault(empty.body), { code: 'GW_ERR_SOAP_ENVELOPE', faultstring: /Empty body/ }, 'empty body')
  })

  t.test('a processing instruction anywhere in the envelope: 400 Fault GW_ERR_SOAP_ENVELOPE with its line', async (t) => {
    // SOAP 1.1 section 3 forbids them; before this check, a PI between two fields was XSD-valid
    // and everything after it went missing from the mapped request.
    const withPi = envelope(GET_BLINKERS.replace('</gw:cpasKbo>', '</gw:cpasKbo><?note after the KBO?>'))
    const res = await soapPost(app, { token: ALPHA, body: withPi })
    t.equal(res.statusCode, 400)
    const line = withPi.slice(0, withPi.indexOf('<?note')).split('\n').length
    t.match(readFault(res.body), { code: 'GW_ERR_SOAP_ENVELOPE', faultstring: /processing instructions/, errors: [{ line }] })
    const declared = await soapPost(app, { token: ALPHA, body: envelope(GET_BLINKERS) })
    t.notMatch(declared.body, /processing instruction/, 'the XML declaration is not a processing instruction')
  })

  t.test('unknown operation element and wrong SOAPAction: 400 Fault GW_ERR_SOAP_ACTION', async (t) => {
    const unknown = await soapPost(app, { token: ALPHA, body: envelope('<gw:DeleteEverythingRequest/>') })
    t.equal(unknown.statusCode, 400)
    t.match(readFault(unknown.body), { code: 'GW_ERR_SOAP_ACTION', errors: [{ line: 4 }] })
    const otherNs = await soapPost(app, { token: ALPHA, body: envelope('<x:GetBlinkersRequest xmlns:x="urn:other"/>') })
    t.match(readFault(otherNs.body), { code: 'GW_ERR_SOAP_ACTION' }, 'right name, wrong namespace')
    for (const action of [ACTION('SubmitFeedback'), 'urn:blinker-gateway:v1#getblinkers', 'GetBlinkers', '"urn:other#GetBlinkers"']) {
      const res = await soapPost(app, { token: ALPHA, body: envelope(GET_BLINKERS), action })
      t.equal(res.statusCode, 400, action)
      t.match(readFault(res.body), { code: 'GW_ERR_SOAP_ACTION', faultstring: /does not match/ }, action)
    }
  })

  t.test('credentials: none or unknown → 401 Fault; other environment → 403; wrong role → 403', async (t) => {
    const none = await soapPost(app, { body: envelope(GET_BLINKERS) })
    t.equal(none.statusCode, 401)
    t.match(readFault(none.body), { faultcode: 'soap:Client', code: 'GW_ERR_UNAUTHENTICATED' })
    const unknown = await soapPost(app, { token: 'no-such-token', body: envelope(GET_BLINKERS) })
    t.equal(unknown.statusCode, 401)
    t.match(readFault(unknown.body), { code: 'GW_ERR_UNAUTHENTICATED', faultstring: 'Unknown token' })
    const prod = await soapPost(app, { token: TOKENS.production.alpha, body: envelope(GET_BLINKERS) })
    t.equal(prod.statusCode, 403)
    t.match(readFault(prod.body), { code: 'GW_ERR_WRONG_ENVIRONMENT', faultstring: /production/ })
    const publisher = await soapPost(app, { token: TOKENS.acceptance.publisher, body: envelope(GET_BLINKERS) })
    t.equal(publisher.statusCode, 403)
    t.match(readFault(publisher.body), { code: 'GW_ERR_FORBIDDEN_ROLE' })
  })

  t.test('XSD-invalid request: 400 Fault GW_ERR_VALIDATION with line numbers', async (t) => {
    const bad = GET_BLINKERS.replace('0212344876', '02123').replace('> 2 <', '>900<')
    const res = await soapPost(app, { token: ALPHA, body: envelope(bad), action: ACTION('GetBlinkers') })
    t.equal(res.statusCode, 400)
    const fault = readFault(res.body)
    t.match(fault, { faultcode: 'soap:Client', code: 'GW_ERR_VALIDATION', detailXsdErrors: [] })
    t.match(fault.errors, [
      { line: 5, message: /cpasKbo.*pattern/ },
      { line: 7, message: /limit.*maximum/ },
    ])
  })

  t.test('DOCTYPE: 400 Fault GW_ERR_XML_FORBIDDEN; malformed: GW_ERR_MALFORMED_XML', async (t) => {
    const doctype = envelope(GET_BLINKERS).replace('?>\n', '?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n')
    const res = await soapPost(app, { token: ALPHA, body: doctype })
    t.equal(res.statusCode, 400)
    t.match(readFault(res.body), { code: 'GW_ERR_XML_FORBIDDEN', errors: [{ line: 2 }] })
    const malformed = await soapPost(app, { token: ALPHA, body: envelope(GET_BLINKERS).replace('</gw:after>', '</gw:before>') })
    t.equal(malformed.statusCode, 400)
    t.match(readFault(malformed.body), { code: 'GW_ERR_MALFORMED_XML', errors: [{ line: 6 }] })
  })

  t.test('body over BODY_LIMIT: 413 Fault', async (t) => {
    const small = await startGateway(t, { BODY_LIMIT: '2048' })
    const res = await soapPost(small.app, { token: ALPHA, body: envelope(`<!-- ${'x'.repeat(4096)} -->${GET_BLINKERS}`) })
    t.equal(res.statusCode, 413)
    t.match(readFault(res.body), { code: 'GW_ERR_PAYLOAD_TOO_LARGE' })
  })

  t.test('a known operation nobody implemented yet: honest Fault', async (t) => {
    for (const op of SOAP_OPERATIONS) {
      const restore = replaceSoapOperation(op, undefined)
      t.teardown(restore)
    }
    const res = await soapPost(app, { token: ALPHA, body: envelope('<gw:AcknowledgeBlinkerRequest><gw:blinkerId>CLI-2026-000000001</gw:blinkerId></gw:AcknowledgeBlinkerRequest>') })
    t.equal(res.statusCode, 400)
    t.match(readFault(res.body), { code: 'GW_ERR_SOAP_ACTION', faultstring: /operation not available yet/ })
  })

  t.test('a registered operation: the full pipeline, XSD-valid response', async (t) => {
    const seen: { input: unknown; party: string; env: string }[] = []
    t.teardown(
      replaceSoapOperation('GetBlinkers', {
        roles: ['software-house'],
        async handle(input, { party, envCtx }) {
          seen.push({ input, party: party.id, env: envCtx.env })
          return { blinkers: published, next: 'c-43' }
        },
      }),
    )
    const header = '  <soapenv:Header><wsse:Security xmlns:wsse="urn:example:wsse" soapenv:mustUnderstand="0"/></soapenv:Header>\n'
    for (const action of [ACTION('GetBlinkers'), 'urn:blinker-gateway:v1#GetBlinkers', '""', undefined]) {
      const res = await soapPost(app, { token: ALPHA, body: envelope(GET_BLINKERS, header), action })
      t.equal(res.statusCode, 200, String(action))
      t.equal(res.headers['content-type'], 'text/xml; charset=utf-8')
      const out = readResponse<SoapOperationTypes['GetBlinkers']['output']>(res.body)
      t.match(out, { name: 'GetBlinkersResponse', namespace: 'urn:blinker-gateway:v1', xsdErrors: [] })
      t.same(out.value, { blinkers: published.map(({ history: _h, ...b }) => b), next: 'c-43' }, 'history left out, the rest round-trips')
    }
    t.same(seen[0], { input: { cpasKbo: '0212344876', after: 'c-41', limit: 2 }, party: 'alpha', env: 'acceptance' }, 'model input: integer limit, optional fields present')

    const minimal = await soapPost(app, { token: ALPHA, body: envelope('<gw:GetBlinkersRequest><gw:cpasKbo>0212344876</gw:cpasKbo></gw:GetBlinkersRequest>') })
    t.equal(minimal.statusCode, 200)
    t.same(seen.at(-1)?.input, { cpasKbo: '0212344876' }, 'absent optional fields are absent')

    const inspection = await soapPost(app, { token: TOKENS.acceptance.inspection, body: envelope(GET_BLINKERS) })
    t.equal(inspection.statusCode, 403, 'the operation\'s own roles are enforced')
    t.match(readFault(inspection.body), { code: 'GW_ERR_FORBIDDEN_ROLE' })
  })

  t.test('handler errors: GatewayError keeps its status; anything else is a bare soap:Server fault', async (t) => {
    let fail: Error = new GatewayError('GW_ERR_UNKNOWN_MESSAGE', 'No feedback 0b7e4a52-6f3c-4d2a-9a51-3c2f1e8d7b60')
    t.teardown(
      replaceSoapOperation('GetFeedbackStatus', {
        roles: ['software-house', 'inspection'],
        async handle() {
          throw fail
        },
      }),
    )
    const body = envelope('<gw:GetFeedbackStatusRequest><gw:messageId>0b7e4a52-6f3c-4d2a-9a51-3c2f1e8d7b60</gw:messageId></gw:GetFeedbackStatusRequest>')
    const notFound = await soapPost(app, { token: ALPHA, body })
    t.equal(notFound.statusCode, 404)
    t.match(readFault(notFound.body), { faultcode: 'soap:Client', code: 'GW_ERR_UNKNOWN_MESSAGE', detailXsdErrors: [] })

    fail = new Error('secret internal path /srv/gateway/x.ts')
    const internal = await soapPost(app, { token: ALPHA, body })
    t.equal(internal.statusCode, 500)
    t.match(readFault(internal.body), { faultcode: 'soap:Server', code: 'GW_ERR_INTERNAL' })
    t.notMatch(internal.body, /secret|\/srv\/|at .*\.ts/, 'no message, path or stack of the original error')

    fail = new GatewayError('GW_ERR_RATE_LIMITED', 'Slow down', undefined, { 'retry-after': '7' })
    const limited = await soapPost(app, { token: ALPHA, body })
    t.equal(limited.statusCode, 429)
    t.equal(limited.headers['retry-after'], '7')
  })

  t.test('node-soap loads the WSDL from the URL and calls an operation', async (t) => {
    t.teardown(
      replaceSoapOperation('GetFeedbackStatus', {
        roles: ['software-house', 'inspection'],
        async handle(input) {
          return { messageId: input.messageId, blinkerId: 'CLI-2026-000000001', code: 131, status: 'FORWARDED' }
        },
      }),
    )
    const live = await startGateway(t)
    const base = await live.app.listen({ port: 0, host: '127.0.0.1' })
    const client = await createClientAsync(`${base}/acceptance/soap?wsdl`)
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>
    t.same(Object.keys(description.BlinkerGatewayService?.BlinkerGatewaySoapPort ?? {}), [...SOAP_OPERATIONS], 'node-soap sees the four operations')
    client.setSecurity(new BearerSecurity(ALPHA))
    const [result] = (await client.GetFeedbackStatusAsync({ messageId: '0B7E4A52-6F3C-4D2A-9A51-3C2F1E8D7B60' })) as [Record<string, unknown>]
    t.match(result, { messageId: '0B7E4A52-6F3C-4D2A-9A51-3C2F1E8D7B60', blinkerId: 'CLI-2026-000000001', code: 131, status: 'FORWARDED' })

    client.setSecurity(new BearerSecurity('no-such-token'))
    const refused = await client.GetFeedbackStatusAsync({ messageId: '0b7e4a52-6f3c-4d2a-9a51-3c2f1e8d7b60' }).then(
      () => undefined,
      (err: { response?: { status?: number }; root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; detail?: { gatewayError?: { code?: string } } } } } } }) => err,
    )
    t.equal(refused?.response?.status, 401)
    t.match(refused?.root?.Envelope?.Body?.Fault, { faultcode: 'soap:Client', detail: { gatewayError: { code: 'GW_ERR_UNAUTHENTICATED' } } })
  })
})
