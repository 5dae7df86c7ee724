/**
 * GET /v1/follow-ups paging: without `limit` every follow-up as before (`{ items }`, no `next`);
 * with it, pages that together give the whole list once, in order, also when several follow-ups
 * share one openedAt and when one changes status between two pages; bad parameters are 400.
 */
import t from 'tap'
import { openFollowUp } from '../../src/follow-up/follow-up-service.js'
import { CPAS } from '../helpers/blinkers.js'
import { startGateway } from '../helpers/gateway.js'
import { A, get, patch } from './helpers.js'

t.test('pages of follow-ups: complete, in order, stable while statuses change', async (t) => {
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const kbos = [CPAS.alpha1, CPAS.alpha2, CPAS.beta]
  // Seven follow-ups: four opened in the same millisecond (equal scores: ordered by id), then three.
  const same = new Date('2026-03-01T10:00:00.000Z')
  const opened: { id: string; cpasKbo: string }[] = []
  for (let i = 0; i < 7; i++) {
    const at = i < 4 ? same : new Date(same.getTime() + i * 1000)
    const fu = await openFollowUp(envCtx, kbos[i % 3] as string, { reason: `case ${i}`, period: '2025' }, 'inspection', at)
    opened.push({ id: fu.id, cpasKbo: fu.cpasKbo })
  }
  const expected = opened.map((o) => o.id)

  const all = await get(gw, '/v1/follow-ups')
  t.equal(all.statusCode, 200)
  t.same(all.json().items.map((i: { id: string }) => i.id), expected, 'without limit: every follow-up, oldest first')
  t.notOk('next' in all.json(), 'no next without paging')

  const walk = async (query: string, between?: (page: number) => Promise<void>) => {
    const ids: string[] = []
    const sizes: number[] = []
    let after: string | undefined
    for (let page = 0; page < 20; page++) {
      const res = await get(gw, `/v1/follow-ups?${query}${after ? `&after=${after}` : ''}`)
      t.equal(res.statusCode, 200, res.body.slice(0, 200))
      const body = res.json() as { items: { id: string; trajectory: unknown[] }[]; next?: string }
      ids.push(...body.items.map((i) => i.id))
      sizes.push(body.items.length)
      t.ok(body.items.every((i) => Array.isArray(i.trajectory)), 'each with its trajectory')
      if (!body.next) break
      after = body.next
      await between?.(page)
    }
    return { ids, sizes }
  }
  const three = await walk('limit=3')
  t.same(three.sizes, [3, 3, 1])
  t.same(three.ids, expected, 'pages of 3 give the list once, in order')
  const one = await walk('limit=1')
  t.same(one.ids, expected, 'pages of 1 across the equal openedAt')
  const exact = await walk('limit=7')
  t.same(exact.sizes, [7], 'a page that holds the rest has no next')

  // Moving a follow-up that an OPEN page already returned does not shift the next page.
  const moved: string[] = []
  const open = await walk('status=OPEN&limit=2', async (page) => {
    if (page !== 0) return
    const first = opened[0] as { id: string; cpasKbo: string }
    const res = await patch(gw, first.cpasKbo, first.id, { actions: [{ text: 'Plan', owner: 'CPAS', dueDate: '2026-12-31' }], status: 'PLAN_AGREED' })
    t.equal(res.statusCode, 200)
    moved.push(first.id)
  })
  t.same(open.ids, expected, 'OPEN pages: each follow-up once, the moved one on the page before its move')
  const after = await walk('status=OPEN&limit=4')
  t.same(after.ids, expected.filter((id) => !moved.includes(id)), 'then it is no longer OPEN')
  const agreed = await get(gw, '/v1/follow-ups?status=PLAN_AGREED&limit=5')
  t.same(agreed.json().items.map((i: { id: string }) => i.id), moved)

  for (const query of ['limit=0', 'limit=501', 'limit=x', 'limit=', 'after=bm9wZQ', `after=${'A'.repeat(97)}`, 'status=NOPE&limit=2', 'page=2']) {
    const res = await get(gw, `/v1/follow-ups?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER', query)
  }
  t.equal((await get(gw, '/v1/follow-ups?limit=2', A.alpha)).statusCode, 403, 'inspection only')
})
