/**
 * Route-wide fuzzing (issue 17, "Done when"): fast-check sends random methods, paths (every route
 * the gateway registers, with mutated segments, plus random paths), query strings, headers,
 * bodies and content types, with and without valid tokens, to a real gateway (real Redis), and
 * asserts for every answer:
 *   - never a 500, and a status the contract (README error table) knows;
 *   - an error (≥ 400) is in the contract's shape: problem+json with a registered GW_ERR code and
 *     the same status, a SOAP 1.1 Fault with one on /{env}/soap, or an HTML page for the pages;
 *   - no NISS sent in the request comes back in an error answer (body or headers);
 *   - no stack trace or file path in any answer, nor in any log line; no NISS in any log line.
 * The seed is printed; FC_SEED / FC_RUNS replay or widen a run.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { RouteOptions } from 'fastify'
import t from 'tap'
import { isValidNiss } from '../../src/domain/identifiers.js'
import { ERRORS } from '../../src/errors.js'
import { encodeCursor } from '../../src/services/mailbox-service.js'
import { blinker, CPAS, publish } from '../helpers/blinkers.js'
import { feedbackFor } from '../helpers/feedback.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'
import { envelope } from '../helpers/soap.js'
import { captureLogger } from '../observability/log-capture.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647)
const RUNS = Number(process.env.FC_RUNS ?? 150)
t.comment(`fast-check seed ${SEED}, ${RUNS} runs per property (FC_SEED / FC_RUNS to change)`)

/** Statuses the contract and README name (success, redirect of the login form, every error row). */
const CONTRACT_STATUSES = new Set([200, 201, 202, 204, 303, ...Object.values(ERRORS).map((e) => e.status).filter((s) => s !== 500)])
const CODES = new Set(Object.keys(ERRORS))

/** Valid NISS that no fixture stores: any of them in an answer or a log line came from the request. */
const NISS = ['93051822361', '71121503512', '02022800113', '60010112327', '88123145672'].filter(isValidNiss)
/** Values that stress parsers and Redis: range edges, numbers in every spelling, paths, markup, identifiers. */
const MAX64 = '18446744073709551615'
/** Ids the fixtures store, so that mutated paths also reach existing records. */
const SEEDED = { blinkerId: 'CLI-2026-000000001', other: 'CLI-2026-000000002', messageId: randomUUID() }
const HOSTILE = [
  '0', '-1', '1', '500', '501', '1000', '1001', MAX64, '18446744073709551616', `${MAX64}-${MAX64}`, '99999999999999999999-0', '0-0', '00', '1e309', '1e3', 'NaN', 'Infinity', '-inf', '+inf', '0x10', '١٢',
  '', ' ', '..', '../..', '%2e%2e', '%00', '%', '%zz', 'ﬀ', '🙂', '\u202E', "'", '"', '<x>', '&amp;', '{{7*7}}', '${x}', 'a'.repeat(250), '9'.repeat(64), '*', '?', '#',
  SEEDED.blinkerId, SEEDED.other, SEEDED.messageId, 'CLI-9999-999999999', 'CLI-2026-00000000', CPAS.alpha1, CPAS.beta, '0212344877', '1234567890', randomUUID(), randomUUID().toUpperCase(), 'forward', 'delivery-alpha', 'alpha',
  '2016', '2026', '1900', '2026-13', '1900-01', '1969-12', '2026-02', '2026-02-30', '2026-02-12T09:00:00+01:00', '9999-12-31T23:59:59Z', 'current', '2016-2017', 'fr', 'xx', 'DIS', 'LAW_1965', 'csv', 'xlsx',
  encodeCursor(`${MAX64}-${MAX64}`), encodeCursor('99999999999999999999-0'), encodeCursor('0-0'), ...NISS,
]
const QUERY_KEYS = ['after', 'limit', 'period', 'regime', 'month', 'format', 'queue', 'party', 'since', 'until', 'type', 'cycle', 'status', 'lang', 'wsdl', 'kind', 'cpasKbo', 'flow', 'code', 'x']
const METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH']
const TOKEN_VALUES = [...Object.values(TOKENS.acceptance), ...Object.values(TOKENS.production)]
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/xml; charset=utf-8', 'application/xml', 'application/soap+xml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=z', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'text/html', 'application/problem+json', ';', 'application/json; charset=latin1']
const SOAP_OPERATIONS = ['GetBlinkers', 'AcknowledgeBlinker', 'SubmitFeedback', 'GetFeedbackStatus', 'Nope']

const hostile = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ maxLength: 24 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) })
const segment = fc.tuple(hostile, fc.boolean()).map(([v, raw]) => (raw && /^[\w.~%-]*$/.test(v) ? v : encodeURIComponent(v)))

/** A body and the content type it would naturally carry (often replaced by another). */
interface Body {
  payload: string | Buffer | undefined
  type: string | undefined
}

const valueOrHostile = (v: unknown) => fc.oneof({ weight: 1, arbitrary: fc.constant(v) }, { weight: 2, arbitrary: fc.oneof(hostile, fc.constantFrom(-1, 0, 1e308, 2 ** 64, 1.5, true, null, [], {})) })
/** Model-shaped objects (every route's body) with some fields replaced by hostile values. */
function modelBody(): fc.Arbitrary<unknown> {
  const b = blinker(CPAS.alpha1)
  const f = feedbackFor(b)
  const shapes: Record<string, unknown>[] = [
    { blinkers: [b] },
    { ...f },
    { feedback: [f] },
    { messageId: f.messageId, decision: 'REFUSED', reason: 'x' },
    { reason: 'FORM_D_RECEIVED' },
    { url: 'https://example.invalid/hook', secret: 'a-long-shared-secret-0123456789' },
    { period: '2016', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 10 }] },
    { queue: 'forward', since: '2026-02-01T00:00:00Z', jobIds: ['x'], limit: 5, dryRun: true },
    { cpasKbo: CPAS.alpha1, count: 2, flows: ['PENSION'] },
    { reason: 'x', period: '2016' },
  ]
  return fc.constantFrom(...shapes).chain((shape) =>
    fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valueOrHostile(v)]))).map((o) => {
      // Sometimes a NISS where a person's data goes, so that an answer echoing input would show it.
      if ('blinkers' in o && Array.isArray(o.blinkers) && o.blinkers[0] && typeof o.blinkers[0] === 'object') o.blinkers = [{ ...(o.blinkers[0] as object), beneficiary: { niss: NISS[0] } }]
      return o
    }),
  )
}
const soapBody = fc.tuple(fc.constantFrom(...SOAP_OPERATIONS), fc.array(fc.tuple(fc.constantFrom('cpasKbo', 'after', 'limit', 'blinkerId', 'messageId', 'code', 'comment', 'niss'), hostile), { maxLength: 4 })).map(([op, fields]) =>
  envelope(`<gw:${op}Request>${fields.map(([k, v]) => `<gw:${k}>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</gw:${k}>`).join('')}</gw:${op}Request>`),
)
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ payload: undefined, type: undefined }),
  modelBody().map<Body>((o) => ({ payload: JSON.stringify(o), type: 'application/json' })),
  fc.jsonValue({ maxDepth: 3 }).map<Body>((v) => ({ payload: JSON.stringify(v), type: 'application/json' })),
  soapBody.map<Body>((x) => ({ payload: x, type: 'text/xml; charset=utf-8' })),
  soapBody.map<Body>((x) => ({ payload: JSON.stringify(x), type: 'application/json' })),
  fc.uint8Array({ maxLength: 64 }).map<Body>((bytes) => ({ payload: Buffer.from(bytes), type: 'application/json' })),
  hostile.map<Body>((v) => ({ payload: `token=${encodeURIComponent(v)}`, type: 'application/x-www-form-urlencoded' })),
)

interface Request {
  method: string
  url: string
  headers: Record<string, string>
  payload: string | Buffer | undefined
}

/** A stack frame (`at fn (file:1:2)`, `at /file:1:2`), a source position, or a file path of this machine. */
const STACK = /\bat [^\s()]+ \([^)]*:\d+:\d+\)|\bat (file:\/)?\/[^\s]+:\d+:\d+|\.(ts|js|mjs|cjs):\d+|\/work\/|node_modules\/|file:\/\//

/** Checks one answer; returns what is wrong, or undefined. */
function judge(req: Request, res: { statusCode: number; headers: Record<string, unknown>; body: string }): string | undefined {
  const status = res.statusCode
  if (status >= 500 && status !== 503) return `status ${status}`
  // Swagger UI's static files (GET /docs/…) redirect and revalidate as any static server does.
  const docsRedirect = /^\/docs\b/.test(req.url) && [301, 302, 304].includes(status)
  if (!CONTRACT_STATUSES.has(status) && !docsRedirect) return `status ${status} is not one of the contract's`
  const type = String(res.headers['content-type'] ?? '')
  if (STACK.test(res.body)) return 'a stack trace or file path in the answer'
  if (status >= 400 && req.method !== 'HEAD') {
    const sent = NISS.filter((n) => JSON.stringify(req).includes(n))
    const echoed = sent.find((n) => res.body.includes(n) || JSON.stringify(res.headers).includes(n))
    if (echoed) return `the NISS ${echoed} sent in the request is echoed in the error answer`
    const path = req.url.split('?')[0] ?? ''
    if (type.startsWith('text/xml')) {
      if (!/^\/(acceptance|production)\/soap$/.test(path)) return 'a SOAP Fault outside /{env}/soap'
      const code = /<(?:\w+:)?code>(GW_ERR_\w+)</.exec(res.body)?.[1]
      if (!code || !CODES.has(code) || !/<faultcode>soap:(Client|Server|MustUnderstand)<\/faultcode>/.test(res.body)) return 'a Fault without a registered GW_ERR code'
      return undefined
    }
    if (type.startsWith('text/html')) {
      if (/^\/(acceptance|production)\/(v1|soap)\b|^\/(schemas|validate|health|metrics)\b/.test(path)) return 'an HTML error on an API path'
      return undefined
    }
    if (!type.startsWith('application/problem+json')) return `an error answered as ${type || 'no content type'}`
    let problem: { code?: string; status?: number; type?: string; title?: string }
    try {
      problem = JSON.parse(res.body) as typeof problem
    } catch {
      return 'problem+json that is not JSON'
    }
    if (!problem.code || !CODES.has(problem.code)) return `unregistered code ${problem.code}`
    if (problem.status !== status) return `problem status ${problem.status} ≠ HTTP ${status}`
  }
  return undefined
}

/** Fixtures: some real data for the routes to find (blinkers, feedback), so paths hit more code. */
async function seed(gw: Awaited<ReturnType<typeof startGateway>>): Promise<void> {
  const items = [blinker(CPAS.alpha1, { blinkerId: SEEDED.blinkerId }), blinker(CPAS.beta, { blinkerId: SEEDED.other }), blinker(CPAS.alpha2)]
  await publish(gw, items)
  const f = feedbackFor(items[0] as ReturnType<typeof blinker>, { messageId: SEEDED.messageId })
  await gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}` }, payload: f })
}

t.test('every route, random requests: contract statuses and shapes, no NISS echoed, no stack, clean logs', async (t) => {
  const { log, raw } = captureLogger('info')
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' }, { logger: log })
  await seed(gw)
  const templates = [...new Set(gw.app.routeTable.map((r: RouteOptions) => r.url))]
  t.ok(templates.length >= 30, `${templates.length} route paths`)

  const path = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...templates), fc.array(segment, { minLength: 6, maxLength: 6 }), fc.nat({ max: 3 })).map(([tpl, values, mutate]) => {
      let i = 0
      // Path parameters get hostile values; sometimes one literal segment is mutated too.
      let url = tpl.replace(/:[A-Za-z0-9_]+|\*/g, () => values[i++ % values.length] as string)
      if (mutate === 0) {
        const parts = url.split('/')
        parts[1 + (values[0]?.length ?? 0) % Math.max(1, parts.length - 1)] = values[1] as string
        url = parts.join('/')
      }
      return url
    }) },
    { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('acceptance', 'production', 'staging', 'ACCEPTANCE'), fc.array(segment, { maxLength: 4 })).map(([env, parts]) => `/${env}/v1/${parts.join('/')}`) },
  )
  const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), hostile, fc.boolean()), { maxLength: 3 }).map((pairs) =>
    pairs.length === 0 ? '' : `?${pairs.map(([k, v, raw]) => `${k}=${raw && /^[\w.~%-]*$/.test(v) ? v : encodeURIComponent(v)}`).join('&')}`,
  )
  const headers = fc.record(
    {
      authorization: fc.oneof(fc.constantFrom(...TOKEN_VALUES).map((x) => `Bearer ${x}`), fc.constantFrom('Bearer', 'Bearer  ', 'Basic YTpi', `Bearer ${NISS[1]}`, 'bearer demo-acc-alpha'), hostile.map((v) => `Bearer ${v}`)),
      accept: fc.constantFrom('text/html', 'application/json', '*/*', 'text/html,application/xhtml+xml;q=0.9', 'application/problem+json'),
      soapaction: fc.constantFrom(...SOAP_OPERATIONS).map((op) => `"urn:blinker-gateway:v1#${op}"`),
      'x-request-id': fc.oneof(fc.constant(NISS[2] as string), fc.uuid(), hostile),
      'accept-language': fc.constantFrom('fr-BE', 'nl', 'en;q=0.5', '*', 'xx-YY'),
      cookie: fc.constantFrom('bgw_session=x', `bgw_dashboard=${TOKENS.acceptance.inspection}`, 'a=b; c'),
    },
    { requiredKeys: [] },
  )

  let sent = 0
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...METHODS), path, query, headers, body, fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 3 }), async (method, p, q, h, b, otherType) => {
      const hdrs: Record<string, string> = {}
      // Header values must be sendable bytes; a value that is not is HTTP's business, not the gateway's.
      for (const [k, v] of Object.entries(h)) if (typeof v === 'string' && /^[\t\x20-\x7e]*$/.test(v)) hdrs[k] = v
      const type = otherType ?? b.type
      if (type && b.payload !== undefined) hdrs['content-type'] = type
      const req: Request = { method, url: `${p}${q}`, headers: hdrs, payload: method === 'GET' || method === 'HEAD' ? undefined : b.payload }
      const res = await gw.app.inject({ method: method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) })
      sent++
      const wrong = judge(req, res)
      if (wrong) throw new Error(`${wrong}: ${method} ${req.url} → ${res.statusCode} ${res.body.slice(0, 300)}`)
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  )
  t.ok(sent >= RUNS * 2, `${sent} requests`)

  const niss = raw.filter((line) => NISS.some((n) => line.includes(n)))
  t.same(niss.map((l) => l.slice(0, 400)), [], 'no NISS of a request in any log line')
  const stacks = raw.filter((line) => /"stack"/.test(line) || STACK.test(line))
  t.same(stacks, [], 'no stack trace in any log line')
  const errors = raw.filter((line) => /"level":(50|60)/.test(line))
  t.same(errors, [], 'nothing logged at error level: every refusal was the caller\'s')
})

t.test('the SOAP endpoint under random envelopes and headers: Faults with registered codes, never 500', async (t) => {
  const { log, raw } = captureLogger('info')
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' }, { logger: log })
  await seed(gw)
  await fc.assert(
    fc.asyncProperty(soapBody, fc.constantFrom(...TOKEN_VALUES), fc.constantFrom(...SOAP_OPERATIONS), fc.constantFrom('text/xml; charset=utf-8', 'application/soap+xml', 'application/json'), async (xml, token, op, type) => {
      const req: Request = { method: 'POST', url: '/acceptance/soap', headers: { authorization: `Bearer ${token}`, 'content-type': type, soapaction: `"urn:blinker-gateway:v1#${op}"` }, payload: type === 'application/json' ? JSON.stringify(xml) : xml }
      const res = await gw.app.inject({ method: 'POST', url: req.url, headers: req.headers, payload: req.payload as string })
      const wrong = judge(req, res)
      if (wrong) throw new Error(`${wrong}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      // Credentials are judged first (401/403); past them, an envelope inside JSON is never run.
      if (type === 'application/json' && ![401, 403, 415].includes(res.statusCode)) throw new Error(`an envelope inside JSON was answered ${res.statusCode}`)
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.same(raw.filter((line) => /"level":(50|60)/.test(line) || NISS.some((n) => line.includes(n))), [], 'no error-level line, no NISS in the log')
})
