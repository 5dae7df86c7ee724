/**
 * POST /validate?type=blinker|feedback: the integrators' check, JSON or XML by content type, with
 * the same verdicts as the live validators and the contract's refusals for bodies that are not
 * acceptable at all.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

const DIR = resolve(import.meta.dirname, '../fixtures/messages')
const fixture = (file: string) => readFileSync(`${DIR}/${file}`, 'utf8')
const manifest = JSON.parse(fixture('manifest.json')) as { fixtures: { name: string; type: string; valid: boolean; path?: string }[] }

t.test('POST /validate', async (t) => {
  const gw = await startGateway(t)
  const post = (query: string, contentType: string, payload: string | Buffer) =>
    gw.app.inject({ method: 'POST', url: `/validate${query}`, headers: { 'content-type': contentType }, payload })

  t.test('valid JSON and valid XML: 200 { valid: true, errors: [] }', async (t) => {
    for (const [type, file, ct] of [
      ['blinker', 'blinker-full.json', 'application/json'],
      ['blinker', 'blinker-full.xml', 'application/xml'],
      ['feedback', 'feedback-minimal.json', 'application/json; charset=utf-8'],
      ['feedback', 'feedback-minimal.xml', 'text/xml; charset=utf-8'],
    ] as const) {
      const res = await post(`?type=${type}`, ct, fixture(file))
      t.equal(res.statusCode, 200, file)
      const { valid, errors } = res.json<{ valid: boolean; errors: unknown[] }>()
      t.same({ valid, errors }, { valid: true, errors: [] }, file)
    }
  })

  t.test('invalid JSON: 200 { valid: false } with paths', async (t) => {
    const res = await post('?type=blinker', 'application/json', fixture('blinker-bad-kbo-checksum.json'))
    t.equal(res.statusCode, 200)
    const body = res.json() as { valid: boolean; errors: { path?: string; line?: number; message: string }[] }
    t.equal(body.valid, false)
    t.match(body.errors, [{ path: '/cpasKbo', message: /enterprise number/ }])
    t.ok(body.errors.every((e) => e.line === undefined), 'no line numbers for JSON')
  })

  t.test('invalid XML: 200 { valid: false } with line numbers', async (t) => {
    const res = await post('?type=blinker', 'application/xml', fixture('blinker-bad-regime.xml'))
    t.equal(res.statusCode, 200)
    t.match(res.json(), { valid: false, errors: [{ line: 5, message: /regime/ }] })

    const checksum = await post('?type=feedback', 'text/xml', fixture('feedback-bad-kbo-checksum.xml'))
    t.match(checksum.json(), { valid: false, errors: [{ path: '/cpasKbo', line: 5, message: /enterprise number/ }] }, 'checksum errors carry path and line')

    const root = await post('?type=blinker', 'text/xml', fixture('feedback-minimal.xml'))
    t.match(root.json(), { valid: false, errors: [{ line: 2, message: /root element must be blinker/ }] }, 'root element must match the type')
  })

  t.test('every fixture, both syntaxes, judged as the manifest says', async (t) => {
    for (const fx of manifest.fixtures) {
      for (const [ext, ct] of [['json', 'application/json'], ['xml', 'application/soap+xml']] as const) {
        const res = await post(`?type=${fx.type}`, ct, fixture(`${fx.name}.${ext}`))
        t.equal(res.statusCode, 200, `${fx.name}.${ext} status`)
        t.equal((res.json() as { valid: boolean }).valid, fx.valid, `${fx.name}.${ext} verdict`)
      }
    }
  })

  t.test('missing or unknown type: 400 GW_ERR_BAD_PARAMETER', async (t) => {
    for (const query of ['', '?type=', '?type=receipt', '?type=__proto__']) {
      const res = await post(query, 'application/json', fixture('feedback-minimal.json'))
      t.equal(res.statusCode, 400, query)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.match(res.json(), { code: 'GW_ERR_BAD_PARAMETER', errors: [{ path: 'query:/type' }] }, query)
    }
  })

  t.test('text/plain: 415 GW_ERR_UNSUPPORTED_MEDIA_TYPE', async (t) => {
    const res = await post('?type=feedback', 'text/plain', fixture('feedback-minimal.xml'))
    t.equal(res.statusCode, 415)
    t.match(res.json(), { code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE', status: 415 })
  })

  t.test('malformed XML: 400 GW_ERR_MALFORMED_XML with the line', async (t) => {
    const broken = fixture('feedback-minimal.xml').replace('</cpasKbo>', '</cpas>')
    const res = await post('?type=feedback', 'application/xml', broken)
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'GW_ERR_MALFORMED_XML', errors: [{ line: 5 }] })
  })

  t.test('malformed JSON: 400 GW_ERR_MALFORMED_JSON', async (t) => {
    const res = await post('?type=feedback', 'application/json', '{"messageId": ')
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'GW_ERR_MALFORMED_JSON' })
  })

  t.test('DOCTYPE: 400 GW_ERR_XML_FORBIDDEN', async (t) => {
    const xml = fixture('feedback-minimal.xml').replace('?>\n', '?>\n<!DOCTYPE feedback SYSTEM "http://127.0.0.1:9/x.dtd">\n')
    const res = await post('?type=feedback', 'text/xml', xml)
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'GW_ERR_XML_FORBIDDEN', errors: [{ line: 2 }] })
  })
})
