/**
 * WS-Security on SOAP: envelopes signed with xml-crypto and certificates made by
 * scripts/make-test-certs.sh; the valid one passes, and every unsigned, tampered, expired,
 * replayed, wrongly keyed or wrongly built variant is refused with its own code.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildDirectory, demoPartiesFile, loadParties, PartiesError } from '../../src/parties/parties.js'
import { checkSoapSecurity } from '../../src/security/ws-security.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { feedbackFor, published } from '../helpers/feedback.js'
import { startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'
import { envelope, readFault, readResponse, soapPost } from '../helpers/soap.js'
import { makeTestCerts } from '../helpers/test-certs.js'
import { signedEnvelope, unsignedEnvelope, type SignOptions } from '../helpers/wss-envelope.js'

const A = TOKENS.acceptance
const GET_BLINKERS = `<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`
const ACTION = 'urn:blinker-gateway:v1#GetBlinkers'

const certs = makeTestCerts(t, ['alpha', 'beta'])
const alpha = certs.clients.alpha!
const beta = certs.clients.beta!

// alpha must sign its SOAP calls; beta registers a certificate but need not sign.
const file = demoPartiesFile()
for (const p of file.acceptance?.parties ?? []) {
  if (p.id === 'alpha') Object.assign(p, { certSha256: [alpha.sha256], requireWsSecurity: true })
  if (p.id === 'beta') Object.assign(p, { certSha256: [beta.sha256.toUpperCase().match(/../g)!.join(':')] })
}
const partiesFile = join(certs.dir, 'parties.json')
writeFileSync(partiesFile, JSON.stringify(file))

const gwP = startGateway(t, { PARTIES_FILE: partiesFile })
let gw: TestGateway

t.before(async () => {
  gw = await gwP
})

const alphaSigned = (o: Partial<SignOptions> = {}) => signedEnvelope({ body: GET_BLINKERS, cert: alpha.cert, key: alpha.key, ...o })

async function expectFault(t: Test, xml: string, status: number, code: string, token: string = A.alpha, action = ACTION) {
  const res = await soapPost(gw.app, { token, body: xml, action })
  t.equal(res.statusCode, status, `${code}: status`)
  const fault = readFault(res.body)
  t.equal(fault.code, code)
  t.same(fault.detailXsdErrors, [], 'the Fault detail is XSD-valid')
  t.notMatch(res.body, /\/work\/|node_modules|\s at /, 'no stack, no path')
  return fault
}

async function expectOk(t: Test, xml: string, token: string = A.alpha, action = ACTION) {
  const res = await soapPost(gw.app, { token, body: xml, action })
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'accepted' : res.body)
  return readResponse<Record<string, unknown>>(res.body)
}

t.test('a properly signed call passes, the same message again is a replay', async (t) => {
  const xml = alphaSigned()
  t.match(xml, /<ds:Signature/, 'the envelope carries a signature')
  const ok = await expectOk(t, xml)
  t.equal(ok.name, 'GetBlinkersResponse')
  t.same(ok.xsdErrors, [])
  const fault = await expectFault(t, xml, 401, 'GW_ERR_WSS_REPLAY')
  t.equal(fault.faultcode, 'soap:Client')
  const seen = await gw.redis.keys(`${gw.prefix}:acceptance:wss:seen:*`)
  t.ok(seen.length >= 1, 'the signature is remembered in Redis')
  const ttl = await gw.redis.pttl(seen[0]!)
  t.ok(ttl > 0 && ttl <= (300 + 120) * 1000, `with a TTL of the replay window (${ttl} ms)`)
  t.equal(keys.wssSeen('p:', 'x'), 'p:wss:seen:x', 'key layout from keys.ts')
})

t.test('a party that requires WS-Security: unsigned and incomplete headers are WSS_MISSING', async (t) => {
  await expectFault(t, envelope(GET_BLINKERS), 401, 'GW_ERR_WSS_MISSING')
  const noSignature = unsignedEnvelope({ body: GET_BLINKERS, cert: alpha.cert, key: alpha.key })
  const f = await expectFault(t, noSignature, 401, 'GW_ERR_WSS_MISSING')
  t.match(f.message, /ds:Signature/)
  const noTimestamp = alphaSigned({ sign: ['Body'] }).replace(/<wsu:Timestamp[\s\S]*?<\/wsu:Timestamp>/, '')
  t.match((await expectFault(t, noTimestamp, 401, 'GW_ERR_WSS_MISSING')).message, /Timestamp/)
  const noToken = alphaSigned().replace(/<wsse:BinarySecurityToken[\s\S]*?<\/wsse:BinarySecurityToken>/, '')
  t.match((await expectFault(t, noToken, 401, 'GW_ERR_WSS_MISSING')).message, /BinarySecurityToken/)
})

t.test('tampering after signing is WSS_INVALID', async (t) => {
  const body = alphaSigned().replace(`<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo>`, `<gw:cpasKbo>${CPAS.alpha2}</gw:cpasKbo>`)
  t.match(body, new RegExp(CPAS.alpha2), 'the body now asks for another (valid, served) CPAS')
  t.match((await expectFault(t, body, 401, 'GW_ERR_WSS_INVALID')).message, /altered/)
  const created = alphaSigned()
  const moved = created.replace(/<wsu:Created>[^<]+</, `<wsu:Created>${new Date(Date.now() - 1000).toISOString()}<`)
  t.not(moved, created, 'Created changed')
  await expectFault(t, moved, 401, 'GW_ERR_WSS_INVALID')
  const value = alphaSigned().replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`)
  await expectFault(t, value, 401, 'GW_ERR_WSS_INVALID')
})

t.test('the signature must cover Body and Timestamp with the profile algorithms', async (t) => {
  t.match((await expectFault(t, alphaSigned({ sign: ['Body'] }), 401, 'GW_ERR_WSS_INVALID')).message, /cover wsu:Timestamp/)
  t.match((await expectFault(t, alphaSigned({ sign: ['Timestamp'] }), 401, 'GW_ERR_WSS_INVALID')).message, /cover soap:Body/)
  const sha1 = alphaSigned({ signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' })
  t.match((await expectFault(t, sha1, 401, 'GW_ERR_WSS_INVALID')).message, /SignatureMethod/)
  const digest1 = alphaSigned({ digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' })
  t.match((await expectFault(t, digest1, 401, 'GW_ERR_WSS_INVALID')).message, /DigestMethod/)
  const noKeyRef = alphaSigned().replace('URI="#X509-1"', 'URI="#X509-2"')
  t.match((await expectFault(t, noKeyRef, 401, 'GW_ERR_WSS_INVALID')).message, /KeyInfo/)
  const twoSecurity = alphaSigned().replace('<soapenv:Header>', `<soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>`)
  t.match((await expectFault(t, twoSecurity, 401, 'GW_ERR_WSS_INVALID')).message, /2 wsse:Security/)
  const many = alphaSigned().replace(/(<ds:SignedInfo>[\s\S]*?)(<ds:Reference[\s\S]*?<\/ds:Reference>)/, (_m, head: string, ref: string) => head + ref.repeat(9))
  t.match((await expectFault(t, many, 401, 'GW_ERR_WSS_INVALID')).message, /more than 8 signed references/)
  const badToken = alphaSigned().replace(/(<wsse:BinarySecurityToken[^>]*>)[^<]+/, '$1AAAA')
  t.match((await expectFault(t, badToken, 401, 'GW_ERR_WSS_INVALID')).message, /X\.509/)
})

t.test('signature wrapping: a second element with the signed Body id is refused', async (t) => {
  // The signed Body moves into a header block; a new Body asks for something else.
  const signed = alphaSigned()
  const originalBody = /<soapenv:Body wsu:Id="Body-1">[\s\S]*<\/soapenv:Body>/.exec(signed)![0]
  const wrapped = signed
    .replace(originalBody, `<soapenv:Body wsu:Id="Body-1"><gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha2}</gw:cpasKbo></gw:GetBlinkersRequest></soapenv:Body>`)
    .replace('<soapenv:Header>', `<soapenv:Header><Wrapper xmlns="urn:x">${originalBody.replace('soapenv:Body', 'Old').replace('</soapenv:Body>', '</Old>')}</Wrapper>`)
  t.match((await expectFault(t, wrapped, 401, 'GW_ERR_WSS_INVALID')).message, /signature wrapping/)
})

t.test('time: too old, expired and future timestamps are WSS_EXPIRED', async (t) => {
  const old = alphaSigned({ created: new Date(Date.now() - 7 * 60_000), ttlSeconds: 3600 })
  t.match((await expectFault(t, old, 401, 'GW_ERR_WSS_EXPIRED')).message, /older than 300 s/)
  const expired = alphaSigned({ created: new Date(Date.now() - 4 * 60_000), ttlSeconds: 60 })
  t.match((await expectFault(t, expired, 401, 'GW_ERR_WSS_EXPIRED')).message, /expired/)
  const future = alphaSigned({ created: new Date(Date.now() + 10 * 60_000) })
  t.match((await expectFault(t, future, 401, 'GW_ERR_WSS_EXPIRED')).message, /future/)
  await expectOk(t, alphaSigned({ created: new Date(Date.now() - 4 * 60_000), ttlSeconds: null }), A.alpha)
  await expectOk(t, alphaSigned({ created: new Date(Date.now() + 30_000) }), A.alpha)
  const backwards = alphaSigned({ ttlSeconds: -10 })
  t.match((await expectFault(t, backwards, 401, 'GW_ERR_WSS_INVALID')).message, /after wsu:Created/)
  const garbage = alphaSigned().replace(/<wsu:Created>[^<]+</, '<wsu:Created>yesterday<')
  await expectFault(t, garbage, 401, 'GW_ERR_WSS_INVALID')
})

t.test('the certificate must be the calling party\'s registered one', async (t) => {
  const betaCert = signedEnvelope({ body: GET_BLINKERS, cert: beta.cert, key: beta.key })
  t.match((await expectFault(t, betaCert, 401, 'GW_ERR_WSS_CERT_UNKNOWN')).message, /not registered for alpha/)
  // alpha's certificate in the token, but signed with another key (beta's).
  const otherKey = alphaSigned({ key: beta.key })
  t.match((await expectFault(t, otherKey, 401, 'GW_ERR_WSS_INVALID')).message, /another key/)
  // Far in the future the (30-day) test certificate is no longer valid.
  const party = gw.contexts.get('acceptance')!.parties.parties.get('alpha')!
  await t.rejects(checkSoapSecurity(alphaSigned(), party, gw.contexts.get('acceptance')!, Date.now() + 400 * 86_400_000), { code: 'GW_ERR_WSS_CERT_UNKNOWN', message: /valid only from/ })
})

t.test('a party that does not require WS-Security: unsigned passes, a sent signature is still verified', async (t) => {
  const unsigned = envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.beta}</gw:cpasKbo></gw:GetBlinkersRequest>`)
  await expectOk(t, unsigned, A.beta)
  const betaBody = `<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.beta}</gw:cpasKbo></gw:GetBlinkersRequest>`
  await expectOk(t, signedEnvelope({ body: betaBody, cert: beta.cert, key: beta.key }), A.beta)
  const tampered = signedEnvelope({ body: betaBody, cert: beta.cert, key: beta.key }).replace(/<wsu:Created>[^<]+</, `<wsu:Created>${new Date(Date.now() - 500).toISOString()}<`)
  await expectFault(t, tampered, 401, 'GW_ERR_WSS_INVALID', A.beta)
})

t.test('mustUnderstand header blocks the gateway does not process are refused', async (t) => {
  const header = '<soapenv:Header><x:Tx xmlns:x="urn:other" soapenv:mustUnderstand="1">1</x:Tx></soapenv:Header>'
  const unsigned = envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.beta}</gw:cpasKbo></gw:GetBlinkersRequest>`, header)
  const fault = await expectFault(t, unsigned, 400, 'GW_ERR_SOAP_MUST_UNDERSTAND', A.beta)
  t.equal(fault.faultcode, 'soap:MustUnderstand')
  t.match(fault.message, /\{urn:other\}Tx/)
  await expectOk(t, unsigned.replace('mustUnderstand="1"', 'mustUnderstand="0"'), A.beta)
  // wsse:Security itself carries mustUnderstand="1" in every signed call: understood.
  await expectOk(t, alphaSigned({ extraHeader: '<x:Info xmlns:x="urn:other">no obligation</x:Info>' }))
})

t.test('a signed SubmitFeedback goes through to the service', async (t) => {
  const b = await published(t, gw)
  const f = feedbackFor(b)
  const body = `<gw:SubmitFeedbackRequest><gw:messageId>${f.messageId}</gw:messageId><gw:blinkerId>${f.blinkerId}</gw:blinkerId><gw:cpasKbo>${f.cpasKbo}</gw:cpasKbo><gw:code>${f.code}</gw:code><gw:sentAt>${f.sentAt}</gw:sentAt></gw:SubmitFeedbackRequest>`
  const ok = await expectOk(t, alphaSigned({ body }), A.alpha, 'urn:blinker-gateway:v1#SubmitFeedback')
  t.equal(ok.name, 'SubmitFeedbackResponse')
  t.equal(ok.value.messageId, f.messageId.toLowerCase())
})

t.test('parties file: requireWsSecurity needs a certificate; certificates are per environment', async (t) => {
  const bad = demoPartiesFile()
  Object.assign(bad.acceptance!.parties[3]!, { requireWsSecurity: true })
  t.throws(() => buildDirectory(bad, ['acceptance']), PartiesError)
  t.throws(() => buildDirectory(bad, ['acceptance']), { message: /requires WS-Security but registers no certSha256/ })
  const twice = demoPartiesFile()
  Object.assign(twice.acceptance!.parties[3]!, { certSha256: [alpha.sha256] })
  Object.assign(twice.acceptance!.parties[4]!, { certSha256: [alpha.sha256] })
  t.throws(() => buildDirectory(twice, ['acceptance']), { message: /also given to alpha/ })
  const both = demoPartiesFile()
  Object.assign(both.acceptance!.parties[3]!, { certSha256: [alpha.sha256] })
  Object.assign(both.production!.parties[3]!, { certSha256: [alpha.sha256] })
  const dir = buildDirectory(both, ['acceptance', 'production'])
  t.same(dir.byCert(alpha.sha256).map((p) => `${p.env}/${p.id}`), ['acceptance/alpha', 'production/alpha'], 'one certificate may serve the same software house in both')
  t.same(dir.byCert('00'.repeat(32)), [])
  t.equal(certs.fingerprints.alpha, alpha.sha256, 'the script writes the fingerprint the parties file takes')
  const neither = join(certs.dir, 'neither.json')
  writeFileSync(neither, JSON.stringify({ acceptance: { parties: [{ id: 'x', role: 'publisher' }] } }))
  t.throws(() => loadParties(neither, ['acceptance']), { name: 'PartiesError', message: /tokenSha256|certSha256/ }, 'a party needs a token or a certificate')
  const badFp = join(certs.dir, 'bad-fp.json')
  writeFileSync(badFp, JSON.stringify({ acceptance: { parties: [{ id: 'x', role: 'publisher', certSha256: ['ab:cd'] }] } }))
  t.throws(() => loadParties(badFp, ['acceptance']), { name: 'PartiesError', message: /certSha256/ }, 'a fingerprint is 32 bytes')
})
