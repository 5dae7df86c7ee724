/**
 * The hostile-input corpus (shared by hostile-input.test.ts, which pins each answer, and
 * no-leaks.test.ts, which scans every answer for stack traces and internal paths). Each case is
 * one request against the real app with the status and GW_ERR code it must get.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { SOAP11_NS, SOAP12_NS } from '../../src/ingress/soap/envelope.js'
import { XML_NS } from '../../src/validation/xsd-validator.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { TOKENS } from '../helpers/gateway.js'

type Caller = keyof (typeof TOKENS)['acceptance']

export interface HostileCase {
  name: string
  method?: 'GET' | 'POST' | 'PUT'
  url: string
  /** Bearer token of this acceptance party; null = none. Default: alpha (publisher for /v1/blinkers, none for /validate). */
  as?: Caller | null
  contentType?: string
  soapAction?: string
  body?: string | Buffer
  /** Expected HTTP status and GW_ERR code (code null: a success without error code). */
  expect: { status: number; code: string | null }
  /** For 202 publish/batch answers: the code of the first rejected item. */
  itemCode?: string
  /** For 200 /validate answers: must say valid false. */
  invalid?: true
}

const SOAP_URL = '/acceptance/soap'
const FEEDBACK_URL = '/acceptance/v1/feedback'
const PUBLISH_URL = '/acceptance/v1/blinkers'
const MAILBOX_URL = `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`

const env = (body: string, header = '') => `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP11_NS}" xmlns:gw="${XML_NS}">${header}<s:Body>${body}</s:Body></s:Envelope>`
const getBlinkers = (inner = `<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo>`) => env(`<gw:GetBlinkersRequest>${inner}</gw:GetBlinkersRequest>`)
const withDoctype = (decl: string, use = '') => `<?xml version="1.0"?><!DOCTYPE s:Envelope [${decl}]>${env(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}${use}</gw:cpasKbo></gw:GetBlinkersRequest>`)}`
const nested = (depth: number) => `${'<gw:x>'.repeat(depth)}${'</gw:x>'.repeat(depth)}`
const laughs = `<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}`

export const feedback = (overrides: Record<string, unknown> = {}) => ({
  messageId: randomUUID(),
  blinkerId: 'CLI-2026-000000001',
  cpasKbo: CPAS.alpha1,
  code: 131,
  sentAt: '2026-02-12T09:00:00+01:00',
  ...overrides,
})
const submitFeedbackXml = (fields: Record<string, string>) =>
  env(`<gw:SubmitFeedbackRequest>${Object.entries(fields).map(([k, v]) => `<gw:${k}>${v}</gw:${k}>`).join('')}</gw:SubmitFeedbackRequest>`)
const feedbackXmlFields = () => ({ messageId: randomUUID(), blinkerId: 'CLI-2026-000000001', cpasKbo: CPAS.alpha1, code: '131', sentAt: '2026-02-12T09:00:00+01:00' })

const json = (value: unknown) => JSON.stringify(value)
const soap = (name: string, body: string | Buffer, expect: HostileCase['expect'], extra: Partial<HostileCase> = {}): HostileCase => ({ name: `SOAP: ${name}`, url: SOAP_URL, contentType: 'text/xml; charset=utf-8', body, expect, ...extra })
const rest = (name: string, body: string | Buffer, expect: HostileCase['expect'], extra: Partial<HostileCase> = {}): HostileCase => ({ name: `REST feedback: ${name}`, url: FEEDBACK_URL, contentType: 'application/json', body, expect, ...extra })
const pub = (name: string, body: unknown, expect: HostileCase['expect'], itemCode?: string): HostileCase => ({ name: `REST publish: ${name}`, url: PUBLISH_URL, as: 'publisher', contentType: 'application/json', body: json(body), expect, ...(itemCode ? { itemCode } : {}) })
const get = (name: string, url: string, expect: HostileCase['expect']): HostileCase => ({ name: `REST params: ${name}`, method: 'GET', url, expect })
const validate = (name: string, type: string, contentType: string, body: string | Buffer, expect: HostileCase['expect'], extra: Partial<HostileCase> = {}): HostileCase => ({ name: `/validate: ${name}`, url: `/validate?type=${type}`, as: null, contentType, body, expect, ...extra })

const E = (status: number, code: string | null) => ({ status, code })
const FORBIDDEN_XML = E(400, 'GW_ERR_XML_FORBIDDEN')
const MALFORMED_XML = E(400, 'GW_ERR_MALFORMED_XML')
const MALFORMED_JSON = E(400, 'GW_ERR_MALFORMED_JSON')
const INVALID = E(400, 'GW_ERR_VALIDATION')
const ENVELOPE = E(400, 'GW_ERR_SOAP_ENVELOPE')
const ACTION = E(400, 'GW_ERR_SOAP_ACTION')
const PARAM = E(400, 'GW_ERR_BAD_PARAMETER')
const MEDIA = E(415, 'GW_ERR_UNSUPPORTED_MEDIA_TYPE')
const TOO_LARGE = E(413, 'GW_ERR_PAYLOAD_TOO_LARGE')

const overLimit = (bodyLimit: number) => 'x'.repeat(bodyLimit + 1)

/** The corpus, for a gateway whose BODY_LIMIT is `bodyLimit` bytes. */
export function hostileCases(bodyLimit: number): HostileCase[] {
  const invalidUtf8 = Buffer.concat([Buffer.from(getBlinkers().slice(0, 120)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(getBlinkers().slice(120))])
  return [
    // XML: declarations, entities, bombs
    soap('internal DOCTYPE', withDoctype('<!ELEMENT s:Envelope ANY>'), FORBIDDEN_XML),
    soap('external entity (XXE, file)', withDoctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;'), FORBIDDEN_XML),
    soap('external entity (XXE, http)', withDoctype('<!ENTITY xxe SYSTEM "http://127.0.0.1:1/x">', '&xxe;'), FORBIDDEN_XML),
    soap('parameter entity', withDoctype('<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;'), FORBIDDEN_XML),
    soap('billion laughs', withDoctype(laughs, '&lol9;'), FORBIDDEN_XML),
    soap('entity reference without declaration', getBlinkers(`<gw:cpasKbo>&xxe;</gw:cpasKbo>`), FORBIDDEN_XML),
    soap('ENTITY declaration outside a DOCTYPE', `<!ENTITY x "y">${getBlinkers()}`, FORBIDDEN_XML),
    soap('conditional section', getBlinkers(`<![INCLUDE[<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo>]]>`), FORBIDDEN_XML),
    soap('lower-case doctype', `<!doctype x>${getBlinkers()}`, FORBIDDEN_XML),
    soap('XInclude element in the body', getBlinkers(`<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>`), INVALID),
    // XML: sizes and shapes
    soap('nesting 100 deep', getBlinkers(nested(100)), MALFORMED_XML),
    soap('nesting 15 000 deep', getBlinkers(nested(15_000)), MALFORMED_XML),
    soap('20 000 sibling elements', getBlinkers(`<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo>${'<gw:after/>'.repeat(20_000)}`), MALFORMED_XML),
    soap('100 kB attribute', getBlinkers(`<gw:cpasKbo a="${'A'.repeat(100_000)}">${CPAS.alpha1}</gw:cpasKbo>`), MALFORMED_XML),
    soap('unterminated huge attribute', `${env('<gw:GetBlinkersRequest a="')}${'A'.repeat(50_000)}`, MALFORMED_XML),
    soap('5 000 attributes on one element', getBlinkers(`<gw:cpasKbo ${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}>${CPAS.alpha1}</gw:cpasKbo>`), INVALID),
    soap('body over BODY_LIMIT', getBlinkers(`<!--${overLimit(bodyLimit)}-->`), TOO_LARGE),
    // XML: encodings and bytes
    soap('invalid UTF-8 bytes', invalidUtf8, MALFORMED_XML),
    soap('Latin-1 byte in a value', Buffer.concat([Buffer.from(getBlinkers().replace(CPAS.alpha1, 'X')), Buffer.from([0xe9])]), MALFORMED_XML),
    soap('NUL character', getBlinkers(`<gw:cpasKbo>${CPAS.alpha1}\u0000</gw:cpasKbo>`), MALFORMED_XML),
    soap('declared UTF-16, sent UTF-8: read as UTF-8 (the declaration is ignored)', getBlinkers().replace('encoding="UTF-8"', 'encoding="UTF-16"'), E(200, null)),
    soap('control character in a value', getBlinkers(`<gw:cpasKbo>0212344\u0001876</gw:cpasKbo>`), MALFORMED_XML),
    soap('truncated document', getBlinkers().slice(0, -20), MALFORMED_XML),
    soap('not XML at all', '{"cpasKbo":"0212344876"}', MALFORMED_XML),
    soap('only whitespace', '   \n  ', MALFORMED_XML),
    soap('bare ampersand', getBlinkers(`<gw:cpasKbo>A & B</gw:cpasKbo>`), MALFORMED_XML),
    // SOAP: envelopes, namespaces, actions
    soap('SOAP 1.2 envelope on the 1.1 endpoint', `<e:Envelope xmlns:e="${SOAP12_NS}" xmlns:gw="${XML_NS}"><e:Body><gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest></e:Body></e:Envelope>`, ENVELOPE, { contentType: 'application/soap+xml; charset=utf-8' }),
    soap('root element is not an Envelope', `<gw:GetBlinkersRequest xmlns:gw="${XML_NS}"><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`, ENVELOPE),
    soap('Envelope without a Body', `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Header/></s:Envelope>`, ENVELOPE),
    soap('Body with two operations', env(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest><gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`), ENVELOPE),
    soap('empty Body', env(''), ENVELOPE),
    soap('Header after Body', `<s:Envelope xmlns:s="${SOAP11_NS}" xmlns:gw="${XML_NS}"><s:Body><gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest></s:Body><s:Header/></s:Envelope>`, ENVELOPE),
    soap('Body in a foreign namespace', `<s:Envelope xmlns:s="${SOAP11_NS}" xmlns:x="urn:other"><x:Body/></s:Envelope>`, ENVELOPE),
    soap('operation in a foreign namespace', env(`<o:GetBlinkersRequest xmlns:o="urn:other"><o:cpasKbo>${CPAS.alpha1}</o:cpasKbo></o:GetBlinkersRequest>`), ACTION),
    soap('operation in the SOAP namespace', env(`<s:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></s:GetBlinkersRequest>`), ACTION),
    soap('unknown operation', env(`<gw:DeleteEverythingRequest/>`), ACTION),
    soap('children without namespace (xmlns="")', env(`<gw:GetBlinkersRequest><cpasKbo xmlns="">${CPAS.alpha1}</cpasKbo></gw:GetBlinkersRequest>`), INVALID),
    soap('mixed prefixes for the same namespace', env(`<a:GetBlinkersRequest xmlns:a="${XML_NS}"><b:cpasKbo xmlns:b="${XML_NS}">${CPAS.alpha1}</b:cpasKbo></a:GetBlinkersRequest>`), E(200, null)),
    soap('SOAPAction names another operation', getBlinkers(), ACTION, { soapAction: '"urn:blinker-gateway:v1#SubmitFeedback"' }),
    soap('SOAPAction is a URL elsewhere', getBlinkers(), ACTION, { soapAction: 'http://evil.example/steal' }),
    // SOAP: values
    soap('KBO with a bad checksum (a mailbox parameter, as over REST)', getBlinkers('<gw:cpasKbo>0212344877</gw:cpasKbo>'), PARAM),
    soap('KBO of 11 digits', getBlinkers('<gw:cpasKbo>02123448760</gw:cpasKbo>'), INVALID),
    soap('limit is not a number', getBlinkers(`<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo><gw:limit>abc</gw:limit>`), INVALID),
    soap('limit is negative', getBlinkers(`<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo><gw:limit>-1</gw:limit>`), INVALID),
    soap('unknown child element', getBlinkers(`<gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo><gw:admin>true</gw:admin>`), INVALID),
    soap('children out of order', getBlinkers(`<gw:limit>5</gw:limit><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo>`), INVALID),
    soap('feedback code as text', submitFeedbackXml({ ...feedbackXmlFields(), code: 'abc' }), INVALID),
    soap('feedback messageId not a UUID', submitFeedbackXml({ ...feedbackXmlFields(), messageId: "1' OR '1'='1" }), INVALID),
    soap('feedback NISS-like text in blinkerId', submitFeedbackXml({ ...feedbackXmlFields(), blinkerId: '85073003328' }), INVALID),
    soap('xsi:type override', getBlinkers(`<gw:cpasKbo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xsd:string" xmlns:xsd="http://www.w3.org/2001/XMLSchema">not-a-kbo</gw:cpasKbo>`), INVALID),
    // SOAP: transport
    soap('JSON content type', '{}', MEDIA, { contentType: 'application/json' }),
    soap('text/plain content type', getBlinkers(), MEDIA, { contentType: 'text/plain' }),
    soap('form content type', 'a=b', MEDIA, { contentType: 'application/x-www-form-urlencoded' }),
    soap('no token', getBlinkers(), E(401, 'GW_ERR_UNAUTHENTICATED'), { as: null }),
    // JSON: prototype pollution, types, shapes
    rest('__proto__ key', '{"__proto__":{"admin":true},"messageId":"x"}', MALFORMED_JSON),
    rest('nested __proto__ key', json({ ...feedback(), x: 1 }).replace('"x":1', '"x":{"__proto__":{"polluted":1}}'), MALFORMED_JSON),
    rest('constructor.prototype keys', '{"constructor":{"prototype":{"admin":true}}}', MALFORMED_JSON),
    rest('code as a string', json(feedback({ code: '131' })), INVALID),
    rest('code as a float', json(feedback({ code: 131.5 })), INVALID),
    rest('code beyond double precision', json(feedback()).replace('"code":131', '"code":1e400'), INVALID),
    rest('cpasKbo as a number', json(feedback({ cpasKbo: 212344876 })), INVALID),
    rest('cpasKbo with a bad checksum', json(feedback({ cpasKbo: '0212344877' })), INVALID),
    rest('messageId not a UUID', json(feedback({ messageId: '../../etc/passwd' })), INVALID),
    rest('messageId with a lone surrogate', json(feedback()).replace(/"messageId":"[^"]+"/, '"messageId":"\\ud800"'), INVALID),
    rest('blinkerId in lower case', json(feedback({ blinkerId: 'cli-2026-000000001' })), INVALID),
    rest('sentAt without offset', json(feedback({ sentAt: '2026-02-12T09:00:00' })), INVALID),
    rest('sentAt on 30 February', json(feedback({ sentAt: '2026-02-30T09:00:00+01:00' })), INVALID),
    rest('comment over 500 characters', json(feedback({ code: 999, comment: 'x'.repeat(501) })), INVALID),
    rest('extra property', json(feedback({ isAdmin: true })), INVALID),
    rest('null body', 'null', INVALID),
    rest('array body', '[]', INVALID),
    rest('string body', '"feedback"', INVALID),
    rest('number body', '42', INVALID),
    rest('batch of 1001', json({ feedback: Array.from({ length: 1001 }, () => feedback()) }), INVALID),
    rest('empty batch', json({ feedback: [] }), INVALID),
    rest('batch is an object', json({ feedback: { 0: feedback() } }), INVALID),
    rest('batch with a sibling key', json({ feedback: [feedback()], also: 1 }), INVALID),
    rest('truncated JSON', json(feedback()).slice(0, -5), MALFORMED_JSON),
    rest('empty body', '', MALFORMED_JSON),
    rest('JSON 10 000 arrays deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, INVALID),
    rest('JSON 40 000 objects deep', `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`, INVALID),
    // RFC 8259: JSON text is UTF-8; refused before parsing, never stored with U+FFFD (issue 17).
    rest('invalid UTF-8 in JSON', Buffer.concat([Buffer.from('{"messageId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), MALFORMED_JSON),
    // The route documents application/json only: another media type is 415 before the body is read.
    rest('XML sent to the JSON route', getBlinkers(), MEDIA, { contentType: 'text/xml' }),
    rest('form content type', 'messageId=1', MEDIA, { contentType: 'application/x-www-form-urlencoded' }),
    rest('body over BODY_LIMIT', json({ comment: overLimit(bodyLimit) }), TOO_LARGE),
    rest('unknown feedback code', json(feedback({ code: 4242 })), E(422, 'GW_ERR_CODE_NOT_FOR_FLOW')),
    // Publication: wrapper refused as a whole, items one by one
    pub('1001 blinkers', { blinkers: Array.from({ length: 1001 }, () => ({})) }, INVALID),
    pub('blinkers is an object', { blinkers: { 0: blinker() } }, INVALID),
    pub('empty blinkers', { blinkers: [] }, INVALID),
    pub('NISS with a bad checksum', { blinkers: [blinker(CPAS.alpha1, { beneficiary: { niss: '85073003329' } })] }, E(202, null), 'GW_ERR_VALIDATION'),
    pub('NISS as a number', { blinkers: [blinker(CPAS.alpha1, { beneficiary: { niss: 85073003328 as unknown as string } })] }, E(202, null), 'GW_ERR_VALIDATION'),
    pub('negative amount', { blinkers: [blinker(CPAS.alpha1, { finding: { periodStart: '2026-01-05', amountCents: -1, description: 'x' } })] }, E(202, null), 'GW_ERR_VALIDATION'),
    pub('amount as a string', { blinkers: [blinker(CPAS.alpha1, { finding: { periodStart: '2026-01-05', amountCents: '100' as unknown as number, description: 'x' } })] }, E(202, null), 'GW_ERR_VALIDATION'),
    pub('description over 256 characters', { blinkers: [blinker(CPAS.alpha1, { finding: { periodStart: '2026-01-05', description: 'x'.repeat(257) } })] }, E(202, null), 'GW_ERR_VALIDATION'),
    // Path and query parameters
    get('KBO with a bad checksum', '/acceptance/v1/cpas/0212344877/blinkers', PARAM),
    get('limit is not a number', `${MAILBOX_URL}?limit=abc`, PARAM),
    get('limit over 500', `${MAILBOX_URL}?limit=501`, PARAM),
    get('garbage cursor', `${MAILBOX_URL}?after=%00%ff..%2F`, PARAM),
    get('NUL in a blinkerId', '/acceptance/v1/blinkers/CLI-2026-%00000001', PARAM),
    get('path traversal in a blinkerId', '/acceptance/v1/blinkers/..%2F..%2Fetc%2Fpasswd', PARAM),
    get('parameter longer than the router allows', `/acceptance/v1/blinkers/${'A'.repeat(300)}`, PARAM),
    get('bad percent-encoding in the path', '/acceptance/v1/blinkers/%E0%A4%A', PARAM),
    get('overlong UTF-8 in the path', '/acceptance/v1/blinkers/%C0%AF', PARAM),
    get('messageId not a UUID', '/acceptance/v1/feedback/not-a-uuid', PARAM),
    // /validate
    validate('unknown type', 'nope', 'application/json', '{}', PARAM),
    validate('billion laughs', 'feedback', 'application/xml', `<?xml version="1.0"?><!DOCTYPE f [${laughs}]><feedback>&lol9;</feedback>`, FORBIDDEN_XML),
    validate('invalid UTF-8 XML', 'feedback', 'application/xml', Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), MALFORMED_XML),
    validate('__proto__ JSON', 'feedback', 'application/json', '{"__proto__":{"x":1}}', MALFORMED_JSON),
    validate('deep XML', 'blinker', 'application/xml', `<blinker xmlns="${XML_NS}">${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}</blinker>`, MALFORMED_XML),
    validate('bad checksums', 'feedback', 'application/json', json(feedback({ cpasKbo: '0212344877' })), E(200, null), { invalid: true }),
  ]
}

/**
 * app.inject, retried a few times when under-pressure sheds the call (503 GW_ERR_OVERLOADED: the
 * event loop of a loaded test machine stalled), since load shedding is not what these tests judge.
 */
export async function injectPatiently(app: FastifyInstance, opts: InjectOptions): Promise<LightMyRequestResponse> {
  for (let attempt = 1; ; attempt++) {
    const res = await app.inject(opts)
    if (attempt >= 5 || res.statusCode !== 503 || answerCode(res) !== 'GW_ERR_OVERLOADED') return res
    await new Promise((r) => setTimeout(r, 300 * attempt))
  }
}

/** Sends one case to the app. */
export function send(app: FastifyInstance, c: HostileCase): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {}
  const as = c.as === undefined ? 'alpha' : c.as
  if (as) headers.authorization = `Bearer ${TOKENS.acceptance[as]}`
  if (c.contentType) headers['content-type'] = c.contentType
  if (c.soapAction) headers.soapaction = c.soapAction
  return injectPatiently(app, { method: c.method ?? 'POST', url: c.url, headers, ...(c.body === undefined || c.method === 'GET' ? {} : { payload: c.body }) })
}

/** The GW_ERR code of a problem+json or SOAP Fault answer, or null. */
export function answerCode(res: LightMyRequestResponse): string | null {
  if (res.headers['content-type']?.toString().startsWith('text/xml')) return /<(?:\w+:)?code>(GW_ERR_\w+)</.exec(res.body)?.[1] ?? null
  try {
    const body = res.json() as { code?: unknown }
    return typeof body.code === 'string' ? body.code : null
  } catch {
    return null
  }
}
