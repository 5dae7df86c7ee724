/**
 * The demo data set, loaded through the real publish path, reproduces every figure of the seed
 * (2016) through GET /{env}/v1/statistics: regime totals and rates, the shares of CPAS under 5, 7
 * and 10 %, the quartiles, the 31 CPAS without a blinker and the one at 28 %.
 */
import t from 'tap'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const pct = (x: number) => Math.round(x * 10_000) / 100

t.test('the demo data set gives the seed figures through the API', async (t) => {
  // The data set is published in this process: the load-shedding guard would answer 503 to the
  // requests that follow; it is not what this test is about.
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const parties = envCtx.parties.parties
  const started = Date.now()
  const summary = await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never)
  t.comment(`published ${summary.blinkers} blinkers for ${summary.cpas} CPAS in ${Date.now() - started} ms`)
  t.equal(summary.cpas, 580)
  t.equal(summary.accepted, summary.blinkers, 'every blinker accepted')
  t.equal(summary.rejected, 0)

  const get = async (query: string) => {
    const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?${query}`, headers: auth(TOKENS.acceptance.inspection) })
    t.equal(res.statusCode, 200, query)
    return res.json()
  }

  const law = await get('period=2016&regime=LAW_1965')
  t.match(law.totals, { files: 49_194, filesWithBlinker: 1_876 })
  t.equal(pct(law.totals.rate), 3.81, 'law of 1965: 3.81 %')
  const dis = await get('period=2016&regime=DIS')
  t.match(dis.totals, { files: 207_237, filesWithBlinker: 14_598 })
  t.equal(pct(dis.totals.rate), 7.04, 'DIS: 7.04 %')

  const all = await get('period=2016')
  t.equal(all.regime, 'ALL')
  t.equal(all.distribution.count, 580)
  t.same(
    all.distribution.under.map((u: { threshold: number; count: number; share: number }) => [u.threshold, u.count, u.share]),
    [
      [0.05, 145, 0.25],
      [0.07, 290, 0.5],
      [0.1, 435, 0.75],
    ],
    'a quarter under 5 %, half under 7 %, three quarters under 10 %',
  )
  t.same([pct(all.distribution.q1), pct(all.distribution.median), pct(all.distribution.q3)].map(Math.round), [5, 7, 10], 'quartiles 5 / 7 / 10 %')
  t.ok(all.distribution.q1 < 0.05 && all.distribution.median < 0.07 && all.distribution.q3 < 0.1, 'nearest-rank quartiles are the last CPAS under each line')
  t.equal(all.withoutBlinker.length, 31, '31 CPAS without a blinker')
  t.equal(all.distribution.max, 0.28, 'one CPAS at 28 %')
  t.equal(all.above10.filter((c: { rate: number }) => c.rate === 0.28).length, 1)
  t.equal(all.above10[0].rate, 0.28, 'the 28 % CPAS tops the inspection list')
  t.equal(all.above10.length, 145, 'a quarter of the CPAS above 10 %')
  t.equal(all.between5And10.length, 290)
  t.equal(all.missingFiles.length, 0)
  t.match(all.perRegime, [
    { regime: 'DIS', files: 207_237, filesWithBlinker: 14_598 },
    { regime: 'LAW_1965', files: 49_194, filesWithBlinker: 1_876 },
  ])
  t.ok(all.totals.blinkers > all.totals.filesWithBlinker, 'some beneficiaries have several blinkers')
  t.equal(all.totals.blinkers, summary.blinkers)
  t.equal(all.openByAge[0].count, summary.blinkers, 'every blinker is open and younger than 30 days')

  const again = await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never)
  t.equal(again.duplicates, summary.blinkers, 'loading again publishes nothing twice')
  const after = await get('period=2016&regime=DIS')
  t.equal(after.totals.filesWithBlinker, 14_598, 'and the figures stay')
})
