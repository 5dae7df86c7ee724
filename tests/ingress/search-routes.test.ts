/**
 * GET /{env}/v1/feedback (message log, work queue) and GET /{env}/v1/blinkers (search) through the
 * real routes on the real Redis: every filter alone and combined, role scoping, paging while the
 * list changes, and bad parameters (400, never 500, fast-check over random query strings).
 */
import t from 'tap'
import type { Test } from 'tap'
import fc from 'fast-check'
import { randomUUID } from 'node:crypto'
import type { Blinker } from '../../src/domain/model.js'
import { recordDeadLettered, recordForwarded } from '../../src/store/feedback-progress-store.js'
import { blinker, CPAS, publish } from '../helpers/blinkers.js'
import { A, decideOn, feedbackFor, postFeedback } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

interface Item {
  messageId: string
  blinkerId: string
  cpasKbo: string
  flow: string
  code: number
  kind: string
  status: string
  receivedAt: string
  softwareHouse: string
}
interface Page<T> {
  items: T[]
  next?: string
}

const get = (gw: TestGateway, path: string, token: string = A.inspection) => gw.app.inject({ method: 'GET', url: `/acceptance${path}`, headers: auth(token) })

async function ok<T>(t: Test, gw: TestGateway, path: string, token?: string): Promise<Page<T>> {
  const res = await get(gw, path, token)
  t.equal(res.statusCode, 200, `${path}: 200 (${res.body.slice(0, 200)})`)
  return res.json() as Page<T>
}

/** Every item of a query, following next. */
async function all<T>(t: Test, gw: TestGateway, path: string, token?: string): Promise<T[]> {
  const out: T[] = []
  let after: string | undefined
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?'
    const page = await ok<T>(t, gw, after ? `${path}${sep}after=${after}` : path, token)
    out.push(...page.items)
    if (!page.next) return out
    after = page.next
  }
  throw new Error('too many pages')
}

interface World {
  gw: TestGateway
  blinkers: Blinker[]
  /** messageId → what was sent. */
  sent: Map<string, { blinker: Blinker; code: number; party: string }>
}

/** Blinkers of three CPAS and two flows; feedback from alpha (alpha1, alpha2) and beta, codes 2, 110 and 120. */
async function world(t: Test): Promise<World> {
  const gw = await startGateway(t)
  const blinkers: Blinker[] = []
  for (const kbo of [CPAS.alpha1, CPAS.alpha2, CPAS.beta]) {
    for (let i = 0; i < 4; i++) blinkers.push(blinker(kbo, i % 2 === 0 ? { flow: 'FAMILY_ALLOWANCES' } : { flow: 'UNEMPLOYMENT' }))
  }
  t.equal((await publish(gw, blinkers)).statusCode, 202)
  const sent = new Map<string, { blinker: Blinker; code: number; party: string }>()
  for (const [i, b] of blinkers.entries()) {
    const code = i % 4 === 0 ? 2 : b.flow === 'FAMILY_ALLOWANCES' ? 110 : 120
    const party = b.cpasKbo === CPAS.beta ? 'beta' : 'alpha'
    const f = feedbackFor(b, { code })
    const res = await postFeedback(gw, party === 'beta' ? A.beta : A.alpha, f)
    t.equal(res.statusCode, 202, `feedback ${i} accepted (${res.body.slice(0, 160)})`)
    sent.set(f.messageId, { blinker: b, code, party })
  }
  return { gw, blinkers, sent }
}

t.test('the message log: items, order, every filter alone and combined', async (t) => {
  const { gw, sent } = await world(t)
  const items = await all<Item>(t, gw, '/v1/feedback')
  t.equal(items.length, sent.size, 'every message listed once')
  t.same(new Set(items.map((i) => i.messageId)), new Set(sent.keys()))
  for (const it of items) {
    const s = sent.get(it.messageId)
    t.ok(s, 'a message that was sent')
    if (!s) continue
    t.same([it.blinkerId, it.cpasKbo, it.flow, it.code, it.status, it.softwareHouse], [s.blinker.blinkerId, s.blinker.cpasKbo, s.blinker.flow, s.code, 'RECEIVED', s.party])
    t.equal(it.kind, s.code === 2 ? 'JUSTIFIED' : 'UNJUSTIFIED')
    t.same(Object.keys(it).sort(), ['blinkerId', 'code', 'cpasKbo', 'flow', 'kind', 'messageId', 'receivedAt', 'softwareHouse', 'status'], 'metadata only')
  }
  const order = items.map((i) => `${Date.parse(i.receivedAt)}`.padStart(16, '0') + i.messageId)
  t.same(order, [...order].sort(), 'oldest first, then by id')

  const expect = (pred: (s: { blinker: Blinker; code: number; party: string }) => boolean) => new Set([...sent].filter(([, s]) => pred(s)).map(([id]) => id))
  const cases: [string, (s: { blinker: Blinker; code: number; party: string }) => boolean][] = [
    [`cpasKbo=${CPAS.alpha2}`, (s) => s.blinker.cpasKbo === CPAS.alpha2],
    ['flow=UNEMPLOYMENT', (s) => s.blinker.flow === 'UNEMPLOYMENT'],
    ['code=120', (s) => s.code === 120],
    ['kind=JUSTIFIED', (s) => s.code === 2],
    ['softwareHouse=beta', (s) => s.party === 'beta'],
    ['flow=FAMILY_ALLOWANCES&code=110', (s) => s.blinker.flow === 'FAMILY_ALLOWANCES' && s.code === 110],
    [`cpasKbo=${CPAS.alpha1}&flow=FAMILY_ALLOWANCES&code=2`, (s) => s.blinker.cpasKbo === CPAS.alpha1 && s.blinker.flow === 'FAMILY_ALLOWANCES' && s.code === 2],
    [`softwareHouse=alpha&kind=UNJUSTIFIED&flow=UNEMPLOYMENT`, (s) => s.party === 'alpha' && s.code !== 2 && s.blinker.flow === 'UNEMPLOYMENT'],
    ['status=RECEIVED,FORWARDED&code=120', (s) => s.code === 120],
    ['status=ACCEPTED', () => false],
    [`cpasKbo=${CPAS.beta}&softwareHouse=alpha`, () => false],
  ]
  for (const [q, pred] of cases) {
    const got = await all<Item>(t, gw, `/v1/feedback?${q}&limit=2`)
    t.same(new Set(got.map((i) => i.messageId)), expect(pred), `${q}: exactly the matching messages`)
    t.equal(got.length, new Set(got.map((i) => i.messageId)).size, `${q}: none twice`)
  }
  // Time range: from the 5th message's receivedAt (inclusive) to the 9th's (exclusive).
  const times = [...new Set(items.map((i) => i.receivedAt))]
  if (times.length >= 3) {
    const from = times[1] as string
    const until = times[times.length - 1] as string
    const got = await all<Item>(t, gw, `/v1/feedback?receivedFrom=${encodeURIComponent(from)}&receivedUntil=${encodeURIComponent(until)}`)
    t.same(got.map((i) => i.messageId), items.filter((i) => i.receivedAt >= from && i.receivedAt < until).map((i) => i.messageId), 'receivedFrom ≤ receivedAt < receivedUntil')
  }
  const day = await all<Item>(t, gw, `/v1/feedback?receivedFrom=${new Date().toISOString().slice(0, 10)}`)
  t.equal(day.length, sent.size, 'a date (YYYY-MM-DD) is 00:00 UTC of that day')
  t.same((await ok<Item>(t, gw, '/v1/feedback?receivedUntil=2000-01-01')).items, [], 'nothing before 2000')
})

t.test('statuses in the log follow forwarding, dead letters, replay and decisions', async (t) => {
  const { gw, sent } = await world(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  const ids = [...sent.keys()]
  const [fwd, dead, replayed, accepted, refused] = ids as [string, string, string, string, string]
  const by = (id: string) => sent.get(id)?.blinker.blinkerId ?? ''
  for (const id of [fwd, accepted, refused]) t.equal(await recordForwarded(ctx.redis, ctx.keys, id, by(id), 'inspection'), 'done')
  t.equal(await recordDeadLettered(ctx.redis, ctx.keys, dead, 'HTTP 500'), 'done')
  t.equal(await recordDeadLettered(ctx.redis, ctx.keys, replayed, 'HTTP 500'), 'done')
  // A replayed dead letter that then succeeds: the worker records it forwarded.
  t.equal(await recordForwarded(ctx.redis, ctx.keys, replayed, by(replayed), 'inspection'), 'done')
  t.equal((await decideOn(gw, accepted, sent.get(accepted)?.code === 2 ? 'ACCEPTED' : 'ACCEPTED')).statusCode, 200)
  t.equal((await decideOn(gw, refused, 'REFUSED', 'not convinced')).statusCode, 200)
  const status = async (q: string) => (await all<Item>(t, gw, `/v1/feedback?status=${q}`)).map((i) => i.messageId).sort()
  t.same(await status('FORWARDED'), [fwd, replayed].sort(), 'pending decisions: forwarded and replayed, not decided')
  t.same(await status('DEAD_LETTERED'), [dead])
  t.same(await status('ACCEPTED'), [accepted])
  t.same(await status('REFUSED'), [refused])
  t.equal((await status('RECEIVED')).length, ids.length - 5)
  t.equal((await all<Item>(t, gw, '/v1/feedback')).length, ids.length, 'still each message exactly once')
  const flow = sent.get(refused)?.blinker.flow ?? ''
  const code = sent.get(refused)?.code ?? 0
  t.same((await all<Item>(t, gw, `/v1/feedback?status=REFUSED&flow=${flow}&code=${code}`)).map((i) => i.messageId), [refused], 'the flow × code set moved too')
  t.same((await all<Item>(t, gw, `/v1/feedback?status=RECEIVED&flow=${flow}&code=${code}`)).filter((i) => i.messageId === refused), [], 'and left RECEIVED')
  // The blinker index followed the decisions: CLOSED for an accepted cancellation, REOPENED for a refusal.
  const blinkers = await all<{ blinkerId: string; status: string }>(t, gw, '/v1/blinkers?status=REOPENED')
  t.same(blinkers.map((b) => b.blinkerId), [by(refused)])
})

t.test('role scoping: a software house sees only its own, the operator metadata only', async (t) => {
  const { gw, sent } = await world(t)
  const alpha = await all<Item>(t, gw, '/v1/feedback', A.alpha)
  t.same(new Set(alpha.map((i) => i.messageId)), new Set([...sent].filter(([, s]) => s.party === 'alpha').map(([id]) => id)), 'alpha: its own messages')
  t.same(await all<Item>(t, gw, `/v1/feedback?cpasKbo=${CPAS.beta}`, A.alpha), [], "alpha cannot reach beta's CPAS through cpasKbo")
  t.same((await all<Item>(t, gw, '/v1/feedback?softwareHouse=alpha', A.alpha)).length, alpha.length, 'its own id is accepted')
  const other = await get(gw, '/v1/feedback?softwareHouse=beta', A.alpha)
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const op = await all<Item>(t, gw, '/v1/feedback', A.operator)
  t.equal(op.length, sent.size, 'the operator sees the log')
  const body = JSON.stringify(op)
  for (const b of [...sent.values()].map((s) => s.blinker)) {
    t.notOk(body.includes(b.beneficiary.niss), 'no NISS')
    if (b.beneficiary.lastName) t.notOk(body.includes(b.beneficiary.lastName), 'no name')
    t.notOk(body.includes(b.finding.description), 'no finding text')
  }
  t.notOk(/comment|beneficiary|niss/i.test(body), 'no comment nor beneficiary field')
  t.equal((await get(gw, '/v1/feedback', A.publisher)).json().code, 'GW_ERR_FORBIDDEN_ROLE')
  t.equal((await get(gw, '/v1/blinkers', A.operator)).json().code, 'GW_ERR_FORBIDDEN_ROLE', 'blinkers: not for the operator')
})

t.test('the blinker search: filters and role scoping', async (t) => {
  const { gw, blinkers } = await world(t)
  const extra = blinker(CPAS.alpha1, { flow: 'PENSION', form: { type: 'B', reference: 'X-1', periodStart: '2019-03-01' } })
  t.equal((await publish(gw, [extra])).statusCode, 202)
  const everything = await all<{ blinkerId: string; cpasKbo: string; flow: string; regime: string; status: string; publishedAt: string; periodStart: string }>(t, gw, '/v1/blinkers?limit=3')
  t.same(new Set(everything.map((b) => b.blinkerId)), new Set([...blinkers, extra].map((b) => b.blinkerId)), 'every blinker once')
  const x = everything.find((b) => b.blinkerId === extra.blinkerId)
  t.same(x && { ...x, publishedAt: 'x' }, { blinkerId: extra.blinkerId, cpasKbo: CPAS.alpha1, flow: 'PENSION', regime: extra.regime, status: 'PUBLISHED', publishedAt: 'x', periodStart: '2019-03-01' })
  t.same(Object.keys(everything[0] ?? {}).sort(), ['blinkerId', 'cpasKbo', 'flow', 'periodStart', 'publishedAt', 'regime', 'status'], 'no personal data')
  t.same((await all<{ blinkerId: string }>(t, gw, '/v1/blinkers?period=2019')).map((b) => b.blinkerId), [extra.blinkerId], 'period')
  t.same((await all<{ blinkerId: string }>(t, gw, `/v1/blinkers?flow=PENSION&cpasKbo=${CPAS.alpha1}`)).map((b) => b.blinkerId), [extra.blinkerId], 'flow and CPAS')
  t.same(await all(t, gw, '/v1/blinkers?flow=DETENTION'), [], 'a provisional flow of the catalogue is a filter value (none here)')
  t.same(await all(t, gw, '/v1/feedback?flow=WORK_INCAPACITY'), [], 'on the message log too')
  t.equal((await all(t, gw, `/v1/blinkers?cpasKbo=${CPAS.beta}&status=FEEDBACK_RECEIVED`)).length, 4, 'CPAS and status')
  t.equal((await all(t, gw, '/v1/blinkers?status=PUBLISHED,DELIVERED')).length, 1, 'only the extra one has no feedback')
  const alpha = await all<{ cpasKbo: string }>(t, gw, '/v1/blinkers', A.alpha)
  t.equal(alpha.length, 9, "alpha: its two CPAS' blinkers")
  t.ok(alpha.every((b) => b.cpasKbo !== CPAS.beta))
  const refused = await get(gw, `/v1/blinkers?cpasKbo=${CPAS.beta}`, A.alpha)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  t.equal((await all(t, gw, `/v1/blinkers?cpasKbo=${CPAS.beta}`, A.beta)).length, 4)
  const status = await get(gw, `/v1/blinkers/${extra.blinkerId}`, A.inspection)
  t.equal(status.json().status, 'PUBLISHED', 'searching does not deliver')
})

t.test('paging through a list that changes while it is read', async (t) => {
  const { gw, blinkers } = await world(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  // 30 more FORWARDED messages on new blinkers, then page FORWARDED 4 at a time while new
  // messages arrive (later receivedAt) and others are decided (they leave FORWARDED).
  const more = Array.from({ length: 30 }, (_, i) => blinker(i % 2 ? CPAS.alpha1 : CPAS.alpha2))
  t.equal((await publish(gw, more)).statusCode, 202)
  const forwarded: string[] = []
  for (const b of more) {
    const f = feedbackFor(b)
    t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
    t.equal(await recordForwarded(ctx.redis, ctx.keys, f.messageId, b.blinkerId, 'inspection'), 'done')
    forwarded.push(f.messageId)
  }
  const seen: string[] = []
  const decided = new Set<string>()
  const arrived: string[] = []
  let after: string | undefined
  for (let round = 0; round < 50; round++) {
    const page = await ok<Item>(t, gw, `/v1/feedback?status=FORWARDED&limit=4${after ? `&after=${after}` : ''}`)
    seen.push(...page.items.map((i) => i.messageId))
    if (!page.next) break
    after = page.next
    // Between two pages: decide one not yet seen (ahead of the cursor) and one already seen; a new message arrives.
    const ahead = forwarded.find((id) => !seen.includes(id) && !decided.has(id))
    const behind = seen.find((id) => !decided.has(id))
    for (const id of [ahead, behind]) {
      if (!id) continue
      t.equal((await decideOn(gw, id, 'REFUSED')).statusCode, 200)
      decided.add(id)
    }
    const b = blinkers[round % blinkers.length] as Blinker
    const f = feedbackFor(b, { code: 2 })
    const party = b.cpasKbo === CPAS.beta ? A.beta : A.alpha
    if ((await postFeedback(gw, party, f)).statusCode === 202) {
      t.equal(await recordForwarded(ctx.redis, ctx.keys, f.messageId, b.blinkerId, 'inspection'), 'done')
      arrived.push(f.messageId)
    }
  }
  t.equal(seen.length, new Set(seen).size, 'no item repeated')
  const stayed = forwarded.filter((id) => !decided.has(id))
  t.ok(stayed.length > 5, `${stayed.length} stayed FORWARDED`)
  t.ok(stayed.every((id) => seen.includes(id)), 'no item that stayed FORWARDED missed')
  const decidedAhead = [...decided].filter((id) => !seen.includes(id))
  t.ok(decidedAhead.length > 0, 'items decided ahead of the cursor were not served (they left the list)')
  t.ok(arrived.length > 0 && arrived.every((id) => seen.includes(id)), 'messages that arrived while paging were served at the end')
})

t.test('bad parameters are 400 GW_ERR_BAD_PARAMETER, never 500', async (t) => {
  const gw = await startGateway(t)
  const b = blinker(CPAS.alpha1)
  t.equal((await publish(gw, [b])).statusCode, 202)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b))).statusCode, 202)
  const first = await ok<Item>(t, gw, '/v1/feedback?limit=1')
  t.equal(first.items.length, 1)
  const bads = [
    'status=OPEN', 'status=RECEIVED,', 'status=', 'status=RECEIVED,RECEIVED,RECEIVED,RECEIVED,RECEIVED,RECEIVED', 'kind=MAYBE', 'flow=RENT', 'cpasKbo=0212344877', 'cpasKbo=abc',
    'code=1.5', 'code=-1', 'code=7777', 'code=abc', 'softwareHouse=Not%20An%20Id', 'receivedFrom=2026-02-30', 'receivedFrom=yesterday', 'receivedUntil=2026-13-01',
    'receivedFrom=2026-01-01T25:00:00Z', 'receivedFrom=2026-03-01&receivedUntil=2026-02-01', 'after=xyz', `after=${Buffer.from('1:not-an-id').toString('base64url')}`,
    `after=${Buffer.from(`99999999999999999:${randomUUID()}`).toString('base64url')}`, 'after=' + 'A'.repeat(200), 'limit=0', 'limit=501', 'limit=ten', 'limit=1&limit=2', 'sort=asc', 'status=RECEIVED&status=FORWARDED',
  ]
  for (const q of bads) {
    const res = await get(gw, `/v1/feedback?${q}`)
    t.equal(res.statusCode, 400, `feedback ${q}: 400`)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER', `feedback ${q}: GW_ERR_BAD_PARAMETER`)
  }
  // A blinker cursor is not a feedback cursor (and the other way round).
  const bl = await ok<{ blinkerId: string }>(t, gw, '/v1/blinkers?limit=1')
  t.equal(bl.items.length, 1)
  for (const q of ['status=RECEIVED', 'period=19', 'period=2016-01', 'flow=x', 'cpasKbo=1', 'limit=900', 'code=131', `after=${Buffer.from(`1:${randomUUID()}`).toString('base64url')}`]) {
    const res = await get(gw, `/v1/blinkers?${q}`)
    t.equal(res.statusCode, 400, `blinkers ${q}: 400`)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER')
  }
  const token = fc.string({ unit: fc.constantFrom(...'abcFORWADEDLTUPSHNJ0123456789-_,:.+%=&TZ'.split('')), maxLength: 30 })
  const param = fc.constantFrom('status', 'kind', 'cpasKbo', 'flow', 'code', 'softwareHouse', 'receivedFrom', 'receivedUntil', 'after', 'limit', 'period', 'x')
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(param, token), { maxLength: 4 }), fc.boolean(), async (pairs, blinkersRoute) => {
      const q = pairs.map(([k, v]) => `${k}=${v}`).join('&')
      const res = await get(gw, `/v1/${blinkersRoute ? 'blinkers' : 'feedback'}?${q}`)
      if (res.statusCode !== 200 && res.statusCode !== 400) throw new Error(`${q}: ${res.statusCode} ${res.body}`)
      if (res.statusCode === 400 && res.json().code !== 'GW_ERR_BAD_PARAMETER') throw new Error(`${q}: ${res.body}`)
    }),
    { numRuns: 300 },
  )
  t.pass('300 random query strings: 200 or 400, never 500')
})
