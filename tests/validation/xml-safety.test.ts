/**
 * Hostile XML (contract section 7): DOCTYPEs, entities and oversized structures are refused before
 * any parser runs, with the contract's code, and nothing is ever expanded or fetched.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { assertXmlSafe, DEFAULT_XML_LIMITS } from '../../src/validation/xml-safety.js'
import { readXmlMessage, validateXmlMessage } from '../../src/validation/xml-message.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const FEEDBACK = readFileSync(resolve(import.meta.dirname, '../fixtures/messages/feedback-code-999-comment.xml'), 'utf8')
const forbidden = { code: 'GW_ERR_XML_FORBIDDEN', status: 400 }
const malformed = { code: 'GW_ERR_MALFORMED_XML', status: 400 }

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<feedback xmlns="urn:blinker-gateway:v1"><comment>&lol9;</comment></feedback>`

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feedback xmlns="urn:blinker-gateway:v1"><comment>&xxe;</comment></feedback>`

const PARAMETER_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE feedback [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<feedback xmlns="urn:blinker-gateway:v1"/>`

const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth)

t.test('billion laughs: refused at the DOCTYPE, nothing expanded', async (t) => {
  t.throws(() => validateXmlMessage('feedback', BILLION_LAUGHS), { ...forbidden, errors: [{ line: 2 }] })
})

t.test('external entity (file:///etc/passwd): refused', async (t) => {
  t.throws(() => validateXmlMessage('feedback', EXTERNAL_ENTITY), forbidden)
})

t.test('DOCTYPE alone, without any entity: refused', async (t) => {
  t.throws(() => validateXmlMessage('feedback', FEEDBACK.replace('?>\n', '?>\n<!DOCTYPE feedback>\n')), { ...forbidden, message: /<!DOCTYPE/ })
})

t.test('parameter entity: refused', async (t) => {
  t.throws(() => validateXmlMessage('feedback', PARAMETER_ENTITY), forbidden)
})

t.test('other declarations and conditional sections: refused', async (t) => {
  for (const decl of ['<!ELEMENT a ANY>', '<!ATTLIST a b CDATA "c">', '<!ENTITY e "x">', '<!NOTATION n SYSTEM "x">', '<![INCLUDE[ x ]]>', '<!doctype a>']) {
    t.throws(() => assertXmlSafe(`${decl}<a/>`), forbidden, decl)
  }
})

t.test('an entity reference without any DTD is refused too; predefined and numeric ones pass', async (t) => {
  t.throws(() => assertXmlSafe('<a>&xxe;</a>'), { ...forbidden, message: /&xxe;/ })
  t.throws(() => assertXmlSafe('<a b="x &ent; y"/>'), forbidden, 'inside an attribute value')
  t.doesNotThrow(() => assertXmlSafe('<a b="&lt;&quot;&#x41;">&amp;&lt;&gt;&quot;&apos;&#65;&#x1F4B6;</a>'))
  t.throws(() => validateXmlMessage('feedback', '<feedback>fish & chips</feedback>'), { ...malformed, errors: [{ line: 1 }] }, 'a bare & is malformed, not forbidden')
  const read = readXmlMessage('feedback', FEEDBACK.replace('The beneficiary', '&#x42;&#101;&amp;'))
  t.same(read.errors, [])
  t.match(read.value?.comment, /^Be& left/, 'references resolved to their characters')
})

t.test('markup-like text inside comments and CDATA is text, not a declaration', async (t) => {
  t.doesNotThrow(() => assertXmlSafe('<!-- <!DOCTYPE x> &x; --><a><![CDATA[<!ENTITY y "z"> &y;]]></a>'))
  const xml = FEEDBACK.replace('The beneficiary', '<![CDATA[<!DOCTYPE & "quoted">]]>')
  const read = readXmlMessage('feedback', xml)
  t.same(read.errors, [])
  t.match(read.value?.comment, /^<!DOCTYPE & "quoted"> left/)
})

t.test('deep nesting: the limit, and one more', async (t) => {
  t.doesNotThrow(() => assertXmlSafe(nested(DEFAULT_XML_LIMITS.maxDepth)))
  t.throws(() => assertXmlSafe(nested(DEFAULT_XML_LIMITS.maxDepth + 1)), { ...malformed, message: /nested deeper than 64/ })
  t.throws(() => validateXmlMessage('feedback', nested(10_000)), malformed, 'long before libxml2 would see it')
  t.doesNotThrow(() => assertXmlSafe('<a>' + '<b/>'.repeat(500) + '</a>'), 'empty elements do not nest')
})

t.test('element count is bounded', async (t) => {
  t.throws(() => assertXmlSafe('<a>' + '<b/>'.repeat(DEFAULT_XML_LIMITS.maxElements) + '</a>'), { ...malformed, message: /More than 10000 elements/ })
  t.throws(() => assertXmlSafe('<a><b/><b/><b/></a>', { maxElements: 3 }), malformed, 'limit is configurable')
})

t.test('huge attribute value is refused; `>` inside a quoted value does not end the tag', async (t) => {
  const huge = `<feedback xmlns="urn:blinker-gateway:v1" note="${'x'.repeat(100_000)}"/>`
  t.throws(() => validateXmlMessage('feedback', huge), { ...malformed, message: /Attribute value longer than 4096/ })
  t.throws(() => assertXmlSafe(`<a b='${'y'.repeat(5000)}`), malformed, 'even when the tag never ends')
  t.doesNotThrow(() => assertXmlSafe('<a b="1 > 0" c=\'<!x\'>ok</a>'))
})

t.test('XInclude is never processed: it is just an element the XSD refuses', async (t) => {
  const xml = FEEDBACK.replace('<sentAt>', '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/><sentAt>')
  const errors = validateXmlMessage('feedback', xml)
  t.equal(errors.length, 1)
  t.match(errors[0], { line: Number, message: /include.*not expected/ })
  t.notMatch(JSON.stringify(errors), /root:/, 'no file content anywhere')
})

t.test('a declared encoding other than UTF-8 does not re-decode the UTF-8 text', async (t) => {
  const xml = FEEDBACK.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('The beneficiary', 'Élève')
  t.match(readXmlMessage('feedback', xml).value?.comment, /^Élève left/)
})

t.test('over HTTP: invalid UTF-8, DOCTYPE and external entity get the contract codes', async (t) => {
  const gw = await startGateway(t)
  const badUtf8 = Buffer.concat([Buffer.from('<feedback xmlns="urn:blinker-gateway:v1"><comment>'), Buffer.from([0xc3, 0x28]), Buffer.from('</comment></feedback>')])
  const v = await gw.app.inject({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/xml' }, payload: badUtf8 })
  t.equal(v.statusCode, 400)
  t.match(v.json(), { code: 'GW_ERR_MALFORMED_XML', detail: /UTF-8/ })

  const s = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { 'content-type': 'text/xml', ...auth(TOKENS.acceptance.alpha) }, payload: badUtf8 })
  t.equal(s.statusCode, 400)
  t.match(s.body, /<gw:code>GW_ERR_MALFORMED_XML<\/gw:code>/)

  const x = await gw.app.inject({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'text/xml' }, payload: EXTERNAL_ENTITY })
  t.equal(x.statusCode, 400)
  t.match(x.json(), { code: 'GW_ERR_XML_FORBIDDEN', errors: [{ line: 2 }] })
  t.notMatch(x.body, /root:/, 'nothing of /etc/passwd in the answer')

  const b = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { 'content-type': 'text/xml', ...auth(TOKENS.acceptance.alpha) }, payload: BILLION_LAUGHS })
  t.equal(b.statusCode, 400)
  t.match(b.body, /<gw:code>GW_ERR_XML_FORBIDDEN<\/gw:code>/)
  t.ok(b.body.length < 2000, 'the answer is small: nothing was expanded')
})
