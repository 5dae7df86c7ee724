/**
 * The demo data set's follow-ups: CPAS above 10 % in the earliest year whose rates fall after. Their
 * trajectories and target flags, as the API answers them, are checked against figures recomputed
 * here from the generated data itself (the blinkers the generator produces, distinct beneficiaries
 * counted in this test, over the plan's files), not from the gateway's counters; the seed year
 * keeps its figures; loading again opens nothing twice.
 */
import t from 'tap'
import { REGIMES } from '../../src/domain/model.js'
import { chooseDemoFollowUps, withFallingRates } from '../../src/follow-up/demo-follow-ups.js'
import { demoBlinkers, loadDemoData } from '../../src/statistics/demo-data.js'
import { demoPlan, scaledPlan, type DemoCpas } from '../../src/statistics/demo-plan.js'
import { startGateway } from '../helpers/gateway.js'
import { get } from './helpers.js'

const LIMIT = 90
const TREND = [
  [2014, 0.97, 1.22],
  [2015, 0.98, 1.1],
] as const

t.test('demo follow-ups: falling trajectories and target flags match the generated data', async (t) => {
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const parties = envCtx.parties.parties
  const summary = await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: LIMIT, trendYears: TREND })
  t.equal(summary.rejected, 0)

  // Independent figures: the generator's own blinkers, beneficiaries counted here, per CPAS and year.
  const base = demoPlan().slice(0, LIMIT)
  const chosen = chooseDemoFollowUps(base)
  const years = withFallingRates([[2016, base], ...TREND.map(([y, ff, rf]) => [y, scaledPlan(base, ff, rf)] as [number, DemoCpas[]])], chosen, 2016)
  const expected = new Map<string, number>()
  for (const [year, plan] of years) {
    const people = new Map<string, Set<string>>()
    for (const b of demoBlinkers(plan, year, 2016)) {
      const set = people.get(b.cpasKbo) ?? new Set()
      set.add(`${b.regime}:${b.beneficiary.niss}`)
      people.set(b.cpasKbo, set)
    }
    for (const c of plan) expected.set(`${c.kbo}|${year}`, (people.get(c.kbo)?.size ?? 0) / REGIMES.reduce((a, r) => a + c.files[r], 0))
  }
  t.equal(summary.followUps, chosen.length)
  t.ok(chosen.filter((c) => c.role === 'improver').length >= 2, 'some meet the target')
  t.ok(chosen.some((c) => c.role === 'partial'), 'some are better, not yet under 5 %')
  t.ok(chosen.some((c) => c.role === 'stuck'), 'one is still above 10 %')

  const items = (await get(gw, '/v1/follow-ups')).json().items as { cpasKbo: string; status: string; period: string; targetMet: boolean; trajectory: { period: string; rate: number }[]; history: { by: string }[] }[]
  t.equal(items.length, chosen.length)
  for (const c of chosen) {
    const fu = items.find((i) => i.cpasKbo === c.kbo)
    if (!fu) {
      t.fail(`no follow-up for ${c.kbo}`)
      continue
    }
    t.equal(fu.period, '2014', `${c.kbo}: opened for the earliest year`)
    t.equal(fu.status, c.status, `${c.kbo} (${c.role}): ${c.status}`)
    // Periods with a rate are the plan's years; any other (blinkers of other demo traffic, no files) has none.
    const rated = fu.trajectory.filter((p) => p.rate !== null)
    t.same(
      rated.map((p) => [p.period, p.rate]),
      [2014, 2015, 2016].map((y) => [String(y), expected.get(`${c.kbo}|${y}`)]),
      `${c.kbo} (${c.role}): the trajectory is the generated data's`,
    )
    t.ok(fu.trajectory.every((p) => p.rate !== null || !['2014', '2015', '2016'].includes(p.period)), `${c.kbo}: no rate missing in the plan's years`)
    const rates = rated.map((p) => p.rate)
    t.ok((rates[0] as number) > 0.1, `${c.kbo}: above 10 % when opened (${rates[0]})`)
    t.ok((rates[0] as number) > (rates[1] as number) && (rates[1] as number) > (rates[2] as number), `${c.kbo}: falling ${rates.join(' > ')}`)
    const last = expected.get(`${c.kbo}|2016`) as number
    t.equal(fu.targetMet, last < 0.05, `${c.kbo}: targetMet ${String(last < 0.05)}`)
    t.equal(fu.targetMet, c.role === 'improver', `${c.kbo}: only the improvers meet the target`)
    t.ok(fu.history.every((h) => h.by === 'inspection'), 'made by the inspection party')
    // The seed year is untouched: the base plan's rate.
    const seed = base.find((b) => b.kbo === c.kbo) as DemoCpas
    t.equal(last, (seed.withBlinker.DIS + seed.withBlinker.LAW_1965) / (seed.files.DIS + seed.files.LAW_1965), `${c.kbo}: 2016 as planned`)
  }

  const again = await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: LIMIT, trendYears: TREND })
  t.equal(again.followUps, 0, 'loading again opens nothing twice')
  t.equal(again.accepted, 0)
  t.equal((await get(gw, '/v1/follow-ups')).json().items.length, chosen.length)
})
