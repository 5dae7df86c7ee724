/**
 * Client-chosen values that become part of a Redis command (issue 17, class 1): cursors on the
 * REST mailbox, SOAP GetBlinkers and the inspection inbox, and the month of the transition list.
 * Every value Redis would refuse is the contract's 400 GW_ERR_BAD_PARAMETER (REST) or a Fault with
 * it (SOAP) — never 500 — and a valid edge still pages as before.
 */
import fc from 'fast-check'
import t from 'tap'
import { encodeCursor } from '../../src/services/mailbox-service.js'
import { STREAM_PART_MAX } from '../../src/store/stream-id.js'
import { blinker, CPAS, publish, pull } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { soapCall } from '../helpers/feedback.js'
import { answerCode } from '../security/hostile-cases.js'

const A = TOKENS.acceptance
const MAX = STREAM_PART_MAX.toString()
const OVER = (STREAM_PART_MAX + 1n).toString()
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647)
const RUNS = Number(process.env.FC_RUNS ?? 60)
t.comment(`fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)

/** Stream ids Redis refuses as an exclusive start, and non-canonical ones the gateway never gives out. */
const REFUSED_IDS = [`${MAX}-${MAX}`, `${OVER}-0`, `0-${OVER}`, `${'9'.repeat(20)}-0`, `0-${'9'.repeat(20)}`, `${'1'.repeat(21)}-0`, '01-0', '0-00', '-1-0', '1-']
/** Valid edges: still an empty or full page. */
const EDGE_IDS = ['0-0', `${MAX}-${(STREAM_PART_MAX - 1n).toString()}`, `${(STREAM_PART_MAX - 1n).toString()}-${MAX}`, `0-${MAX}`]

t.test('REST mailbox: cursors decoding to ids Redis refuses are 400, edges page', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.alpha1)
  await publish(gw, [b])
  for (const id of REFUSED_IDS) {
    const res = await pull(gw, A.alpha, CPAS.alpha1, `?after=${encodeCursor(id)}`)
    t.equal(res.statusCode, 400, `after=${id}`)
    t.match(res.json(), { code: 'GW_ERR_BAD_PARAMETER', errors: [{ path: 'querystring:/after' }] })
    t.notMatch(res.body, id, 'the answer does not repeat the cursor')
  }
  for (const after of ['', '=', 'MA', 'A'.repeat(57)]) {
    const res = await pull(gw, A.alpha, CPAS.alpha1, `?after=${encodeURIComponent(after)}`)
    t.ok(res.statusCode === 400 || (after === '' && res.statusCode === 200), `after=${after}: ${res.statusCode}`)
  }
  const fromZero = await pull(gw, A.alpha, CPAS.alpha1, `?after=${encodeCursor('0-0')}`)
  t.same(fromZero.json().blinkers.map((x: { blinkerId: string }) => x.blinkerId), [b.blinkerId], 'after 0-0 is the whole mailbox')
  const afterZeroMax = await pull(gw, A.alpha, CPAS.alpha1, `?after=${encodeCursor(`0-${MAX}`)}`)
  t.equal(afterZeroMax.json().blinkers.length, 1, 'after 0-(2^64 − 1) comes 1-0: the whole mailbox')
  for (const id of EDGE_IDS.slice(1, 3)) {
    const res = await pull(gw, A.alpha, CPAS.alpha1, `?after=${encodeCursor(id)}`)
    t.equal(res.statusCode, 200, `after=${id}`)
    t.same(res.json(), { blinkers: [], next: encodeCursor(id) }, 'nothing after the far end; the cursor comes back')
  }
})

t.test('SOAP GetBlinkers: the same cursors are a soap:Client Fault with GW_ERR_BAD_PARAMETER', async (t) => {
  const gw = await startGateway(t)
  await publish(gw, [blinker(CPAS.alpha1)])
  for (const id of REFUSED_IDS) {
    const res = await soapCall(gw, A.alpha, 'GetBlinkers', { cpasKbo: CPAS.alpha1, after: encodeCursor(id) })
    t.equal(res.statusCode, 400, `after=${id}`)
    t.equal(answerCode(res), 'GW_ERR_BAD_PARAMETER')
    t.match(res.body, /<faultcode>soap:Client<\/faultcode>/)
  }
  const edge = await soapCall(gw, A.alpha, 'GetBlinkers', { cpasKbo: CPAS.alpha1, after: encodeCursor(`0-${MAX}`) })
  t.equal(edge.statusCode, 200)
})

t.test('inspection inbox: raw stream-id cursors out of range are 400, edges page', async (t) => {
  const gw = await startGateway(t)
  const inbox = (q: string) => gw.app.inject({ method: 'GET', url: `/acceptance/v1/inspection/inbox${q}`, headers: auth(A.inspection) })
  for (const id of REFUSED_IDS) {
    const res = await inbox(`?after=${encodeURIComponent(id)}`)
    t.equal(res.statusCode, 400, `after=${id}`)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER')
  }
  for (const id of EDGE_IDS) {
    const res = await inbox(`?after=${id}`)
    t.equal(res.statusCode, 200, `after=${id}`)
    t.same(res.json(), { items: [], next: id })
  }
})

t.test('transition list: months before 1970 (negative stream times) are an empty list, not a 500', async (t) => {
  const gw = await startGateway(t)
  for (const month of ['1900-01', '1969-12', '1970-01']) {
    const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/transition-list?month=${month}&format=csv`, headers: auth(A.inspection) })
    t.equal(res.statusCode, 200, month)
    t.equal(res.body.trim().split(/\r\n/).length, 1, 'the header row only')
  }
})

t.test('property: any cursor text on the three cursor routes answers 200 or 400, never 500', async (t) => {
  const gw = await startGateway(t)
  await publish(gw, [blinker(CPAS.alpha1)])
  const part = fc.oneof(fc.constantFrom('0', MAX, OVER, '18446744073709551614', '9'.repeat(25), '00'), fc.bigInt({ min: 0n, max: STREAM_PART_MAX * 2n }).map(String))
  const id = fc.oneof(fc.tuple(part, part).map(([a, b]) => `${a}-${b}`), fc.string({ maxLength: 30 }))
  await fc.assert(
    fc.asyncProperty(id, fc.boolean(), async (raw, encoded) => {
      const cursor = encodeURIComponent(encoded ? encodeCursor(raw) : raw)
      const rest = await pull(gw, A.alpha, CPAS.alpha1, `?after=${cursor}`)
      const inbox = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/inspection/inbox?after=${cursor}`, headers: auth(A.inspection) })
      const soap = await soapCall(gw, A.alpha, 'GetBlinkers', { cpasKbo: CPAS.alpha1, after: encoded ? encodeCursor(raw) : raw })
      for (const res of [rest, inbox, soap]) {
        if (res.statusCode !== 200 && !(res.statusCode === 400 && ['GW_ERR_BAD_PARAMETER', 'GW_ERR_VALIDATION'].includes(answerCode(res) ?? ''))) {
          throw new Error(`${res.statusCode} ${answerCode(res)} for after=${JSON.stringify(raw)} (encoded ${encoded})`)
        }
      }
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.pass(`${RUNS} cursors × 3 routes, never a 500`)
})
