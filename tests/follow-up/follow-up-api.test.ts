/**
 * The follow-up API (contract section 9): open, record visits and actions, move the status, list;
 * the trajectory equals the statistics' own rate of the CPAS per period and the figures put in;
 * every refusal answers its status and code and changes nothing; concurrent PATCHes are all kept;
 * history and the audit trail name who made each change.
 */
import t from 'tap'
import { readAuditEntry } from '../../src/security/audit-chain.js'
import { auditWriter } from '../../src/security/audit-trail.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { startGateway } from '../helpers/gateway.js'
import { A, get, open, patch, rateFor } from './helpers.js'

// A valid KBO known to nobody (97 - first eight mod 97 = 97 - 2300011 mod 97 ...).
const kboOf = (first8: string) => `${first8}${String(97 - Number(BigInt(first8) % 97n)).padStart(2, '0')}`
const UNKNOWN = kboOf('09876543')
const STATS_ONLY = kboOf('08765432')

t.test('open, visit, plan, move to CLOSED: trajectory from the statistics, history with who and when', async (t) => {
  const gw = await startGateway(t)
  // alpha1: 15 of 120 files in 2015 (12.5 %), 9 of 150 in 2016 (6 %), 4 of 100 in 2017 (4 %).
  await rateFor(t, gw, CPAS.alpha1, 2015, { DIS: 100, LAW_1965: 20 }, 15)
  await rateFor(t, gw, CPAS.alpha1, 2016, { DIS: 120, LAW_1965: 30 }, 9)
  await rateFor(t, gw, CPAS.alpha1, 2017, { DIS: 80, LAW_1965: 20 }, 4)
  // Another CPAS's figures must not leak into alpha1's trajectory.
  await rateFor(t, gw, CPAS.beta, 2016, { DIS: 10, LAW_1965: 0 }, 5)

  const res = await open(gw, CPAS.alpha1, { reason: 'Above 10 % in 2015', period: '2015' })
  t.equal(res.statusCode, 201, res.body)
  const fu = res.json()
  t.match(fu, { id: /^FU-\d{6}$/, cpasKbo: CPAS.alpha1, status: 'OPEN', openedBy: 'inspection', reason: 'Above 10 % in 2015', period: '2015', visits: [], actions: [], targetMet: true })
  t.ok(Date.parse(fu.openedAt) > Date.now() - 60_000, 'openedAt is now')
  t.same(
    fu.trajectory.map((p: { period: string; rate: number }) => [p.period, p.rate]),
    [
      ['2015', 15 / 120],
      ['2016', 9 / 150],
      ['2017', 4 / 100],
    ],
    'rates per period from the files and beneficiaries put in',
  )
  for (const p of fu.trajectory) {
    const stats = (await get(gw, `/v1/statistics?period=${p.period}`)).json()
    t.equal(p.rate, stats.cpas.find((c: { cpasKbo: string }) => c.cpasKbo === CPAS.alpha1).rate, `${p.period}: the same rate as GET /v1/statistics`)
  }
  // Opened for 2016: the trajectory starts there.
  const later = (await open(gw, CPAS.alpha1, { reason: 'second look', period: '2016' })).json()
  t.same(later.trajectory.map((p: { period: string }) => p.period), ['2016', '2017'])

  const visit = { date: '2016-05-12', inspector: 'Inspector Peeters', findings: ['FORM_B_PARTNER_INCOME_MISSING', 'EX_PARTNER_ON_FORM'], notes: ' Two files checked ' }
  const p1 = await patch(gw, CPAS.alpha1, fu.id, { visits: [visit], actions: [{ text: 'Complete form B with the partner income', owner: 'Social service', dueDate: '2016-09-30' }] })
  t.equal(p1.statusCode, 200, p1.body)
  const after1 = p1.json()
  t.match(after1.visits, [{ date: '2016-05-12', inspector: 'Inspector Peeters', findings: visit.findings, notes: 'Two files checked', addedBy: 'inspection' }])
  t.match(after1.actions, [{ text: 'Complete form B with the partner income', owner: 'Social service', dueDate: '2016-09-30', done: false, updatedBy: 'inspection' }])
  const actionId = after1.actions[0].id

  const p2 = await patch(gw, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED', actions: [{ id: actionId, done: true }] })
  t.equal(p2.statusCode, 200, p2.body)
  t.equal(p2.json().status, 'PLAN_AGREED')
  t.match(p2.json().actions[0], { done: true, doneAt: /^\d{4}-/ })
  t.equal((await patch(gw, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED' })).json().history.length, p2.json().history.length, 'the same status again records nothing')
  // Updating an action: only the fields that change are recorded; done back to false clears doneAt.
  const edit = (await patch(gw, CPAS.alpha1, fu.id, { actions: [{ id: actionId, text: ' Complete form B with the partner income ', owner: 'Head of service', dueDate: '2016-10-31', done: false }] })).json()
  t.match(edit.actions[0], { text: 'Complete form B with the partner income', owner: 'Head of service', dueDate: '2016-10-31', done: false })
  t.notOk('doneAt' in edit.actions[0], 'doneAt cleared')
  t.same(edit.history.at(-1).fields, ['owner', 'dueDate', 'done'], 'the unchanged text is not recorded')
  t.equal((await patch(gw, CPAS.alpha1, fu.id, { actions: [{ id: actionId, owner: 'Head of service' }] })).json().history.length, edit.history.length, 'no change, no entry')
  t.equal((await patch(gw, CPAS.alpha1, fu.id, { actions: [{ id: actionId, done: true }, { text: 'Second', owner: 'o', dueDate: '2016-11-30', done: true }] })).json().actions[1].done, true, 'a new action may be done at once')
  t.equal((await patch(gw, CPAS.alpha1, fu.id, { status: 'MONITORING' })).statusCode, 200)
  const closed = await patch(gw, CPAS.alpha1, fu.id, { status: 'CLOSED' })
  t.equal(closed.statusCode, 200)
  const history = closed.json().history
  t.same(
    history.map((h: { change: string; status?: string; from?: string; fields?: string[] }) => [h.change, h.from ?? '', h.status ?? '', (h.fields ?? []).join()]),
    [
      ['opened', '', 'OPEN', ''],
      ['visit-added', '', '', ''],
      ['action-added', '', '', ''],
      ['action-updated', '', '', 'done'],
      ['status-changed', 'OPEN', 'PLAN_AGREED', ''],
      ['action-updated', '', '', 'owner,dueDate,done'],
      ['action-updated', '', '', 'done'],
      ['action-added', '', '', ''],
      ['status-changed', 'PLAN_AGREED', 'MONITORING', ''],
      ['status-changed', 'MONITORING', 'CLOSED', ''],
    ],
  )
  for (const h of history) {
    t.equal(h.by, 'inspection', `${h.change}: by the calling party (no person logged in)`)
    t.ok(Date.parse(h.at) >= Date.parse(fu.openedAt), `${h.change}: at`)
  }

  // A closed follow-up is final.
  const refused = await patch(gw, CPAS.alpha1, fu.id, { visits: [visit] })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'GW_ERR_ILLEGAL_TRANSITION')

  // Lists: all, by status, by CPAS; each item with its trajectory and flag.
  const all = (await get(gw, '/v1/follow-ups')).json().items
  t.same(all.map((f: { id: string }) => f.id), [fu.id, later.id], 'oldest opened first')
  t.same((await get(gw, '/v1/follow-ups?status=CLOSED')).json().items.map((f: { id: string }) => f.id), [fu.id])
  t.same((await get(gw, '/v1/follow-ups?status=OPEN')).json().items.map((f: { id: string }) => f.id), [later.id])
  t.same((await get(gw, '/v1/follow-ups?status=PLAN_AGREED')).json().items, [])
  const ofCpas = (await get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups`)).json().items
  t.same(ofCpas.map((f: { id: string }) => f.id), [fu.id, later.id])
  t.equal(ofCpas[0].targetMet, true)
  t.same((await get(gw, `/v1/cpas/${CPAS.beta}/follow-ups`)).json(), { items: [] })
  const one = await get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups/${fu.id}`)
  t.equal(one.statusCode, 200)
  t.same(one.json(), ofCpas[0], 'GET one answers what the list holds')

  // The audit trail has every POST and PATCH with the caller and the CPAS.
  const ctx = gw.contexts.get('acceptance') as never
  await auditWriter(ctx)?.drain()
  const rows = (await gw.redis.xrange(keys.audit((ctx as { keys: string }).keys), '-', '+')).map(([, flat]) => readAuditEntry(flat))
  const mine = rows.filter((r) => typeof r !== 'string' && r.fields.route.includes('follow-ups')).map((r) => (typeof r === 'string' ? undefined : r.fields))
  t.equal(mine.filter((r) => r?.method === 'POST').length, 2, 'both openings audited')
  t.equal(mine.filter((r) => r?.method === 'PATCH').length, 9, 'every PATCH audited, the refused one too')
  t.ok(mine.every((r) => r?.party === 'inspection' && r.cpas === CPAS.alpha1), 'with the party and the CPAS')
  t.same(mine.filter((r) => r?.status === '409').length, 1, 'the refusal with its status')
})

t.test('the target flag: latest rated period under 5 %, none without figures', async (t) => {
  const gw = await startGateway(t)
  await rateFor(t, gw, CPAS.alpha2, 2016, { DIS: 80, LAW_1965: 20 }, 12)
  await rateFor(t, gw, CPAS.alpha2, 2017, { DIS: 80, LAW_1965: 20 }, 5)
  const fu = (await open(gw, CPAS.alpha2, { reason: 'r', period: '2016' })).json()
  t.same(fu.trajectory.map((p: { rate: number }) => p.rate), [0.12, 0.05])
  t.equal(fu.targetMet, false, 'exactly 5 % is not under 5 %')
  // A CPAS of the parties file without any figures: allowed, empty trajectory, target not met.
  const bare = await open(gw, CPAS.beta, { reason: 'r', period: '2016' })
  t.equal(bare.statusCode, 201)
  t.match(bare.json(), { trajectory: [], targetMet: false })
  // Known only by its statistics (an Excel-list CPAS): allowed.
  await rateFor(t, gw, STATS_ONLY, 2017, { DIS: 50, LAW_1965: 0 }, 0)
  const excel = await open(gw, STATS_ONLY, { reason: 'r', period: '2017' })
  t.equal(excel.statusCode, 201, excel.body)
  t.match(excel.json().trajectory, [{ period: '2017', rate: 0, files: 50, filesWithBlinker: 0 }])
  t.equal(excel.json().targetMet, true)
})

t.test('refusals: role, validation, unknown CPAS and id, illegal moves; nothing changes', async (t) => {
  const gw = await startGateway(t)
  const fu = (await open(gw, CPAS.alpha1, { reason: 'r', period: '2016' })).json()
  const snapshot = async () => (await get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups/${fu.id}`)).json()
  const before = await snapshot()
  const cases: [string, () => ReturnType<typeof open>, number, string][] = [
    ['software house opens', () => open(gw, CPAS.alpha1, { reason: 'r', period: '2016' }, A.alpha), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['publisher opens', () => open(gw, CPAS.alpha1, { reason: 'r', period: '2016' }, A.publisher), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['software house patches', () => patch(gw, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED' }, A.alpha), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['publisher lists', () => get(gw, '/v1/follow-ups', A.publisher), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['software house lists its CPAS', () => get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups`, A.alpha), 403, 'GW_ERR_FORBIDDEN_ROLE'],
    ['no reason', () => open(gw, CPAS.alpha1, { period: '2016' }), 400, 'GW_ERR_VALIDATION'],
    ['blank reason', () => open(gw, CPAS.alpha1, { reason: '   ', period: '2016' }), 400, 'GW_ERR_VALIDATION'],
    ['bad period', () => open(gw, CPAS.alpha1, { reason: 'r', period: '16' }), 400, 'GW_ERR_VALIDATION'],
    ['extra field', () => open(gw, CPAS.alpha1, { reason: 'r', period: '2016', status: 'CLOSED' }), 400, 'GW_ERR_VALIDATION'],
    ['kbo checksum', () => open(gw, '0212344877', { reason: 'r', period: '2016' }), 400, 'GW_ERR_BAD_PARAMETER'],
    ['unknown CPAS', () => open(gw, UNKNOWN, { reason: 'r', period: '2016' }), 404, 'GW_ERR_NOT_FOUND'],
    ['bad id', () => patch(gw, CPAS.alpha1, 'FU-1', { status: 'PLAN_AGREED' }), 400, 'GW_ERR_BAD_PARAMETER'],
    ['unknown id', () => patch(gw, CPAS.alpha1, 'FU-999999', { status: 'PLAN_AGREED' }), 404, 'GW_ERR_NOT_FOUND'],
    ['unknown id (GET)', () => get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups/FU-999999`), 404, 'GW_ERR_NOT_FOUND'],
    ['id of another CPAS', () => patch(gw, CPAS.beta, fu.id, { status: 'PLAN_AGREED' }), 404, 'GW_ERR_NOT_FOUND'],
    ['empty patch', () => patch(gw, CPAS.alpha1, fu.id, {}), 400, 'GW_ERR_VALIDATION'],
    ['unknown status', () => patch(gw, CPAS.alpha1, fu.id, { status: 'DONE' }), 400, 'GW_ERR_VALIDATION'],
    ['unknown finding', () => patch(gw, CPAS.alpha1, fu.id, { visits: [{ date: '2016-05-01', inspector: 'x', findings: ['LAZY'] }] }), 400, 'GW_ERR_VALIDATION'],
    ['OTHER without notes', () => patch(gw, CPAS.alpha1, fu.id, { visits: [{ date: '2016-05-01', inspector: 'x', findings: ['OTHER'] }] }), 400, 'GW_ERR_VALIDATION'],
    ['bad visit date', () => patch(gw, CPAS.alpha1, fu.id, { visits: [{ date: '2016-13-45', inspector: 'x', findings: [] }] }), 400, 'GW_ERR_VALIDATION'],
    ['new action without owner', () => patch(gw, CPAS.alpha1, fu.id, { actions: [{ text: 'a', dueDate: '2016-06-01' }] }), 400, 'GW_ERR_VALIDATION'],
    ['unknown action id', () => patch(gw, CPAS.alpha1, fu.id, { actions: [{ id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', done: true }] }), 400, 'GW_ERR_VALIDATION'],
    ['skip a step', () => patch(gw, CPAS.alpha1, fu.id, { status: 'MONITORING' }), 409, 'GW_ERR_ILLEGAL_TRANSITION'],
    ['plan without an action', () => patch(gw, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED' }), 422, 'GW_ERR_BUSINESS_RULE'],
    ['a valid visit with an illegal move: all or nothing', () => patch(gw, CPAS.alpha1, fu.id, { visits: [{ date: '2016-05-01', inspector: 'x', findings: [] }], status: 'CLOSED' }), 409, 'GW_ERR_ILLEGAL_TRANSITION'],
    ['bad status filter', () => get(gw, '/v1/follow-ups?status=NOPE'), 400, 'GW_ERR_BAD_PARAMETER'],
  ]
  for (const [name, call, status, code] of cases) {
    const res = await call()
    t.equal(res.statusCode, status, `${name}: ${res.body}`)
    t.equal(res.json().code, code, name)
    t.match(res.headers['content-type'], /problem\+json/, `${name}: problem+json`)
  }
  t.same(await snapshot(), before, 'nothing changed')
  t.equal((await get(gw, '/v1/follow-ups')).json().items.length, 1, 'no follow-up opened by a refusal')

  // Backward: after moving forward, going back is refused too.
  await patch(gw, CPAS.alpha1, fu.id, { actions: [{ text: 'a', owner: 'o', dueDate: '2016-06-01' }], status: 'PLAN_AGREED' })
  const back = await patch(gw, CPAS.alpha1, fu.id, { status: 'OPEN' })
  t.equal(back.statusCode, 409)
  t.equal(back.json().code, 'GW_ERR_ILLEGAL_TRANSITION')
})

t.test('concurrent PATCHes: every change is kept, none overwrites another', async (t) => {
  const gw = await startGateway(t)
  const fu = (await open(gw, CPAS.alpha1, { reason: 'r', period: '2016' })).json()
  const n = 24
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      patch(gw, CPAS.alpha1, fu.id, i % 2 === 0 ? { actions: [{ text: `action ${i}`, owner: 'o', dueDate: '2016-06-01' }] } : { visits: [{ date: '2016-05-01', inspector: `inspector ${i}`, findings: ['FLOW_DATA_LATE'] }] }),
    ),
  )
  t.same(answers.map((a) => a.statusCode), Array(n).fill(200))
  const after = (await get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups/${fu.id}`)).json()
  t.same(after.actions.map((a: { text: string }) => a.text).sort(), Array.from({ length: n / 2 }, (_, i) => `action ${2 * i}`).sort())
  t.same(after.visits.map((v: { inspector: string }) => v.inspector).sort(), Array.from({ length: n / 2 }, (_, i) => `inspector ${2 * i + 1}`).sort())
  t.equal(after.history.length, 1 + n, 'one history entry per change')
  t.equal(Number(await gw.redis.hget(keys.followUp(`${gw.prefix}:acceptance:`, fu.id), 'version')), 1 + n, 'one version per write')

  // Concurrent moves of the status: one moves it, the other finds it moved (the same status: no change).
  await patch(gw, CPAS.alpha1, fu.id, { status: 'PLAN_AGREED' })
  const moves = await Promise.all([patch(gw, CPAS.alpha1, fu.id, { status: 'MONITORING' }), patch(gw, CPAS.alpha1, fu.id, { status: 'MONITORING' })])
  t.same(moves.map((m) => m.statusCode), [200, 200])
  const final = (await get(gw, `/v1/cpas/${CPAS.alpha1}/follow-ups/${fu.id}`)).json()
  t.equal(final.history.filter((h: { status?: string }) => h.status === 'MONITORING').length, 1, 'moved once')
  t.same((await get(gw, '/v1/follow-ups?status=MONITORING')).json().items.map((f: { id: string }) => f.id), [fu.id], 'the status index follows')
  t.same((await get(gw, '/v1/follow-ups?status=PLAN_AGREED')).json().items, [])
})
