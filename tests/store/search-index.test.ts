/**
 * The search indexes on the real Redis: which sets hold an entry after each write (publication,
 * delivery, feedback, forwarding, dead letter, replay, decision, resolve, purge), the backfill
 * (`reindex`), the walk's order with equal times, its budget and its cursor.
 */
import t from 'tap'
import type { Test } from 'tap'
import { runReindexCommand } from '../../src/cli/reindex.js'
import type { CliIo } from '../../src/cli/main.js'
import { BLINKER_STATUSES, FEEDBACK_STATUSES } from '../../src/domain/model.js'
import { runRetention } from '../../src/retention/retention.js'
import { searchBlinkers, searchFeedback } from '../../src/services/search-service.js'
import { blinkerIndexKey } from '../../src/store/blinker-index.js'
import { applyEvent } from '../../src/store/blinker-store.js'
import { feedbackIndexKey } from '../../src/store/feedback-index.js'
import { recordDeadLettered, recordDecision, recordForwarded } from '../../src/store/feedback-progress-store.js'
import { walkFeedback } from '../../src/store/index-search.js'
import { keys } from '../../src/store/keys.js'
import { reindexAll } from '../../src/store/reindex.js'
import { openByAge } from '../../src/store/statistics-store.js'
import { blinker, CPAS, publish, pull } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback } from '../helpers/feedback.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const inspection = { id: 'inspection', name: 'Inspection', role: 'inspection', env: 'acceptance', cpas: new Set<string>() } as never

function context(gw: TestGateway) {
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  return ctx
}

/** The index sets (under this test's prefix) that hold `id`. */
async function setsOf(gw: TestGateway, id: string): Promise<string[]> {
  const ctx = context(gw)
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, page] = await ctx.redis.scan(cursor, 'MATCH', `${ctx.keys}ix:*`, 'COUNT', 1000)
    cursor = next
    for (const k of page) if ((await ctx.redis.zscore(k, id)) !== null) found.push(k.slice(ctx.keys.length))
  }
  while (cursor !== '0')
  return found.sort()
}

// The sets a message is in: six per status, two under the transit status RECEIVED (feedback-index.ts).
const fbSets = (status: string, cpas: string, party: string, flow: string, code: number) =>
  [
    ...new Set([
    feedbackIndexKey('', status),
    feedbackIndexKey('', status, { cpas }),
    feedbackIndexKey('', status, { party }),
    feedbackIndexKey('', status, { flow }),
    feedbackIndexKey('', status, { code }),
    feedbackIndexKey('', status, { flow, code }),
    ]),
  ].sort()

t.test('a blinker and a message are in exactly the sets of their current status, after every step', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const b = blinker(CPAS.alpha1)
  t.equal((await publish(gw, [b])).statusCode, 202)
  const bl = (status: string) => [blinkerIndexKey('', status), blinkerIndexKey('', status, CPAS.alpha1)].sort()
  t.same(await setsOf(gw, b.blinkerId), bl('PUBLISHED'), 'published: PUBLISHED and PUBLISHED × CPAS')
  const score = await ctx.redis.zscore(blinkerIndexKey(ctx.keys, 'PUBLISHED'), b.blinkerId)
  t.equal(Number(score), Date.parse((await ctx.redis.hget(keys.blinker(ctx.keys, b.blinkerId), 'publishedAt')) ?? ''), 'scored by publishedAt ms')
  t.equal((await pull(gw, A.alpha, CPAS.alpha1)).statusCode, 200)
  t.same(await setsOf(gw, b.blinkerId), bl('DELIVERED'), 'the mailbox pull moved it')
  const f = feedbackFor(b)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  t.same(await setsOf(gw, b.blinkerId), bl('FEEDBACK_RECEIVED'))
  const fb = (status: string) => fbSets(status, CPAS.alpha1, 'alpha', b.flow, 131)
  t.same(await setsOf(gw, f.messageId), fb('RECEIVED'), 'received: the status and software-house sets of RECEIVED')
  t.equal(await recordDeadLettered(ctx.redis, ctx.keys, f.messageId, 'HTTP 503'), 'done')
  t.same(await setsOf(gw, f.messageId), fb('DEAD_LETTERED'), 'dead letter')
  t.equal(await recordForwarded(ctx.redis, ctx.keys, f.messageId, b.blinkerId, 'inspection'), 'done')
  t.same(await setsOf(gw, f.messageId), fb('FORWARDED'), 'replayed and forwarded')
  t.same(await setsOf(gw, b.blinkerId), bl('FORWARDED'))
  t.equal((await recordDecision(ctx.redis, ctx.keys, f.messageId, b.blinkerId, 'REFUSED', 'no', 'inspector-1')).kind, 'done')
  t.same(await setsOf(gw, f.messageId), fb('REFUSED'), 'decided')
  t.same(await setsOf(gw, b.blinkerId), bl('REOPENED'))
  const open = async () => (await openByAge(ctx.redis, ctx.keys)).reduce((n, a) => n + a.count, 0)
  t.equal(await open(), 1, 'open blinkers by age are counted off the index: REOPENED is open')
  await applyEvent(ctx.redis, ctx.keys, b.blinkerId, 'RESOLVE', 'form D', 'publisher')
  t.same(await setsOf(gw, b.blinkerId), bl('CLOSED'), 'resolved')
  t.equal(await open(), 0, 'a CLOSED blinker is not open')
  // Retention changes no status: both stay listed, under the same status, without personal data.
  const report = await runRetention(ctx, { olderThanDays: 1, now: new Date(Date.now() + 3 * 86_400_000) })
  t.equal(report.blinkers.purged, 1)
  t.equal(report.feedback.purged, 1)
  t.same(await setsOf(gw, b.blinkerId), bl('CLOSED'), 'purged blinker: still CLOSED in the index')
  t.same(await setsOf(gw, f.messageId), fb('REFUSED'), 'purged message: still REFUSED')
  const page = await searchBlinkers(ctx, inspection, { status: ['CLOSED'] })
  t.same(page.items.map((i) => [i.blinkerId, i.flow, i.regime, i.periodStart]), [[b.blinkerId, b.flow, b.regime, b.form.periodStart]], 'a purged blinker is still described')
  t.same((await searchFeedback(ctx, inspection, { status: ['REFUSED'] })).items.map((i) => i.messageId), [f.messageId])
})

t.test('reindex: records written before the index get their entries, stale ones go', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const bs = [blinker(CPAS.alpha1), blinker(CPAS.beta)]
  t.equal((await publish(gw, bs)).statusCode, 202)
  const f = feedbackFor(bs[0] as never)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  const before = { fb: await searchFeedback(ctx, inspection, {}), bl: await searchBlinkers(ctx, inspection, {}) }
  t.equal(before.fb.items.length, 1)
  t.equal(before.bl.items.length, 2)
  // As if written before the index: drop every index key, and leave one stale entry behind.
  const ixKeys = await ctx.redis.keys(`${ctx.keys}ix:*`)
  t.ok(ixKeys.length >= 6)
  await ctx.redis.del(...ixKeys)
  await ctx.redis.zadd(feedbackIndexKey(ctx.keys, 'ACCEPTED'), 1, f.messageId)
  t.same((await searchFeedback(ctx, inspection, { status: ['RECEIVED'] })).items, [], 'not indexed yet')
  // A move of an unindexed record adds nothing (the backfill does).
  t.equal(await recordForwarded(ctx.redis, ctx.keys, f.messageId, (bs[0] as { blinkerId: string }).blinkerId, 'inspection'), 'done')
  t.same(await setsOf(gw, f.messageId), [feedbackIndexKey('', 'ACCEPTED')])
  const out: string[] = []
  const io: CliIo = { out: (l) => void out.push(l), err: (l) => void out.push(l) }
  t.equal(await runReindexCommand(['--env', 'acceptance'], io, { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }), 0, out.join('\n'))
  t.match(out.join('\n'), /indexed 2 blinkers and 1 feedback messages/)
  t.same((await searchFeedback(ctx, inspection, { status: ['FORWARDED'] })).items.map((i) => i.messageId), [f.messageId], 'under its current status')
  t.same((await searchFeedback(ctx, inspection, { status: ['ACCEPTED'] })).items, [], 'the stale entry is gone')
  t.same((await searchBlinkers(ctx, inspection, {})).items.map((i) => [i.blinkerId, i.status]).sort(), before.bl.items.map((i) => [i.blinkerId, i.status === 'FEEDBACK_RECEIVED' ? 'FORWARDED' : i.status]).sort())
  t.same(await reindexAll(ctx), { env: 'acceptance', blinkers: 2, feedback: 1 }, 'again: same counts, nothing new')
  t.equal(await runReindexCommand(['--env', 'nowhere'], io, { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }), 2, 'a bad --env is a usage error')
  const json: string[] = []
  t.equal(await runReindexCommand(['--env', 'acceptance', '--json'], { out: (l) => void json.push(l), err: () => {} }, { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }), 0)
  t.match(JSON.parse(json.join('\n')), { env: 'acceptance', blinkers: 2, feedback: 1 })
  t.equal(await runReindexCommand(['--env', 'acceptance'], io, { REDIS_URL: 'redis://127.0.0.1:1', KEY_PREFIX: gw.prefix }), 2, 'Redis unreachable')
})

async function batchOfOneInstant(t: Test, gw: TestGateway, n: number): Promise<string[]> {
  // One batch request: every message of it gets the same receivedAt (one Lua step, one clock).
  const bs = Array.from({ length: n }, () => blinker(CPAS.alpha1))
  t.equal((await publish(gw, bs)).statusCode, 202)
  const fs = bs.map((b) => feedbackFor(b))
  const res = await postFeedback(gw, A.alpha, { feedback: fs })
  t.equal(res.statusCode, 202, res.body.slice(0, 200))
  return fs.map((f) => f.messageId)
}

t.test('equal times: ordered by id, paged without loss or repetition', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const ids = await batchOfOneInstant(t, gw, 25)
  const seen: string[] = []
  let after: string | undefined
  for (let i = 0; i < 20; i++) {
    const page = await searchFeedback(ctx, inspection, { limit: 3, ...(after && { after }) })
    seen.push(...page.items.map((x) => x.messageId))
    t.equal(new Set(page.items.map((x) => x.receivedAt)).size, 1, 'one instant')
    if (!page.next) break
    after = page.next
  }
  t.same(seen, [...ids].sort(), 'byte order of the ids, each once')
})

t.test('the walk: at most `budget` entries examined, then next continues', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const ids = await batchOfOneInstant(t, gw, 12)
  const group = FEEDBACK_STATUSES.map((s) => feedbackIndexKey(ctx.keys, s))
  const fp = keys.feedback(ctx.keys, '')
  const bp = keys.blinker(ctx.keys, '')
  // Kind JUSTIFIED: no message matches; 5 entries examined per call, a cursor each time.
  let after: { score: number; id: string } | undefined
  let calls = 0
  for (;;) {
    const r = await walkFeedback(ctx.redis, fp, bp, { groups: [group], limit: 10, budget: 5, ...(after && { after }) }, { statuses: FEEDBACK_STATUSES, kind: 'JUSTIFIED' })
    calls++
    t.same(r.rows, [], 'nothing matches')
    if (!r.next) break
    after = r.next
    t.ok(calls < 10)
  }
  t.equal(calls, 3, '12 entries, 5 per call: 3 calls, the last one ends the list')
  const r = await walkFeedback(ctx.redis, fp, bp, { groups: [group], limit: 10, budget: 5 }, { statuses: FEEDBACK_STATUSES, kind: 'UNJUSTIFIED' })
  t.equal(r.rows.length, 5, 'a page bounded by the budget, not the limit')
  t.equal(r.next?.id, [...ids].sort()[4], 'the cursor is the last entry examined')
  // The smallest group is walked: an empty one ends the search at once.
  const none = await walkFeedback(ctx.redis, fp, bp, { groups: [group, [feedbackIndexKey(ctx.keys, 'ACCEPTED', { cpas: CPAS.beta })]], limit: 10, budget: 5 }, { statuses: FEEDBACK_STATUSES })
  t.same(none, { rows: [] })
  // RECEIVED has no CPAS set: a RECEIVED query by CPAS walks the RECEIVED set and still finds every message.
  t.equal(feedbackIndexKey(ctx.keys, 'RECEIVED', { cpas: CPAS.alpha1 }), feedbackIndexKey(ctx.keys, 'RECEIVED'))
  const received = await searchFeedback(ctx, inspection, { status: ['RECEIVED', 'FORWARDED'], cpasKbo: CPAS.alpha1, limit: 500 })
  t.same(received.items.map((i) => i.messageId).sort(), [...ids].sort(), 'by CPAS, RECEIVED or FORWARDED')
})

t.test('records that lost their blinker or its fstat are still listed, dangling entries skipped', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const [b1, b2] = [blinker(CPAS.alpha1), blinker(CPAS.alpha1)] as const
  t.equal((await publish(gw, [b1, b2])).statusCode, 202)
  const f = feedbackFor(b1)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  await ctx.redis.hdel(keys.blinker(ctx.keys, b1.blinkerId), 'fstat')
  const page = await searchFeedback(ctx, inspection, { flow: b1.flow })
  t.same(page.items.map((i) => [i.messageId, i.flow]), [[f.messageId, b1.flow]], 'flow read from the document')
  const bpage = await searchBlinkers(ctx, inspection, { cpasKbo: CPAS.alpha1, flow: b1.flow, period: b1.form.periodStart.slice(0, 4) })
  t.equal(bpage.items.length, 2, 'blinker without fstat: read from the document')
  await ctx.redis.del(keys.blinker(ctx.keys, b2.blinkerId))
  t.same((await searchBlinkers(ctx, inspection, {})).items.map((i) => i.blinkerId), [b1.blinkerId], 'a deleted record is not served')
  const alpha = { id: 'alpha', name: 'Alpha', role: 'software-house', env: 'acceptance', cpas: new Set<string>() } as never
  t.same(await searchBlinkers(ctx, alpha, {}), { items: [] }, 'a software house serving no CPAS sees nothing')
  const many = { id: 'alpha', name: 'Alpha', role: 'software-house', env: 'acceptance', cpas: new Set([CPAS.alpha1, ...Array.from({ length: 40 }, (_, i) => `02${String(i).padStart(8, '0')}`)]) } as never
  t.same((await searchBlinkers(ctx, many, {})).items.map((i) => i.blinkerId), [b1.blinkerId], 'many CPAS: the global sets walked, filtered on the CPAS')
  t.equal(BLINKER_STATUSES.length * 41 > 256, true)
})

t.test('a sandbox reset takes the deleted blinkers out of the index', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const made = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/sandbox/blinkers', headers: { authorization: `Bearer ${A.alpha}` }, payload: { cpasKbo: CPAS.alpha2, count: 3 } })
  t.equal(made.statusCode, 201, made.body.slice(0, 200))
  const ids = (made.json() as { blinkers: { blinkerId: string }[] }).blinkers.map((b) => b.blinkerId)
  t.equal((await searchBlinkers(ctx, inspection, { cpasKbo: CPAS.alpha2 })).items.length, 3)
  const reset = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/sandbox/mailbox/reset', headers: { authorization: `Bearer ${A.alpha}` }, payload: { cpasKbo: CPAS.alpha2 } })
  t.equal(reset.statusCode, 200)
  t.same((await searchBlinkers(ctx, inspection, { cpasKbo: CPAS.alpha2 })).items, [])
  for (const id of ids) t.same(await setsOf(gw, id), [], `${id}: no index entry left`)
})

t.test('direct callers (the pending page) get the same checks as the query string', async (t) => {
  const gw = await startGateway(t)
  const ctx = context(gw)
  const bad = async (what: string, run: () => Promise<unknown>, code = 'GW_ERR_BAD_PARAMETER') => {
    await t.rejects(run(), { code }, what)
  }
  await bad('a status outside the lifecycle', () => searchFeedback(ctx, inspection, { status: ['PENDING' as never] }))
  await bad('an unknown kind', () => searchFeedback(ctx, inspection, { kind: 'MAYBE' as never }))
  await bad('a bad kbo', () => searchFeedback(ctx, inspection, { cpasKbo: '0212344877' }))
  await bad('an unknown flow', () => searchFeedback(ctx, inspection, { flow: 'RENT' as never }))
  await bad('a code not in the catalogue', () => searchFeedback(ctx, inspection, { code: 7777 }))
  await bad('a bad party id', () => searchFeedback(ctx, inspection, { softwareHouse: 'Not An Id' }))
  await bad('limit 0', () => searchFeedback(ctx, inspection, { limit: 0 }))
  await bad('limit 1.5', () => searchFeedback(ctx, inspection, { limit: 1.5 }))
  await bad('from after until', () => searchFeedback(ctx, inspection, { receivedFrom: '2026-03-01', receivedUntil: '2026-02-01' }))
  await bad('an instant without offset', () => searchFeedback(ctx, inspection, { receivedFrom: '2026-03-01T10:00:00' }))
  await bad('a cursor of the other list', () => searchFeedback(ctx, inspection, { after: Buffer.from('1:CLI-2026-000000001').toString('base64url') }))
  await bad('a non-canonical cursor', () => searchFeedback(ctx, inspection, { after: Buffer.from(`01:${'a'.repeat(8)}-aaaa-aaaa-aaaa-${'a'.repeat(12)}`).toString('base64url') }))
  await bad('blinkers: a bad status', () => searchBlinkers(ctx, inspection, { status: ['OPEN' as never] }))
  await bad('blinkers: a bad period', () => searchBlinkers(ctx, inspection, { period: '16' }))
  await bad('blinkers: a bad flow', () => searchBlinkers(ctx, inspection, { flow: 'RENT' as never }))
  await bad('blinkers: a bad kbo', () => searchBlinkers(ctx, inspection, { cpasKbo: '1' }))
  const publisher = { id: 'publisher', name: 'P', role: 'publisher', env: 'acceptance', cpas: new Set<string>() } as never
  await bad('a publisher reads no message log', () => searchFeedback(ctx, publisher, {}), 'GW_ERR_FORBIDDEN_ROLE')
  await bad('nor searches blinkers', () => searchBlinkers(ctx, publisher, {}), 'GW_ERR_FORBIDDEN_ROLE')
  t.same(await searchFeedback(ctx, inspection, { status: [], receivedFrom: '2026-01-01T00:00:00+01:00', receivedUntil: '2026-01-02' }), { items: [] }, 'an empty status list is every status')
})
