/**
 * Statistics routes and counters on small hand-made cases: denominators, distinct beneficiaries,
 * regimes, missing files, feedback per flow and code, open blinkers by age and the CLOSED
 * transition, validation and roles.
 */
import t from 'tap'
import { computeStatistics } from '../../src/statistics/compute.js'
import { nearestRank, distribution } from '../../src/statistics/quartiles.js'
import { monthlyBlinkers, trend } from '../../src/statistics/statistics-service.js'
import { openByAge } from '../../src/store/statistics-store.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const putFiles = (gw: TestGateway, body: unknown, token: string = A.publisher) =>
  gw.app.inject({ method: 'PUT', url: '/acceptance/v1/statistics/files', headers: auth(token), payload: body as object })
const stats = (gw: TestGateway, query: string, token: string = A.inspection) => gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?${query}`, headers: auth(token) })

t.test('counters from publication and feedback, rates from the files', async (t) => {
  const gw = await startGateway(t)
  const form = (periodStart: string) => ({ type: 'B' as const, reference: 'R', periodStart })
  // alpha1: one person with two DIS blinkers in 2024 (one file), another with a LAW_1965 blinker.
  const b1 = await published(t, gw, CPAS.alpha1, { form: form('2024-02-01'), beneficiary: { niss: '85073003328' }, flow: 'WORK_INCOME_DIMONA' })
  const b2 = await published(t, gw, CPAS.alpha1, { form: form('2024-05-01'), beneficiary: { niss: '85073003328' }, flow: 'UNEMPLOYMENT' })
  await published(t, gw, CPAS.alpha1, { form: form('2024-05-01'), regime: 'LAW_1965', beneficiary: { niss: '01020304031' }, flow: 'PENSION' })
  // beta: a 2023 blinker (another period) and a 2024 one; alpha2: blinkers but no files.
  await published(t, gw, CPAS.beta, { form: form('2023-12-01') })
  await published(t, gw, CPAS.beta, { form: form('2024-01-01') })
  await published(t, gw, CPAS.alpha2, { form: form('2024-01-01') })

  t.equal((await putFiles(gw, { period: '2024', counts: [
    { cpasKbo: CPAS.alpha1, regime: 'DIS', files: 10 },
    { cpasKbo: CPAS.alpha1, regime: 'LAW_1965', files: 10 },
    { cpasKbo: CPAS.beta, regime: 'DIS', files: 100 },
    { cpasKbo: '0230001153', regime: 'DIS', files: 40 },
  ] })).statusCode, 204)

  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b1, { code: 131 }))).statusCode, 202)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b2, { code: 2 }))).statusCode, 202)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b2, { code: 120 }))).statusCode, 202, 'a second feedback on the same blinker counts too')

  const all = await stats(gw, 'period=2024')
  t.equal(all.statusCode, 200)
  const r = all.json()
  const alpha1 = r.cpas.find((c: { cpasKbo: string }) => c.cpasKbo === CPAS.alpha1)
  t.match(alpha1, { files: 20, filesWithBlinker: 2, blinkers: 3, rate: 0.1, blinkersPer100Files: 15, channel: 'electronic', softwareHouse: 'alpha', name: 'CPAS de Démoville' })
  t.match(r.cpas.find((c: { cpasKbo: string }) => c.cpasKbo === '0230001153'), { files: 40, filesWithBlinker: 0, rate: 0, channel: 'excel' })
  t.same(r.withoutBlinker, ['0230001153'])
  t.same(r.missingFiles, [CPAS.alpha2], 'blinkers without files: no rate')
  t.same(r.between5And10.map((c: { cpasKbo: string }) => c.cpasKbo), [CPAS.alpha1], '10 % exactly is "between"')
  t.same(r.above10, [])
  t.match(r.totals, { cpas: 3, files: 160, filesWithBlinker: 3, blinkers: 4 })
  t.match(r.distribution, { method: 'nearest-rank', count: 3, min: 0, q1: 0, median: 0.01, q3: 0.1, max: 0.1 })
  t.match(r.feedback.perFlow.find((f: { flow: string }) => f.flow === 'UNEMPLOYMENT'), { justified: 1, unjustified: 1, total: 2, unjustifiedShare: 0.5 })
  t.match(r.feedback.perFlow.find((f: { flow: string }) => f.flow === 'PENSION'), { total: 0, unjustifiedShare: null })
  t.match(r.feedback.perCode, [{ code: 2, kind: 'JUSTIFIED', count: 1 }, { code: 120, count: 1 }, { code: 131, kind: 'UNJUSTIFIED', perFlow: { WORK_INCOME_DIMONA: 1 } }])
  t.equal(r.openByAge[0].count, 6, 'every blinker open')

  const law = (await stats(gw, 'period=2024&regime=LAW_1965')).json()
  t.match(law.totals, { files: 10, filesWithBlinker: 1, rate: 0.1 })
  t.same(law.feedback.perCode, [], 'no LAW_1965 feedback')
  const dis = (await stats(gw, 'period=2024&regime=DIS')).json()
  t.match(dis.cpas.find((c: { cpasKbo: string }) => c.cpasKbo === CPAS.alpha1), { files: 10, filesWithBlinker: 1, blinkers: 2 })

  // Files again for one CPAS replace its value only.
  t.equal((await putFiles(gw, { period: '2024', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 30 }] })).statusCode, 204)
  t.match((await stats(gw, 'period=2024&regime=DIS')).json().cpas.find((c: { cpasKbo: string }) => c.cpasKbo === CPAS.beta), { files: 100 })

  // Resolving a blinker closes it: it leaves the open set; the period counters stay.
  const resolved = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b1.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_D_RECEIVED' } })
  t.equal(resolved.statusCode, 200)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no context')
  const ages = await openByAge(gw.redis, envCtx.keys, Date.now() + 100 * 86_400_000)
  t.same(ages.map((a) => a.count), [0, 0, 5, 0, 0], '100 days later: five open blinkers aged 90–180 days')
  t.equal((await stats(gw, 'period=2024')).json().totals.blinkers, 4, 'history is not decremented')

  const points = await trend(envCtx)
  t.same(points.map((p) => p.period), ['2023', '2024'])
  t.match(points[0], { all: { cpas: 0, files: 0, rate: null } }, '2023 has blinkers but no files')
  const months = await monthlyBlinkers(envCtx)
  t.match(months.find((m) => m.month === '2024-05'), { total: 2, perRegime: { DIS: 1, LAW_1965: 1 } })
})

t.test('validation and roles', async (t) => {
  const gw = await startGateway(t)
  const bad = await putFiles(gw, { period: '2016', counts: [{ cpasKbo: '0212344877', regime: 'DIS', files: -1 }] })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'GW_ERR_VALIDATION')
  t.ok(bad.json().errors.length >= 2, 'KBO checksum and negative files both named')
  const twice = await putFiles(gw, { period: '2016', counts: [{ cpasKbo: CPAS.beta, regime: 'DIS', files: 1 }, { cpasKbo: CPAS.beta, regime: 'DIS', files: 2 }] })
  t.equal(twice.statusCode, 400)
  t.match(twice.json().errors, [{ path: '/counts/1', message: /repeats \/counts\/0/ }])
  t.equal((await putFiles(gw, { period: '16', counts: [{ cpasKbo: CPAS.beta, regime: 'DIS', files: 1 }] })).statusCode, 400)
  t.equal((await putFiles(gw, { period: '2016', counts: [] })).statusCode, 400)
  t.equal((await putFiles(gw, { period: '2016', counts: [{ cpasKbo: CPAS.beta, regime: 'DIS', files: 1 }] }, A.inspection)).statusCode, 403)
  t.equal((await stats(gw, '')).statusCode, 400, 'period is required')
  t.equal((await stats(gw, 'period=2016&regime=ALL')).statusCode, 400)
  t.equal((await stats(gw, 'period=2016', A.publisher)).statusCode, 403)
  const empty = (await stats(gw, 'period=2016')).json()
  t.match(empty, { totals: { cpas: 0, rate: null }, distribution: { count: 0, q1: null, max: null }, cpas: [] })
})

t.test('quartiles by nearest rank, and a feedback code no longer in the catalogue', async (t) => {
  t.equal(nearestRank([], 0.5), null)
  t.equal(nearestRank([1, 2, 3, 4], 0.25), 1)
  t.equal(nearestRank([1, 2, 3, 4], 0.5), 2)
  t.equal(nearestRank([1, 2, 3, 4, 5], 0.5), 3)
  t.equal(nearestRank([1, 2, 3, 4], 1), 4)
  t.match(distribution([0.2, 0.01, 0.06], [0.05]), { min: 0.01, median: 0.06, max: 0.2, under: [{ threshold: 0.05, count: 1 }] })
  const counts = { files: new Map([['DIS:0212344876', 10]]), withBlinker: new Map(), blinkers: new Map(), feedback: new Map([['DIS|PENSION|4242', 3]]) }
  const r = computeStatistics('2016', 'ALL', counts, { knownCpas: new Map() })
  t.match(r.feedback.perCode, [{ code: 4242, kind: 'UNKNOWN', count: 3 }])
  t.match(r.feedback.perFlow.find((f) => f.flow === 'PENSION'), { justified: 0, unjustified: 0, total: 3 })
})
