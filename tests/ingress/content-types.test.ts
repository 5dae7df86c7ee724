import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

const url = '/validate?type=feedback'

t.test('bodies: size limit, content type, malformed JSON, prototype keys', async (t) => {
  const gw = await startGateway(t, { BODY_LIMIT: '2048' })
  const cases: { name: string; headers: Record<string, string>; payload: string; status: number; code: string }[] = [
    { name: 'over the body limit', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ comment: 'x'.repeat(4096) }), status: 413, code: 'GW_ERR_PAYLOAD_TOO_LARGE' },
    { name: 'XML over the body limit', headers: { 'content-type': 'text/xml' }, payload: `<feedback>${'x'.repeat(4096)}</feedback>`, status: 413, code: 'GW_ERR_PAYLOAD_TOO_LARGE' },
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, payload: 'hello', status: 415, code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'form encoded', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b', status: 415, code: 'GW_ERR_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'truncated JSON', headers: { 'content-type': 'application/json' }, payload: '{"messageId": "', status: 400, code: 'GW_ERR_MALFORMED_JSON' },
    { name: 'empty JSON body', headers: { 'content-type': 'application/json' }, payload: '', status: 400, code: 'GW_ERR_MALFORMED_JSON' },
    { name: '__proto__ key', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}}', status: 400, code: 'GW_ERR_MALFORMED_JSON' },
    { name: 'constructor.prototype key', headers: { 'content-type': 'application/json' }, payload: '{"constructor": {"prototype": {"admin": true}}}', status: 400, code: 'GW_ERR_MALFORMED_JSON' },
    { name: 'invalid UTF-8 in XML', headers: { 'content-type': 'application/xml' }, payload: Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]).toString('latin1'), status: 400, code: 'GW_ERR_MALFORMED_XML' },
  ]
  for (const c of cases) {
    const res = await gw.app.inject({ method: 'POST', url, headers: c.headers, payload: c.name === 'invalid UTF-8 in XML' ? Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]) : c.payload })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    const body = res.json()
    t.equal(body.code, c.code, `${c.name}: code`)
    t.match(res.headers['content-type'], /application\/problem\+json/, `${c.name}: problem document`)
    t.notMatch(res.body, /at .*\.(ts|js):\d+/, `${c.name}: no stack trace`)
  }
})
