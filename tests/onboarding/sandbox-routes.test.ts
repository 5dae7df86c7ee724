/**
 * The acceptance sandbox through the real routes: generated blinkers (valid, every flow, reserved
 * ids, history by sandbox:<party>), own CPAS only, absent in production, reset that touches only
 * sandbox data, and decisions on sandbox feedback only.
 */
import t from 'tap'
import { isValidNiss } from '../../src/domain/identifiers.js'
import { FLOWS } from '../../src/domain/model.js'
import { validateMessage } from '../../src/validation/validate-message.js'
import { CPAS, publish, pull } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'

const create = (gw: TestGateway, body: object, token: string = A.alpha, env = 'acceptance') =>
  gw.app.inject({ method: 'POST', url: `/${env}/v1/sandbox/blinkers`, headers: auth(token), payload: body })
const reset = (gw: TestGateway, cpasKbo: string, token: string = A.alpha) =>
  gw.app.inject({ method: 'POST', url: '/acceptance/v1/sandbox/mailbox/reset', headers: auth(token), payload: { cpasKbo } })
const sandboxDecide = (gw: TestGateway, messageId: string, decision: string, token: string = A.alpha) =>
  gw.app.inject({ method: 'POST', url: '/acceptance/v1/sandbox/decisions', headers: auth(token), payload: { messageId, decision } })

t.test('creates valid blinkers of every flow for an own CPAS, through the publish service', async (t) => {
  const gw = await startGateway(t)
  const res = await create(gw, { cpasKbo: CPAS.alpha1 })
  t.equal(res.statusCode, 201)
  const { blinkers } = res.json() as { blinkers: { blinkerId: string; flow: string; beneficiary: { niss: string } }[] }
  t.equal(blinkers.length, FLOWS.length, 'default: one per flow')
  t.same(new Set(blinkers.map((b) => b.flow)), new Set(FLOWS), 'every flow')
  for (const b of blinkers) {
    t.same(validateMessage('blinker', b), [], `${b.blinkerId} matches blinker.schema.json`)
    t.match(b.blinkerId, /^CLI-\d{4}-9\d{8}$/, 'reserved sandbox range')
  }
  const months = blinkers.map((b) => Number(b.beneficiary.niss.slice(2, 4)))
  t.ok(months.some((m) => m > 20), 'a bis number among them')
  t.ok(blinkers.every((b) => isValidNiss(b.beneficiary.niss)))
  const page = await pull(gw, A.alpha, CPAS.alpha1)
  t.same(page.json().blinkers.map((b: { blinkerId: string }) => b.blinkerId), blinkers.map((b) => b.blinkerId), 'in the mailbox, in order')
  const one = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${blinkers[0]?.blinkerId}`, headers: auth(A.alpha) })
  t.match(one.json().history[0], { status: 'PUBLISHED', cause: 'published', by: 'sandbox:alpha' })

  const some = await create(gw, { cpasKbo: CPAS.alpha2, count: 3, flows: ['PENSION'] })
  t.same(some.json().blinkers.map((b: { flow: string }) => b.flow), ['PENSION', 'PENSION', 'PENSION'])
})

t.test('refusals: other CPAS 403, bad body 400, other roles 403, production 404', async (t) => {
  const gw = await startGateway(t)
  t.equal((await create(gw, { cpasKbo: CPAS.beta })).json().code, 'GW_ERR_FORBIDDEN_CPAS')
  t.equal((await create(gw, { cpasKbo: CPAS.alpha1, count: 101 })).json().code, 'GW_ERR_VALIDATION')
  t.equal((await create(gw, { cpasKbo: '0212344877' })).json().code, 'GW_ERR_VALIDATION', 'checksum')
  t.equal((await create(gw, { cpasKbo: CPAS.alpha1 }, A.publisher)).json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const prod = await create(gw, { cpasKbo: CPAS.alpha1 }, TOKENS.production.alpha, 'production')
  t.equal(prod.statusCode, 404, 'no sandbox in production')
  t.equal(prod.json().code, 'GW_ERR_NOT_FOUND')
  const profile = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/sandbox/profile', headers: auth(A.alpha) })
  t.same(profile.json(), { partyId: 'alpha', cpas: [CPAS.alpha2, CPAS.alpha1].sort(), requireConformancePass: false })
})

t.test('reset deletes only sandbox blinkers and answers the end cursor', async (t) => {
  const gw = await startGateway(t)
  const real = await published(t, gw, CPAS.alpha1)
  const made = (await create(gw, { cpasKbo: CPAS.alpha1, count: 3 })).json().blinkers as { blinkerId: string }[]
  const [inFlight] = made
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(inFlight as never, { code: 999, comment: 'test' }))).statusCode, 202, 'feedback not yet forwarded (no workers)')
  const before = (await pull(gw, A.alpha, CPAS.alpha1)).json().blinkers.length
  t.equal(before, 4)
  t.equal((await reset(gw, CPAS.beta)).json().code, 'GW_ERR_FORBIDDEN_CPAS')
  const res = await reset(gw, CPAS.alpha1)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { deleted: 2, kept: [inFlight?.blinkerId] })
  const after = (await pull(gw, A.alpha, CPAS.alpha1)).json().blinkers.map((b: { blinkerId: string }) => b.blinkerId)
  t.same(after.sort(), [real.blinkerId, inFlight?.blinkerId].sort(), "the publisher's blinker and the one with feedback in flight stay")
  const gone = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${made[1]?.blinkerId}`, headers: auth(A.alpha) })
  t.equal(gone.json().code, 'GW_ERR_UNKNOWN_BLINKER')
  // The cursor: only what is created afterwards.
  const fresh = (await create(gw, { cpasKbo: CPAS.alpha1, count: 1 })).json().blinkers[0]
  const page = await pull(gw, A.alpha, CPAS.alpha1, `?after=${res.json().next}`)
  t.same(page.json().blinkers.map((b: { blinkerId: string }) => b.blinkerId), [fresh.blinkerId])
  const counts = await gw.redis.hgetall(`${gw.prefix}:acceptance:stats:status`)
  t.equal(Number(counts.PUBLISHED ?? 0) + Number(counts.DELIVERED ?? 0) + Number(counts.FEEDBACK_RECEIVED ?? 0), 3, 'per-status counts follow the deletion')
  const empty = await reset(gw, CPAS.alpha2)
  t.match(empty.json(), { deleted: 0, kept: [], next: 'MC0w' }, "an empty mailbox's cursor is the start")
})

t.test('decisions: own sandbox feedback only, same effects as the inspection', async (t) => {
  const gw = await startGateway(t)
  const sb = (await create(gw, { cpasKbo: CPAS.alpha1, count: 1, flows: ['WORK_INCOME_DMFA'] })).json().blinkers[0]
  const f = feedbackFor(sb, { code: 131 })
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  t.equal((await sandboxDecide(gw, f.messageId, 'ACCEPTED', A.beta)).json().code, 'GW_ERR_FORBIDDEN_CPAS', 'not your CPAS')
  const ok = await sandboxDecide(gw, f.messageId, 'ACCEPTED')
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'ACCEPTED', blinkerStatus: 'CLOSED', decision: 'ACCEPTED' })
  t.match(ok.json().history.at(-1), { status: 'ACCEPTED', by: 'sandbox:alpha' })
  t.equal((await sandboxDecide(gw, f.messageId, 'REFUSED')).json().code, 'GW_ERR_ILLEGAL_TRANSITION', 'final, as for the inspection')

  const real = await published(t, gw, CPAS.alpha1)
  const g = feedbackFor(real, { code: 131 })
  await postFeedback(gw, A.alpha, g)
  const refused = await sandboxDecide(gw, g.messageId, 'ACCEPTED')
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'GW_ERR_NOT_SANDBOX', "the publisher's blinkers are the inspection's")
  t.equal((await sandboxDecide(gw, '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'ACCEPTED')).json().code, 'GW_ERR_UNKNOWN_MESSAGE')
  t.equal((await sandboxDecide(gw, f.messageId, 'MAYBE')).json().code, 'GW_ERR_VALIDATION')
  t.equal((await publish(gw, [])).statusCode, 400, 'sanity: publish wrapper still checked')
})
