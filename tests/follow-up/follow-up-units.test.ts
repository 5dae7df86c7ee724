/**
 * The follow-up's pure rules (status moves, the patch applied to a document, the target flag, the
 * page forms turned into PATCH bodies) and the compare-and-set's edges against the real Redis: a
 * writer that keeps losing gives up with 503 and writes nothing; a follow-up deleted meanwhile is 404.
 */
import t from 'tap'
import { compareAndSet, readFollowUp } from '../../src/follow-up/follow-up-store.js'
import { applyPatch, openFollowUp, patchFollowUp } from '../../src/follow-up/follow-up-service.js'
import { parseForm, patchOfForm } from '../../src/follow-up/follow-up-pages.js'
import { FOLLOW_UP_STATUSES, isAllowedMove, type StoredFollowUp } from '../../src/follow-up/model.js'
import { targetMet } from '../../src/follow-up/trajectory.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { startGateway } from '../helpers/gateway.js'

const doc = (over: Partial<StoredFollowUp> = {}): StoredFollowUp => ({
  id: 'FU-000001',
  cpasKbo: CPAS.alpha1,
  status: 'OPEN',
  openedAt: '2026-01-01T00:00:00.000Z',
  openedBy: 'x',
  reason: 'r',
  period: '2016',
  visits: [],
  actions: [],
  history: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
})

t.test('status moves: one step forward only', async (t) => {
  for (const from of FOLLOW_UP_STATUSES) {
    for (const to of FOLLOW_UP_STATUSES) {
      t.equal(isAllowedMove(from, to), FOLLOW_UP_STATUSES.indexOf(to) === FOLLOW_UP_STATUSES.indexOf(from) + 1, `${from} → ${to}`)
    }
  }
})

t.test('applyPatch is pure and all-or-nothing', async (t) => {
  const before = doc()
  const copy = structuredClone(before)
  let n = 0
  const id = () => `id-${++n}`
  const after = applyPatch(before, { visits: [{ date: '2016-01-01', inspector: ' I ', findings: ['OTHER', 'OTHER'], notes: '  ' }], actions: [{ text: 't', owner: 'o', dueDate: '2016-02-01' }] }, 'p', '2026-02-01T00:00:00.000Z', id)
  t.same(before, copy, 'the input is not changed')
  t.same(after.visits, [{ id: 'id-1', date: '2016-01-01', inspector: 'I', findings: ['OTHER'], addedAt: '2026-02-01T00:00:00.000Z', addedBy: 'p' }], 'findings once; blank notes dropped')
  t.equal(after.updatedAt, '2026-02-01T00:00:00.000Z')
  t.equal(applyPatch(after, { status: 'OPEN' }, 'p', 'later'), after, 'nothing to change: the same document')
  t.throws(() => applyPatch(after, { actions: [{ text: 'ok', owner: 'o', dueDate: '2016-01-01' }], status: 'MONITORING' }, 'p', 'x'), { code: 'GW_ERR_ILLEGAL_TRANSITION' })
  t.equal(after.actions.length, 1, 'a refused patch changes nothing')
  t.throws(() => applyPatch(doc({ status: 'CLOSED' }), { actions: [{ id: 'id-2', done: true }] }, 'p', 'x'), { code: 'GW_ERR_ILLEGAL_TRANSITION' })
})

t.test('targetMet: the latest period with a rate', async (t) => {
  const p = (period: string, rate: number | null) => ({ period, rate, files: 1, filesWithBlinker: 0 })
  t.equal(targetMet([]), false)
  t.equal(targetMet([p('2015', 0.2), p('2016', 0.049)]), true)
  t.equal(targetMet([p('2015', 0.02), p('2016', 0.05)]), false)
  t.equal(targetMet([p('2015', 0.04), p('2016', null)]), true, 'a period without files is skipped')
})

t.test('page forms become PATCH bodies', async (t) => {
  const form = parseForm('op=visit&date=2016-01-02&inspector=Marie&findings=EX_PARTNER_ON_FORM&findings=OTHER&findings=FLOW_DATA_LATE&notes=+n+')
  t.same(form.findings, ['EX_PARTNER_ON_FORM', 'OTHER', 'FLOW_DATA_LATE'], 'repeated names kept in order')
  t.same(patchOfForm(form), { visits: [{ date: '2016-01-02', inspector: 'Marie', findings: ['EX_PARTNER_ON_FORM', 'OTHER', 'FLOW_DATA_LATE'], notes: 'n' }] })
  t.same(patchOfForm(parseForm('op=visit')), { visits: [{ date: '', inspector: '', findings: [] }] })
  t.same(patchOfForm(parseForm('op=action&op=action&text=a&owner=b&dueDate=2016-01-01')), { actions: [{ text: 'a', owner: 'b', dueDate: '2016-01-01' }] })
  t.same(patchOfForm(parseForm('op=action')), { actions: [{ text: '', owner: '', dueDate: '' }] })
  t.same(patchOfForm(parseForm('op=toggle&actionId=x&done=false')), { actions: [{ id: 'x', done: false }] })
  t.same(patchOfForm(parseForm('op=toggle')), { actions: [{ id: '', done: false }] })
  t.same(patchOfForm(parseForm('op=status&status=MONITORING')), { status: 'MONITORING' })
  t.same(patchOfForm(parseForm('op=status')), { status: '' })
  t.equal(patchOfForm(parseForm('')), undefined)
})

t.test('compare-and-set: a writer that always loses gives up with 503; a deleted follow-up is 404', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no context')
  const fu = await openFollowUp(ctx, CPAS.alpha1, { reason: 'r', period: '2016' }, 'p')
  const hash = keys.followUp(ctx.keys, fu.id)
  // Someone else writes between every read and write of this change.
  const busy = () => {
    void ctx.redis.hincrby(hash, 'version', 1)
    return new Date()
  }
  await t.rejects(patchFollowUp(ctx, CPAS.alpha1, fu.id, { visits: [{ date: '2016-01-01', inspector: 'i', findings: [] }] }, 'p', busy), { code: 'GW_ERR_STORE_UNAVAILABLE', status: 503 })
  t.same((await readFollowUp(gw.redis, ctx.keys, fu.id))?.doc.visits, [], 'nothing of it was written')

  const current = await readFollowUp(gw.redis, ctx.keys, fu.id)
  if (!current) throw new Error('gone')
  await gw.redis.del(hash)
  t.equal(await compareAndSet(gw.redis, ctx.keys, current, current.doc), 'gone')
  await t.rejects(patchFollowUp(ctx, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED' }, 'p'), { code: 'GW_ERR_NOT_FOUND' })
})
