/** Cycles: parsing (every refusal is 400 GW_ERR_BAD_PARAMETER), the running cycle, the semester evaluations. */
import t from 'tap'
import { cycleOf, evaluationsOf, knownCycles, parseCycle } from '../../src/barometer/cycles.js'
import { GatewayError } from '../../src/errors.js'

const at = (iso: string) => new Date(iso)

t.test('cycle ids: two calendar years from an even one, 2016-2017 to the running one', async (t) => {
  const now = at('2026-12-02T10:00:00Z')
  t.match(parseCycle('2016-2017', now), { id: '2016-2017', start: '2016-01-01', end: '2017-12-31', endExclusive: '2018-01-01', final: true })
  t.match(parseCycle('current', now), { id: '2026-2027', start: '2026-01-01', end: '2027-12-31', final: false })
  t.equal(parseCycle(undefined, now).id, '2026-2027', 'no cycle = current')
  t.equal(parseCycle('current', at('2027-03-01T00:00:00Z')).id, '2026-2027', 'an odd year is the second of its cycle')
  t.equal(parseCycle('2024-2025', now).final, true)
  for (const bad of ['2017-2018', '2016-2018', '2016-2016', '2014-2015', '2028-2029', '2016', '16-17', 'current ', '2016-2017x', '', 'CURRENT']) {
    let refused: unknown
    try {
      parseCycle(bad, now)
    } catch (err) {
      refused = err
    }
    t.ok(refused instanceof GatewayError, `${JSON.stringify(bad)} is refused`)
    t.match(refused, { code: 'GW_ERR_BAD_PARAMETER', status: 400, errors: [{ path: 'querystring:/cycle' }] })
  }
  t.same(knownCycles(now), ['2026-2027', '2024-2025', '2022-2023', '2020-2021', '2018-2019', '2016-2017'])
  t.equal(cycleOf(2026, at('2028-01-01T00:00:00Z')).final, true, 'final from the first moment after its end')
  t.equal(cycleOf(2026, at('2027-12-31T23:59:59Z')).final, false)
})

t.test('evaluations: one per semester, cumulative from the cycle start; the running one to date', async (t) => {
  const now = at('2027-02-10T08:00:00Z')
  const e = evaluationsOf(parseCycle('2026-2027', now), now)
  t.same(
    e.map((x) => [x.id, x.window.start, x.window.end, x.end, x.complete]),
    [
      ['2026H1', '2026-01-01', '2026-07-01', '2026-06-30', true],
      ['2026H2', '2026-01-01', '2027-01-01', '2026-12-31', true],
      ['2027H1', '2026-01-01', '2027-07-01', '2027-06-30', false],
    ],
  )
  t.equal(e[0]?.asOf.toISOString(), '2026-07-01T00:00:00.000Z', 'a finished semester is judged as of its end')
  t.equal(e[2]?.asOf.toISOString(), now.toISOString(), 'the running one as of now')
  const ended = evaluationsOf(parseCycle('2016-2017', now), now)
  t.same(ended.map((x) => x.id), ['2016H1', '2016H2', '2017H1', '2017H2'])
  t.ok(ended.every((x) => x.complete))
  t.equal(ended.at(-1)?.window.end, '2018-01-01', 'the final evaluation covers the whole cycle')
  const first = at('2026-01-01T00:00:00Z')
  t.same(evaluationsOf(parseCycle('current', first), first).map((x) => [x.id, x.complete]), [['2026H1', false]], 'the first day of a cycle: one evaluation to date')
})
