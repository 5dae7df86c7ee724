/**
 * POST /validate over real HTTP handling: every published XML example, envelope or bare, is valid
 * and the answer's `found` says what it was; `type` is optional for XML and, when given, must be
 * carried; JSON still needs it. The DOCTYPE gate answers first. The OpenAPI document describes
 * `found`.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

const DIR = 'schemas/examples'
const manifest = JSON.parse(readFileSync(`${DIR}/index.json`, 'utf8')) as { operations: { examples: { file: string; element?: string }[] }[] }
const xmlExamples = manifest.operations.flatMap((o) => o.examples).filter((e) => e.file.endsWith('.xml'))

t.test('POST /validate: envelopes, operation elements, bare messages', async (t) => {
  const gw = await startGateway(t)
  const post = (query: string, contentType: string, payload: string) => gw.app.inject({ method: 'POST', url: `/validate${query}`, headers: { 'content-type': contentType }, payload })

  t.test('every XML example, no type: valid, and found says which', async (t) => {
    for (const e of xmlExamples) {
      const res = await post('', 'text/xml; charset=utf-8', readFileSync(`${DIR}/${e.file}`, 'utf8'))
      t.equal(res.statusCode, 200, e.file)
      const form = e.file.startsWith('soap/') ? 'envelope' : ['blinker', 'feedback'].includes(e.element as string) ? 'message' : 'operation'
      t.match(res.json(), { valid: true, errors: [], found: { syntax: 'xml', form, element: e.element } }, e.file)
    }
  })

  t.test('type with XML: the element found must carry it', async (t) => {
    const envelope = readFileSync(`${DIR}/soap/SubmitFeedback.request.xml`, 'utf8')
    t.same((await post('?type=feedback', 'application/xml', envelope)).json(), {
      valid: true,
      errors: [],
      found: { syntax: 'xml', form: 'envelope', element: 'SubmitFeedbackRequest', operation: 'SubmitFeedback' },
    })
    const asBlinker = (await post('?type=blinker', 'application/xml', envelope)).json()
    t.match(asBlinker, { valid: false, found: { element: 'SubmitFeedbackRequest' }, errors: [{ line: 4, message: /Body must hold blinker/ }] })
    const unknown = await post('?type=receipt', 'application/xml', envelope)
    t.match({ status: unknown.statusCode, body: unknown.json() }, { status: 400, body: { code: 'GW_ERR_BAD_PARAMETER' } }, 'a type given must be a known one')
  })

  t.test('a checksum error in an envelope: path and line', async (t) => {
    const xml = readFileSync(`${DIR}/soap/SubmitFeedback.request.xml`, 'utf8').replace('<gw:cpasKbo>0207151616<', '<gw:cpasKbo>0207151617<')
    t.match((await post('', 'text/xml', xml)).json(), { valid: false, errors: [{ path: '/cpasKbo', line: 7, message: /enterprise number/ }], found: { form: 'envelope' } })
  })

  t.test('JSON: found is a message of the type; the type stays required', async (t) => {
    const json = readFileSync('tests/fixtures/messages/feedback-minimal.json', 'utf8')
    t.same((await post('?type=feedback', 'application/json', json)).json(), { valid: true, errors: [], found: { syntax: 'json', form: 'message', element: 'feedback' } })
    const none = await post('', 'application/json', json)
    t.match({ status: none.statusCode, body: none.json() }, { status: 400, body: { code: 'GW_ERR_BAD_PARAMETER', errors: [{ path: 'query:/type' }] } })
  })

  t.test('XML of no accepted form: valid false, no found', async (t) => {
    const body = (await post('', 'text/xml', '<receipt xmlns="urn:blinker-gateway:v1"/>')).json()
    t.match(body, { valid: false, errors: [{ line: 1, message: /root element must be blinker, feedback or an <Operation>Request/ }] })
    t.notOk('found' in body)
  })

  t.test('the DOCTYPE gate first, envelope or not', async (t) => {
    const xml = readFileSync(`${DIR}/soap/GetBlinkers.request.xml`, 'utf8').replace('?>\n', '?>\n<!DOCTYPE x [<!ENTITY e "e">]>\n')
    const res = await post('', 'text/xml', xml)
    t.match({ status: res.statusCode, body: res.json() }, { status: 400, body: { code: 'GW_ERR_XML_FORBIDDEN', errors: [{ line: 2 }] } })
  })

  t.test('the OpenAPI document describes found and the optional type', async (t) => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { description: string; responses: Record<string, { content: Record<string, { schema: unknown }> }> }>> }
    const op = doc.paths['/validate']?.post
    t.ok(op, 'POST /validate is documented')
    const schema = JSON.stringify(op?.responses['200']?.content['application/json']?.schema)
    t.match(schema, /"found"/)
    t.match(schema, /"envelope"/)
    t.match(op?.description, /envelope/)
  })
})
