/**
 * Personal data in client-chosen values: a NISS (plain, typed with dots and dashes or spaces,
 * percent-encoded, inside other text) sent in any header, path segment, query value, SOAP field,
 * SOAPAction or body id field never comes back in the answer, never reaches the log and never
 * the hash-chained audit trail (which can never be cleaned). fast-check generates the values;
 * `FC_SEED` / `FC_RUNS` replay or widen a run.
 */
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { auditWriter } from '../../src/security/audit-trail.js'
import { isSafeRequestId, scrubClientText, NISS_MASK } from '../../src/security/niss-scrub.js'
import { keys } from '../../src/store/keys.js'
import { XLSX_TYPE } from '../../src/transition/list-export.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, TOKENS } from '../helpers/gateway.js'
import { startLoggedGateway } from '../helpers/logged-gateway.js'
import { envelope } from '../helpers/soap.js'

const A = TOKENS.acceptance
const RUNS = Number(process.env.FC_RUNS ?? 15)
const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED)
t.comment(`fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`)

/** A NISS-shaped number: 11 digits, starting with 1–9 so it never merges with a neighbour's digits. */
const digits = fc.stringMatching(/^[1-9][0-9]{10}$/)
const dotted = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`
const spaced = (n: string) => `${n.slice(0, 6)} ${n.slice(6, 9)} ${n.slice(9)}`
const percent = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')
const wrap = fc.stringMatching(/^[A-Za-z_-]{0,4}$/)

/** A value carrying a NISS, written as a person or a program would; `url` forms may be percent-encoded. */
const nissValue = (url: boolean) =>
  fc.record({ niss: digits, form: fc.constantFrom('plain', 'dotted', 'spaced', ...(url ? ['percent'] : [])), before: wrap, after: wrap }).map(({ niss, form, before, after }) => {
    const text = form === 'dotted' ? dotted(niss) : form === 'spaced' ? spaced(niss) : form === 'percent' ? percent(niss) : niss
    return { niss, text: `${before}${text}${after}` }
  })

/** Percent-decoded where the escapes are valid. */
const decoded = (text: string) => text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
  try {
    return decodeURIComponent(run)
  } catch {
    return run
  }
})

/** True when the text shows the NISS in any of the ways it could have been sent. */
const shows = (text: string, niss: string): boolean => {
  const plain = decoded(text)
  return plain.includes(niss) || plain.includes(dotted(niss)) || plain.includes(spaced(niss))
}

const answerText = (res: LightMyRequestResponse) => `${JSON.stringify(res.headers)}\n${res.body}`

const GET_BLINKERS = (kbo: string, after = 'c-1') => envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${kbo}</gw:cpasKbo><gw:after>${after}</gw:after></gw:GetBlinkersRequest>`)
const soap = (body: string, extra: Record<string, string> = {}): InjectOptions => ({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml; charset=utf-8', ...extra }, payload: body })

/** Every place a client can put a value, as a request carrying `v`. */
const SURFACES: [name: string, url: boolean, build: (v: string) => InjectOptions][] = [
  ['X-Request-Id', false, (v) => ({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: { ...auth(A.alpha), 'x-request-id': v } })],
  ['User-Agent', false, (v) => ({ method: 'GET', url: '/health/live', headers: { 'user-agent': v } })],
  ['any other header', false, (v) => ({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: { ...auth(A.alpha), 'x-dossier': v, referer: `https://x.example/${v}` } })],
  ['a token', false, (v) => ({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(v) })],
  ['blinkerId path segment', true, (v) => ({ method: 'GET', url: `/acceptance/v1/blinkers/${v}`, headers: auth(A.alpha) })],
  ['kbo path segment', true, (v) => ({ method: 'GET', url: `/acceptance/v1/cpas/${v}/blinkers`, headers: auth(A.alpha) })],
  ['a published file name', true, (v) => ({ method: 'GET', url: `/schemas/${v}` })],
  ['an unknown path', true, (v) => ({ method: 'GET', url: `/acceptance/v1/${v}/x` })],
  ['a path with another method (405)', true, (v) => ({ method: 'DELETE', url: `/acceptance/v1/blinkers/${v}`, headers: auth(A.alpha) })],
  ['a dead letter queue and job', true, (v) => ({ method: 'GET', url: `/acceptance/v1/operator/dead-letters/${v}/${v}`, headers: auth(A.operator) })],
  ['query values', true, (v) => ({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?after=${v}&limit=${v}&${v}=${v}`, headers: auth(A.alpha) })],
  ['the validate type', true, (v) => ({ method: 'POST', url: `/validate?type=${v}`, headers: { 'content-type': 'application/json' }, payload: '{}' })],
  ['SOAPAction', false, (v) => soap(GET_BLINKERS(CPAS.alpha1), { soapaction: `"${v}"` })],
  ['a SOAP field', false, (v) => soap(GET_BLINKERS(v, v))],
  ['a SOAP operation element', false, (v) => soap(envelope(`<gw:${v.replace(/[^A-Za-z0-9_-]/g, '') || 'x'}Request/>`))],
  ['feedback id fields (audited)', false, (v) => ({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'x-request-id': v }, payload: { messageId: v, blinkerId: v, cpasKbo: v, code: v, sentAt: v } })],
  ['a feedback batch item (audited)', false, (v) => ({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'x-request-id': v }, payload: { feedback: [{ messageId: v, blinkerId: v, cpasKbo: CPAS.alpha1, code: 131, sentAt: '2026-02-12T09:00:00+01:00' }] } })],
  ['a validate body', false, (v) => ({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/json' }, payload: { messageId: v, blinkerId: v, cpasKbo: v, code: 131, sentAt: v } })],
  ['a validate XML body', false, (v) => ({ method: 'POST', url: '/validate?type=feedback', headers: { 'content-type': 'application/xml' }, payload: `<feedback xmlns="urn:blinker-gateway:v1"><messageId>${v}</messageId><blinkerId>${v}</blinkerId></feedback>` })],
]

t.test('a NISS in any client-chosen value never reaches the answer, the log or the audit trail', async (t) => {
  const gw = await startLoggedGateway(t, {}, 'trace')
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const stream = keys.audit(ctx.keys)
  const sentNiss = new Set<string>()
  for (const [name, url, build] of SURFACES) {
    let sent = 0
    await fc.assert(
      fc.asyncProperty(nissValue(url), async ({ niss, text }) => {
        const from = gw.raw.length
        const res = await gw.app.inject(build(text))
        sent++
        sentNiss.add(niss)
        if (res.statusCode >= 500) throw new Error(`${name}: ${res.statusCode} ${res.body}`)
        if (shows(answerText(res), niss)) throw new Error(`${name}: the answer shows the NISS ${text}: ${res.statusCode} ${res.body.slice(0, 300)}`)
        const logged = gw.raw.slice(from).join('\n')
        if (shows(logged, niss)) throw new Error(`${name}: the log shows the NISS ${text}: ${logged.slice(0, 600)}`)
      }),
      { numRuns: RUNS, seed: SEED },
    )
    t.ok(sent >= RUNS, `${name}: ${sent} NISS-bearing values, none answered, logged or audited`)
  }
  await auditWriter(ctx)?.drain()
  const trail = JSON.stringify(await gw.redis.xrange(stream, '-', '+'))
  t.ok((await gw.redis.xlen(stream)) >= RUNS, 'the audited calls are in the trail')
  t.same([...sentNiss].filter((niss) => shows(trail, niss)), [], `none of the ${sentNiss.size} NISS sent is in the audit trail`)
  t.notMatch(trail, /[0-9]{2}\.[0-9]{2}\.[0-9]{2}-[0-9]{3}\.[0-9]{2}/, 'nor any typed one')
  t.ok(gw.raw.some((l) => l.includes('"msg":"request"')), 'the request lines were captured')
})

t.test('the request id: kept when it cannot carry a NISS, replaced otherwise', async (t) => {
  for (const id of ['3f8e7c0a-1b2c-4d5e-8f90-a1b2c3d4e5f6', 'abc-123.x_y', 'A'.repeat(32), 'order-2026-0042', '1234567890']) t.ok(isSafeRequestId(id), `${id} kept`)
  for (const id of ['85073003328', 'id-85073003328', '85.07.30-033.28', '850730.033.28', '1234567890-1', '3f8e7c0a-1b2c-4d5e-8f90-850730033281', 'A'.repeat(33), 'a b', 'ü', '', 'x/y']) {
    t.notOk(isSafeRequestId(id), `${JSON.stringify(id)} replaced`)
  }
  const gw = await startLoggedGateway(t)
  await gw.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'trace-0042' } })
  await gw.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': '85073003328' } })
  const ids = gw.lines.filter((l) => l.msg === 'request').map((l) => l.reqId)
  t.equal(ids[0], 'trace-0042', 'a short opaque id is the log line\'s reqId')
  t.match(ids[1], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a NISS is replaced by a generated UUID')
})

t.test('client text made safe to log: decoded, masked, stripped of control characters, cut', async (t) => {
  t.equal(scrubClientText('/a/%38%35%30%37%33%30%30%33%33%32%38/b'), `/a/${NISS_MASK}/b`)
  t.equal(scrubClientText('/a/%E0%A4%A/85073003328'), `/a/%E0%A4%A/${NISS_MASK}`, 'a broken escape stays as sent')
  t.equal(scrubClientText('line\r\nbreak\u0000'), 'linebreak')
  t.equal(scrubClientText('x'.repeat(500)).length, 201, 'cut at 200 characters and an ellipsis')
  t.equal(scrubClientText('/acceptance/v1/cpas/0212344876/blinkers'), '/acceptance/v1/cpas/0212344876/blinkers', 'a KBO is no NISS')
})

t.test('a recap list with a NISS typed in the blinkerId column: the row report does not echo it', async (t) => {
  const gw = await startLoggedGateway(t)
  const wb = new ExcelJS.Workbook()
  const sheet = wb.addWorksheet('Blinkers')
  sheet.addRow(['blinkerId', 'cpasKbo', 'code', 'comment'])
  sheet.addRow(['85073003328', CPAS.alpha1, '131', 'x'])
  sheet.addRow(['85.07.30-033.28', CPAS.alpha1, '', ''])
  const body = Buffer.from(await wb.xlsx.writeBuffer())
  const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/transition/recap', headers: { ...auth(A.inspection), 'content-type': XLSX_TYPE }, payload: body })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { rejected: 1, skipped: 1, rows: [{ row: 2, blinkerId: NISS_MASK, result: 'rejected' }, { row: 3, blinkerId: NISS_MASK, result: 'skipped' }] })
  t.notOk(shows(res.body, '85073003328'), 'the answer shows no NISS')
  t.notOk(shows(gw.raw.join('\n'), '85073003328'), 'the log neither')
})
