import t from 'tap'
import { keys } from '../../src/store/keys.js'
import { blinker, CPAS, publish } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const A = TOKENS.acceptance

t.test('publish: accepted, duplicates and per-item rejections', async (t) => {
  const gw = await startGateway(t)
  const first = blinker(CPAS.alpha1)
  const res = await publish(gw, [first, blinker(CPAS.beta)])
  t.equal(res.statusCode, 202)
  t.same(res.json(), { accepted: 2, duplicates: 0, rejected: [] })

  // Same content with another key order: still a duplicate (canonical digest).
  const { blinkerId, ...rest } = first
  const reordered = { ...rest, blinkerId, beneficiary: { firstName: 'Marie', lastName: 'Dupont', niss: '85073003328' } }
  const bad = { ...blinker(), beneficiary: { niss: '85073003329' } }
  const unknownCpas = blinker('0200000043')
  const conflict = { ...first, finding: { ...first.finding, description: 'another finding' } }
  const res2 = await publish(gw, [reordered, bad, unknownCpas, conflict, { nope: true }])
  t.equal(res2.statusCode, 202)
  const body = res2.json()
  t.equal(body.accepted, 0)
  t.equal(body.duplicates, 1)
  t.same(body.rejected.map((r: { index: number }) => r.index), [1, 2, 3, 4])
  t.match(body.rejected[0].errors, [{ path: '/blinkers/1/beneficiary/niss', code: 'GW_ERR_VALIDATION' }])
  t.match(body.rejected[1].errors, [{ path: '/blinkers/2/cpasKbo', code: 'GW_ERR_BUSINESS_RULE', message: /not known/ }])
  t.match(body.rejected[2].errors, [{ path: '/blinkers/3/blinkerId', code: 'GW_ERR_BLINKER_ID_REUSED' }])
  t.ok(body.rejected[3].errors.length >= 1, 'garbage item rejected')

  // The duplicate and the conflict stored nothing new: one mailbox entry, one history entry.
  t.equal(await gw.redis.xlen(keys.mailbox(`${gw.prefix}:acceptance:`, CPAS.alpha1)), 1)
  t.equal(await gw.redis.llen(keys.blinkerHistory(`${gw.prefix}:acceptance:`, first.blinkerId)), 1)
  const stored = JSON.parse((await gw.redis.hget(keys.blinker(`${gw.prefix}:acceptance:`, first.blinkerId), 'doc')) ?? '{}')
  t.equal(stored.finding.description, first.finding.description, 'the first content is kept')
  t.same(await gw.redis.hget(keys.statusCounts(`${gw.prefix}:acceptance:`), 'PUBLISHED'), '2', 'status counts kept for metrics')
})

t.test('publish: the same id twice in one batch is one blinker and one duplicate', async (t) => {
  const gw = await startGateway(t)
  const b = blinker()
  t.same((await publish(gw, [b, b])).json(), { accepted: 1, duplicates: 1, rejected: [] })
})

t.test('publish: wrapper, roles and credentials', async (t) => {
  const gw = await startGateway(t)
  const empty = await publish(gw, [])
  t.equal(empty.statusCode, 400)
  t.equal(empty.json().code, 'GW_ERR_VALIDATION')
  const tooMany = await publish(gw, Array.from({ length: 1001 }, () => ({})))
  t.equal(tooMany.statusCode, 400)
  t.equal(tooMany.json().code, 'GW_ERR_VALIDATION')
  const extra = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: auth(A.publisher), payload: { blinkers: [blinker()], more: 1 } })
  t.equal(extra.statusCode, 400)
  const asHouse = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: auth(A.alpha), payload: { blinkers: [blinker()] } })
  t.equal(asHouse.statusCode, 403)
  t.equal(asHouse.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const noToken = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', payload: { blinkers: [blinker()] } })
  t.equal(noToken.statusCode, 401)
  const prodToken = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: auth(TOKENS.production.publisher), payload: { blinkers: [blinker()] } })
  t.equal(prodToken.statusCode, 403)
  t.equal(prodToken.json().code, 'GW_ERR_WRONG_ENVIRONMENT')
  const notJson = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: { ...auth(A.publisher), 'content-type': 'application/json' }, payload: '{"blinkers": [' })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().code, 'GW_ERR_MALFORMED_JSON')
})

t.test('GET blinker: status and history; scoped by CPAS; 404 unknown; 400 bad id', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.alpha2)
  await publish(gw, [b])
  const own = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.alpha) })
  t.equal(own.statusCode, 200)
  t.match(own.json(), { ...b, status: 'PUBLISHED', history: [{ status: 'PUBLISHED', cause: 'published', by: 'publisher' }] })
  t.ok(Date.parse(own.json().publishedAt), 'publishedAt is an instant')
  const insp = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.inspection) })
  t.equal(insp.statusCode, 200)
  const other = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.beta) })
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  t.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8')
  const unknown = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/blinkers/CLI-2026-999999999', headers: auth(A.beta) })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GW_ERR_UNKNOWN_BLINKER')
  const badId = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/blinkers/CLI-26-1', headers: auth(A.alpha) })
  t.equal(badId.statusCode, 400)
  t.equal(badId.json().code, 'GW_ERR_BAD_PARAMETER')
  const publisherGet = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.publisher) })
  t.equal(publisherGet.statusCode, 403, 'the contract gives GET to software houses and the inspection')
  // Production never sees acceptance's blinkers.
  const prod = await gw.app.inject({ method: 'GET', url: `/production/v1/blinkers/${b.blinkerId}`, headers: auth(TOKENS.production.alpha) })
  t.equal(prod.statusCode, 404)
})

t.test('acknowledge: 204, idempotent, CPAS-scoped, refused once closed', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.alpha1)
  await publish(gw, [b])
  const url = `/acceptance/v1/blinkers/${b.blinkerId}/acknowledgements`
  const first = await gw.app.inject({ method: 'POST', url, headers: auth(A.alpha) })
  t.equal(first.statusCode, 204)
  const again = await gw.app.inject({ method: 'POST', url, headers: auth(A.alpha) })
  t.equal(again.statusCode, 204, 'acknowledging twice is harmless')
  const got = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.alpha) })).json()
  t.equal(got.status, 'ACKNOWLEDGED')
  t.same(got.history.map((h: { status: string }) => h.status), ['PUBLISHED', 'ACKNOWLEDGED'], 'one history entry per real transition')
  t.match(got.history[1], { cause: 'acknowledged', by: 'alpha' })
  const other = await gw.app.inject({ method: 'POST', url, headers: auth(A.beta) })
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  const unknown = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers/CLI-2026-999999998/acknowledgements', headers: auth(A.alpha) })
  t.equal(unknown.statusCode, 404)
  const byInspection = await gw.app.inject({ method: 'POST', url, headers: auth(A.inspection) })
  t.equal(byInspection.statusCode, 403)
  t.equal(byInspection.json().code, 'GW_ERR_FORBIDDEN_ROLE')

  await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_CORRECTED' } })
  const closed = await gw.app.inject({ method: 'POST', url, headers: auth(A.alpha) })
  t.equal(closed.statusCode, 409)
  t.equal(closed.json().code, 'GW_ERR_BLINKER_CLOSED')
})

t.test('resolve: closes from any open status with its reason; refused when closed', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.beta)
  await publish(gw, [b])
  const url = `/acceptance/v1/blinkers/${b.blinkerId}/resolve`
  const res = await gw.app.inject({ method: 'POST', url, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'CLOSED')
  t.match(res.json().history, [{ status: 'PUBLISHED' }, { status: 'CLOSED', cause: 'resolved:FORM_D_RECEIVED', by: 'publisher' }])
  const again = await gw.app.inject({ method: 'POST', url, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'GW_ERR_BLINKER_CLOSED')
  const badReason = await gw.app.inject({ method: 'POST', url, headers: auth(A.publisher), payload: { reason: 'BECAUSE' } })
  t.equal(badReason.statusCode, 400)
  t.equal(badReason.json().code, 'GW_ERR_VALIDATION')
  const unknown = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers/CLI-2026-999999997/resolve', headers: auth(A.publisher), payload: { reason: 'FORM_CORRECTED' } })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GW_ERR_UNKNOWN_BLINKER')
  const byHouse = await gw.app.inject({ method: 'POST', url, headers: auth(A.beta), payload: { reason: 'FORM_CORRECTED' } })
  t.equal(byHouse.statusCode, 403)
})

t.test('acceptance and production never see each other\'s blinkers', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.alpha1)
  t.equal((await publish(gw, [b], 'production')).json().accepted, 1)
  // The same id in acceptance is a new blinker there, not a duplicate of production's.
  t.same((await publish(gw, [{ ...b, finding: { ...b.finding, description: 'acceptance copy' } }])).json(), { accepted: 1, duplicates: 0, rejected: [] })
  const acc = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.alpha) })).json()
  const prod = (await gw.app.inject({ method: 'GET', url: `/production/v1/blinkers/${b.blinkerId}`, headers: auth(TOKENS.production.alpha) })).json()
  t.equal(acc.finding.description, 'acceptance copy')
  t.equal(prod.finding.description, b.finding.description)
})

t.test('publish with Redis down: 503 GW_ERR_STORE_UNAVAILABLE', async (t) => {
  const gw = await startGateway(t)
  gw.redis.disconnect()
  const res = await publish(gw, [blinker()])
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'GW_ERR_STORE_UNAVAILABLE')
})
