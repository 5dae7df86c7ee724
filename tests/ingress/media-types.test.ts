/**
 * Media types and encodings (issue 17, classes 3 and 6).
 * - Every route that takes a body accepts exactly the media types its documentation lists (route
 *   schema `consumes`, ROUTE_DOCS, `body.content`, else application/json); any other is 415
 *   GW_ERR_UNSUPPORTED_MEDIA_TYPE in the contract's shape (a Fault on /soap), before the body is read.
 * - The SOAP endpoint never processes an envelope carried inside JSON; /validate judges a JSON
 *   string as JSON, not as XML.
 * - JSON that is not UTF-8 (RFC 8259) is 400 GW_ERR_MALFORMED_JSON and stores nothing; XML the same
 *   with GW_ERR_MALFORMED_XML.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import Fastify, { type RouteOptions } from 'fastify'
import t from 'tap'
import { documentedMediaTypes, installContentTypes, mediaTypeOf, XLSX_CONTENT_TYPE } from '../../src/ingress/content-types.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { A, feedbackFor, getStatus, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'
import { envelope } from '../helpers/soap.js'
import { problemErrorHandler } from '../../src/ingress/rest/problem-handler.js'
import { answerCode } from '../security/hostile-cases.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647)
const RUNS = Number(process.env.FC_RUNS ?? 60)
t.comment(`fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)

const TOKEN_OF_ROLE: Record<string, string> = { publisher: A.publisher, inspection: A.inspection, operator: A.operator, 'software-house': A.alpha }
const CANDIDATES = ['application/json', 'text/xml', 'application/xml', 'application/soap+xml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', XLSX_CONTENT_TYPE, 'application/json-patch+json', 'text/html']
const PARAMS: Record<string, string> = { kbo: CPAS.alpha1, blinkerId: 'CLI-2026-000000001', messageId: randomUUID(), queue: 'forward', jobId: 'x', id: 'x' }

const isPage = (url: string): boolean => /^\/(acceptance|production)\/(?!v1\/|soap$)/.test(url)
const methodsOf = (r: RouteOptions): string[] => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'GET' && m !== 'HEAD')
const concrete = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, (_m, p: string) => PARAMS[p] ?? 'x')

t.test('mediaTypeOf and documentedMediaTypes', async (t) => {
  t.equal(mediaTypeOf(undefined), '')
  t.equal(mediaTypeOf(' Application/JSON ; charset=UTF-8'), 'application/json')
  t.same(documentedMediaTypes({ method: 'POST', url: '/acceptance/soap', schema: {} }), ['text/xml', 'application/soap+xml'], 'from ROUTE_DOCS')
  t.same(documentedMediaTypes({ method: 'POST', url: '/x', schema: { consumes: ['Text/CSV'] } as object }), ['text/csv'], 'the route schema first')
  t.same(documentedMediaTypes({ method: ['POST'], url: '/x', schema: { body: { content: { 'application/x-www-form-urlencoded': {} } } } as object }), ['application/x-www-form-urlencoded'], 'body.content keys')
  t.same(documentedMediaTypes({ method: 'PUT', url: '/x' }), ['application/json'], 'default')
})

t.test('the guard runs before a route\'s own preParsing hooks (one or a list) and only on bodies', async (t) => {
  const app = Fastify()
  app.setErrorHandler(problemErrorHandler)
  installContentTypes(app)
  const ran: string[] = []
  app.post('/one', { preParsing: async (_req, _rep, payload) => (ran.push('one'), payload) }, async () => ({ ok: true }))
  app.post('/list', { preParsing: [async (_req, _rep, payload) => (ran.push('list'), payload)] }, async () => ({ ok: true }))
  t.teardown(() => app.close())
  t.equal((await app.inject({ method: 'POST', url: '/one', headers: { 'content-type': 'text/xml' }, payload: '<a/>' })).statusCode, 415)
  t.same(ran, [], 'refused before the route\'s own hook')
  t.equal((await app.inject({ method: 'POST', url: '/one', payload: { a: 1 } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/list', payload: { a: 1 } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/list', headers: { 'content-type': 'text/xml' } })).statusCode, 200, 'no body: nothing to refuse')
  t.same(ran, ['one', 'list', 'list'])
})

t.test('every route with a body: undocumented media types are 415 in the contract shape, documented ones are not', async (t) => {
  const gw = await startGateway(t)
  const routes = gw.app.routeTable.filter((r) => methodsOf(r).length > 0 && !r.url.startsWith('/production'))
  t.ok(routes.length >= 15, `${routes.length} routes take a body`)
  for (const route of routes) {
    const allowed = documentedMediaTypes(route)
    const roles = route.config?.roles
    const token = Array.isArray(roles) ? TOKEN_OF_ROLE[roles[0] as string] : undefined
    for (const method of methodsOf(route)) {
      for (const type of CANDIDATES) {
        const res = await gw.app.inject({ method: method as 'POST', url: concrete(route.url), headers: { ...(token ? auth(token) : {}), 'content-type': type }, payload: type.includes('json') ? '{}' : type.includes('xml') ? '<a/>' : 'a=b' })
        const name = `${method} ${route.url} as ${type}`
        if (allowed.includes(mediaTypeOf(type))) {
          t.not(res.statusCode, 415, `${name}: documented, accepted`)
          continue
        }
        t.equal(res.statusCode, 415, `${name}: 415`)
        // The people's pages answer their errors as HTML pages (contract section 9); the API as problem+json, SOAP as a Fault.
        if (isPage(route.url) && String(res.headers['content-type']).startsWith('text/html')) continue
        t.equal(answerCode(res), 'GW_ERR_UNSUPPORTED_MEDIA_TYPE', `${name}: code`)
        t.match(res.headers['content-type'], route.url.endsWith('/soap') ? /^text\/xml/ : /^application\/problem\+json/, `${name}: the contract's shape`)
        t.notMatch(res.body, mediaTypeOf(type).replace('+', '\\+'), `${name}: the answer says what is accepted, not what was sent`)
      }
    }
  }
})

t.test('SOAP: an envelope inside a JSON string is not processed', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  const soap = envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`)
  for (const type of ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded']) {
    const res = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': type }, payload: JSON.stringify(soap) })
    t.equal(res.statusCode, 415, type)
    t.equal(answerCode(res), 'GW_ERR_UNSUPPORTED_MEDIA_TYPE')
    t.match(res.body, /<faultcode>soap:Client<\/faultcode>/)
  }
  const state = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.inspection) })
  t.equal(state.json().status, 'PUBLISHED', 'no GetBlinkers ran: the blinker was not delivered')
})

t.test('/validate: a JSON string is judged as JSON, an XML body as XML', async (t) => {
  const gw = await startGateway(t)
  const xml = `<feedback xmlns="urn:blinker-gateway:v1"><messageId>${randomUUID()}</messageId><blinkerId>CLI-2026-000000001</blinkerId><cpasKbo>${CPAS.alpha1}</cpasKbo><code>131</code><sentAt>2026-02-12T09:00:00+01:00</sentAt></feedback>`
  const asXml = await gw.app.inject({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/xml' }, payload: xml })
  t.match(asXml.json(), { valid: true, errors: [], found: { syntax: 'xml', element: 'feedback' } }, 'the document is valid as XML')
  t.equal(asXml.json<{ errors: unknown[] }>().errors.length, 0)
  const asJsonString = await gw.app.inject({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(xml) })
  t.equal(asJsonString.statusCode, 200)
  t.equal(asJsonString.json().valid, false, 'a JSON string is not a feedback object')
  t.notOk(asJsonString.json().errors.some((e: { line?: number }) => e.line !== undefined), 'no XML line numbers: it was not read as XML')
})

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, beyond U+10FFFF, truncated, invalid lead bytes. */
const INVALID_UTF8 = [[0x80], [0xbf], [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xfe], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3]]
const withBytes = (json: string, marker: string, bytes: number[]): Buffer => {
  const [before, after] = json.split(marker) as [string, string]
  return Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')])
}

t.test('invalid UTF-8 in JSON: 400 GW_ERR_MALFORMED_JSON, nothing stored (feedback and publication)', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  for (const bytes of INVALID_UTF8) {
    const f = feedbackFor(b, { code: 999, comment: 'avant@@après' })
    const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'content-type': 'application/json' }, payload: withBytes(JSON.stringify(f), '@@', bytes) })
    t.equal(res.statusCode, 400, `feedback with ${Buffer.from(bytes).toString('hex')}`)
    t.equal(res.json().code, 'GW_ERR_MALFORMED_JSON')
    t.equal((await getStatus(gw, A.alpha, f.messageId)).statusCode, 404, 'nothing stored')
  }
  const nb = blinker(CPAS.alpha1, { beneficiary: { niss: '85073003328', lastName: 'Dupont@@' } })
  const pub = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: { ...auth(A.publisher), 'content-type': 'application/json' }, payload: withBytes(JSON.stringify({ blinkers: [nb] }), '@@', [0xff]) })
  t.equal(pub.statusCode, 400)
  t.equal(pub.json().code, 'GW_ERR_MALFORMED_JSON')
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${nb.blinkerId}`, headers: auth(A.inspection) })).statusCode, 404, 'nothing published')
  const validate = await gw.app.inject({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/json' }, payload: Buffer.from([0x22, 0xff, 0x22]) })
  t.equal(validate.json().code, 'GW_ERR_MALFORMED_JSON', '/validate too')

  // Valid UTF-8 (2, 3 and 4 bytes) passes untouched, and a BOM is tolerated as before (RFC 8259 §8.1 allows ignoring it).
  const ok = feedbackFor(b, { code: 999, comment: 'é € 🙂 ünïcödé' })
  t.equal((await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'content-type': 'application/json; charset=utf-8' }, payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(ok))]) })).statusCode, 202)
  const stored = await gw.redis.hget(`${gw.prefix}:acceptance:feedback:${ok.messageId}`, 'doc')
  t.equal((JSON.parse(stored ?? '{}') as { comment?: string }).comment, 'é € 🙂 ünïcödé', 'stored exactly, no U+FFFD')
})

t.test('property: any invalid sequence anywhere in a JSON text is a 400 that stores nothing', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), async (bytes, left, right) => {
      const f = feedbackFor(b, { code: 999, comment: `${left}@@${right}`.replaceAll('@@', '') + '@@' })
      const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'content-type': 'application/json' }, payload: withBytes(JSON.stringify(f), '@@', bytes) })
      return res.statusCode === 400 && res.json().code === 'GW_ERR_MALFORMED_JSON' && (await getStatus(gw, A.alpha, f.messageId)).statusCode === 404
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.pass('never stored, never a 500')
})

t.test('invalid UTF-8 in SOAP XML: 400 GW_ERR_MALFORMED_XML Fault, nothing stored', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  const f = feedbackFor(b, { code: 999, comment: 'x@@y' })
  const body = envelope(`<gw:SubmitFeedbackRequest><gw:messageId>${f.messageId}</gw:messageId><gw:blinkerId>${f.blinkerId}</gw:blinkerId><gw:cpasKbo>${f.cpasKbo}</gw:cpasKbo><gw:code>999</gw:code><gw:comment>x@@y</gw:comment><gw:sentAt>${f.sentAt}</gw:sentAt></gw:SubmitFeedbackRequest>`)
  for (const bytes of INVALID_UTF8.slice(0, 6)) {
    const res = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml; charset=utf-8' }, payload: withBytes(body, '@@', bytes) })
    t.equal(res.statusCode, 400)
    t.equal(answerCode(res), 'GW_ERR_MALFORMED_XML')
  }
  t.equal((await getStatus(gw, A.alpha, f.messageId)).statusCode, 404, 'nothing stored')
  // Control: the same envelope with valid text is taken.
  const good = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml; charset=utf-8' }, payload: body.replace('@@', 'é') })
  t.equal(good.statusCode, 200)
})
