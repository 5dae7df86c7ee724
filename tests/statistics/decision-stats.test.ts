/**
 * Decisions in the statistics (issue 19 item 3): accepted and refused cancellations per flow, and
 * decisions per code, counted in the decision's Lua step under the blinker's period, served by
 * GET /v1/statistics. First on a hand-made case whose figures are written out below; then on the
 * demo data set, against counts recomputed here from the generated decisions and blinkers.
 */
import t from 'tap'
import { feedbackCode } from '../../src/domain/feedback-codes.js'
import { FLOWS, type Blinker, type Flow, type Regime } from '../../src/domain/model.js'
import { demoDecisions } from '../../src/statistics/demo-decisions.js'
import { DEFAULT_DECISION_SHARE, demoBlinkers, demoFeedback, loadDemoData } from '../../src/statistics/demo-data.js'
import { demoPlan } from '../../src/statistics/demo-plan.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, decideOn, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const stats = async (gw: TestGateway, query: string) => {
  const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?${query}`, headers: auth(A.inspection) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}
type FlowRow = { flow: string; cancellationsAccepted: number; cancellationsRefused: number; cancellationsDecided: number; acceptedShare: number | null; refusedShare: number | null }
type CodeRow = { code: number; accepted: number; refused: number; decided: number; acceptedShare: number | null; refusedShare: number | null }
const flowRow = (r: { feedback: { perFlow: FlowRow[] } }, flow: string) => r.feedback.perFlow.find((f) => f.flow === flow)
const codeRow = (r: { feedback: { perCode: CodeRow[] } }, code: number) => r.feedback.perCode.find((c) => c.code === code)

t.test('decisions counted per flow and code in the blinker period, once each', async (t) => {
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const form = (periodStart: string) => ({ type: 'B' as const, reference: 'R', periodStart, periodEnd: `${periodStart.slice(0, 8)}28` })
  const pub = (flow: Flow, periodStart: string, regime: Regime = 'DIS') => published(t, gw, CPAS.alpha1, { flow, regime, form: form(periodStart) })
  const send = async (b: Blinker, code: number) => {
    const f = feedbackFor(b, { code })
    t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202, `feedback ${code} stored`)
    return f.messageId
  }
  const decided = async (messageId: string, decision: 'ACCEPTED' | 'REFUSED', status = 200) => {
    const res = await decideOn(gw, messageId, decision, decision === 'REFUSED' ? 'the blinker was right' : undefined)
    t.equal(res.statusCode, status, `${decision} → ${status} ${res.statusCode === status ? '' : res.body}`)
  }

  const b1 = await pub('WORK_INCOME_DIMONA', '2025-02-01')
  const b2 = await pub('WORK_INCOME_DIMONA', '2025-03-01')
  const b3 = await pub('WORK_INCOME_DIMONA', '2025-04-01', 'LAW_1965')
  const b4 = await pub('UNEMPLOYMENT', '2025-05-01')
  const b5 = await pub('UNEMPLOYMENT', '2025-06-01')
  const b6 = await pub('WORK_INCOME_DIMONA', '2024-11-01')
  const b7 = await pub('PENSION', '2025-01-01')
  const b8 = await pub('WORK_INCOME_DIMONA', '2025-07-01')
  const m1 = await send(b1, 131)
  const m2 = await send(b2, 140)
  const m3 = await send(b3, 131)
  const m4 = await send(b4, 2)
  const m5 = await send(b5, 120)
  const m6 = await send(b6, 131)
  await send(b7, 150)
  const m8 = await send(b8, 131)

  await decided(m1, 'ACCEPTED')
  await decided(m1, 'ACCEPTED')
  await decided(m1, 'REFUSED', 409)
  await decided(m2, 'REFUSED')
  // A blinker record stored without `fstat`: the counter reads the period off its document.
  await gw.redis.hdel(keys.blinker(envCtx.keys, b3.blinkerId), 'fstat')
  await decided(m3, 'ACCEPTED')
  await decided(m4, 'ACCEPTED')
  await decided(m5, 'REFUSED')
  await decided(m6, 'ACCEPTED')
  // A blinker closed by resolve meanwhile: the decision is refused and nothing is counted.
  const resolved = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b8.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200)
  await decided(m8, 'ACCEPTED', 409)

  // Written at decision time, nothing else: one field per period × regime × flow × code × decision.
  t.same(await gw.redis.hgetall(keys.statsDecisions(envCtx.keys)), {
    '2025|DIS|WORK_INCOME_DIMONA|131|ACCEPTED': '1',
    '2025|DIS|WORK_INCOME_DIMONA|140|REFUSED': '1',
    '2025|LAW_1965|WORK_INCOME_DIMONA|131|ACCEPTED': '1',
    '2025|DIS|UNEMPLOYMENT|2|ACCEPTED': '1',
    '2025|DIS|UNEMPLOYMENT|120|REFUSED': '1',
    '2024|DIS|WORK_INCOME_DIMONA|131|ACCEPTED': '1',
  })

  const all = await stats(gw, 'period=2025')
  t.same(flowRow(all, 'WORK_INCOME_DIMONA'), { ...flowRow(all, 'WORK_INCOME_DIMONA'), cancellationsAccepted: 2, cancellationsRefused: 1, cancellationsDecided: 3, acceptedShare: 2 / 3, refusedShare: 1 / 3 })
  t.match(flowRow(all, 'UNEMPLOYMENT'), { cancellationsAccepted: 0, cancellationsRefused: 1, cancellationsDecided: 1, acceptedShare: 0, refusedShare: 1 }, 'the justified code 2 is not a cancellation')
  t.match(flowRow(all, 'PENSION'), { unjustified: 1, cancellationsDecided: 0, acceptedShare: null, refusedShare: null }, 'undecided')
  t.match(codeRow(all, 131), { count: 3, accepted: 2, refused: 0, decided: 2, acceptedShare: 1, refusedShare: 0 }, '131: the third is not decided (closed by resolve)')
  t.match(codeRow(all, 140), { accepted: 0, refused: 1, refusedShare: 1 })
  t.match(codeRow(all, 2), { kind: 'JUSTIFIED', accepted: 1, refused: 0, acceptedShare: 1 })
  t.match(codeRow(all, 120), { refused: 1, decided: 1 })
  t.match(codeRow(all, 150), { count: 1, decided: 0, acceptedShare: null, refusedShare: null })

  const dis = await stats(gw, 'period=2025&regime=DIS')
  t.match(flowRow(dis, 'WORK_INCOME_DIMONA'), { cancellationsAccepted: 1, cancellationsRefused: 1, acceptedShare: 0.5 })
  const law = await stats(gw, 'period=2025&regime=LAW_1965')
  t.match(flowRow(law, 'WORK_INCOME_DIMONA'), { cancellationsAccepted: 1, cancellationsRefused: 0, acceptedShare: 1 })
  t.match(codeRow(law, 131), { accepted: 1 })
  const y2024 = await stats(gw, 'period=2024')
  t.match(flowRow(y2024, 'WORK_INCOME_DIMONA'), { cancellationsAccepted: 1, cancellationsDecided: 1 }, 'the 2024 blinker counts in 2024')
  t.equal(flowRow(y2024, 'UNEMPLOYMENT')?.cancellationsDecided, 0)
})

t.test('the demo data set decides cancellations; the counts match the generated decisions', async (t) => {
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const parties = envCtx.parties.parties
  const LIMIT = 40
  const SHARE = 0.5
  const summary = await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: LIMIT, feedbackShare: SHARE })
  t.equal(summary.rejected, 0)

  // Recomputed from the generator: blinkers → feedback → decisions, grouped here by the blinker.
  const blinkers = demoBlinkers(demoPlan().slice(0, LIMIT), 2016, 2016)
  const byId = new Map(blinkers.map((b) => [b.blinkerId, b]))
  const feedback = demoFeedback(blinkers, SHARE, 2016 + 2016)
  t.equal(summary.feedback, feedback.length, 'every demo feedback stored')
  const decisions = demoDecisions(feedback, new Map(blinkers.map((b) => [b.blinkerId, b.flow])), DEFAULT_DECISION_SHARE, 2016 + 2016)
  const accepted = decisions.filter((d) => d.decision === 'ACCEPTED').length
  t.same(summary.decisions, { accepted, refused: decisions.length - accepted })
  t.ok(decisions.length > 0.4 * feedback.length && decisions.length < 0.8 * feedback.length, `${decisions.length} of ${feedback.length} decided`)

  for (const regime of ['ALL', 'DIS', 'LAW_1965'] as const) {
    const expectFlow = new Map<string, { a: number; r: number }>(FLOWS.map((f) => [f, { a: 0, r: 0 }]))
    const expectCode = new Map<number, { a: number; r: number }>()
    for (const d of decisions) {
      const b = byId.get(d.blinkerId) as Blinker
      if (regime !== 'ALL' && b.regime !== regime) continue
      const c = expectCode.get(d.code) ?? { a: 0, r: 0 }
      expectCode.set(d.code, c)
      const x = d.decision === 'ACCEPTED' ? 'a' : 'r'
      c[x]++
      if (feedbackCode(d.code)?.kind === 'UNJUSTIFIED') (expectFlow.get(b.flow) as { a: number; r: number })[x]++
    }
    const r = await stats(gw, `period=2016${regime === 'ALL' ? '' : `&regime=${regime}`}`)
    const got = (r.feedback.perFlow as FlowRow[]).map((f) => [f.flow, f.cancellationsAccepted, f.cancellationsRefused, f.acceptedShare, f.refusedShare])
    const want = [...expectFlow].map(([flow, { a, r: n }]) => [flow, a, n, a + n ? a / (a + n) : null, a + n ? n / (a + n) : null])
    t.same(got, want, `${regime}: accepted / refused cancellations per flow`)
    const codes = (r.feedback.perCode as CodeRow[]).filter((c) => c.decided > 0).map((c) => [c.code, c.accepted, c.refused])
    t.same(codes, [...expectCode].sort(([x], [y]) => x - y).map(([code, { a, r: n }]) => [code, a, n]), `${regime}: decisions per code`)
  }
  // The demo's story: DIMONA cancellations mostly accepted, insurability's often refused.
  const all = await stats(gw, 'period=2016')
  t.ok((flowRow(all, 'WORK_INCOME_DIMONA')?.acceptedShare ?? 0) > 0.8, 'DIMONA: mostly accepted')
  t.ok((flowRow(all, 'WORK_INCOME_DIMONA')?.cancellationsDecided ?? 0) > 20, 'DIMONA: enough decided cancellations to mean something')

  // Loading again decides nothing twice: the counters stay.
  const before = await gw.redis.hgetall(keys.statsDecisions(envCtx.keys))
  await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: LIMIT, feedbackShare: SHARE })
  t.same(await gw.redis.hgetall(keys.statsDecisions(envCtx.keys)), before, 'a second load changes no counter')
})
