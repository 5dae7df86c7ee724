/**
 * The six timeliness measures, written in the publication and transition steps: blinkers go
 * through their lifecycle at controlled times; the test lists each measure's durations from those
 * times itself and checks the HASH's buckets per dimension (all, flow, CPAS, software house), then
 * the figures GET /v1/statistics serves (n, the median's and p90's buckets, the trend).
 */
import t from 'tap'
import type { Blinker } from '../../src/domain/model.js'
import { keys } from '../../src/store/keys.js'
import { ajv } from '../../src/validation/json-schemas.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { acceptance, bucketIndex, DAY, decideAt, eventAt, expectedBuckets, feedbackAt, fieldsOf, HOUR, publishAt, quantileBucket } from './helpers.js'

const T0 = Date.parse('2025-03-03T08:00:00.000Z')
const MIN = 60_000

const of = (cpasKbo: string, flow: Blinker['flow'], detectedAt: string, year = '2025'): Blinker =>
  blinker(cpasKbo, { flow, detectedAt, form: { type: 'B', reference: 'B-TL-1', periodStart: `${year}-02-01`, periodEnd: `${year}-02-28` } })

t.test('each measure counts the durations of the events, per dimension', async (t) => {
  const gw = await startGateway(t)
  const ctx = acceptance(gw)
  const expected: Record<string, { ms: number; flow: string; cpas: string; party?: string }[]> = {
    detect_publish: [],
    publish_deliver: [],
    deliver_feedback: [],
    feedback_decision: [],
    unjustified_closed: [],
    code2_formd: [],
  }
  const note = (measure: string, ms: number, b: Blinker, party?: string) => expected[measure]?.push({ ms, flow: b.flow, cpas: b.cpasKbo, ...(party ? { party } : {}) })

  // B1 (alpha, DIMONA): detected 3 h before (written with +01:00), delivered 2 h later,
  // acknowledged, cancelled after 5 days, accepted 2 days later.
  const b1 = of(CPAS.alpha1, 'WORK_INCOME_DIMONA', '2025-03-03T06:00:00+01:00')
  await publishAt(ctx, b1, T0, 'alpha')
  note('detect_publish', 3 * HOUR, b1, 'alpha')
  await eventAt(ctx, b1.blinkerId, 'DELIVER', T0 + 2 * HOUR)
  note('publish_deliver', 2 * HOUR, b1, 'alpha')
  await eventAt(ctx, b1.blinkerId, 'ACKNOWLEDGE', T0 + 3 * HOUR)
  const m1 = await feedbackAt(ctx, b1, 131, T0 + 5 * DAY)
  note('deliver_feedback', 5 * DAY - 2 * HOUR, b1, 'alpha')
  await decideAt(ctx, m1, b1.blinkerId, 'ACCEPTED', T0 + 7 * DAY)
  note('feedback_decision', 2 * DAY, b1, 'alpha')
  note('unjustified_closed', 2 * DAY, b1, 'alpha')

  // B2 (Excel CPAS, no party, DMFA): never delivered (feedback counts from publication), code 2
  // after 10 days, taken note of (no lifecycle move: not a decision delay), form D 40 days later.
  const excel = '0201400110'
  const b2 = of(excel, 'WORK_INCOME_DMFA', '2025-02-20T08:00:00Z')
  await publishAt(ctx, b2, T0, undefined)
  note('detect_publish', T0 - Date.parse('2025-02-20T08:00:00Z'), b2)
  const m2 = await feedbackAt(ctx, b2, 2, T0 + 10 * DAY, 'inspection')
  note('deliver_feedback', 10 * DAY, b2)
  await decideAt(ctx, m2, b2.blinkerId, 'ACCEPTED', T0 + 12 * DAY)
  await eventAt(ctx, b2.blinkerId, 'RESOLVE', T0 + 50 * DAY)
  note('code2_formd', 40 * DAY, b2)

  // B3 (beta, DIMONA): delivered after 30 min, cancelled after a day, refused 2 days later,
  // cancelled again, accepted: two decision delays, unjustified → closed from the FIRST cancellation.
  const b3 = of(CPAS.beta, 'WORK_INCOME_DIMONA', '2025-03-02T08:00:00Z')
  await publishAt(ctx, b3, T0, 'beta')
  note('detect_publish', DAY, b3, 'beta')
  await eventAt(ctx, b3.blinkerId, 'DELIVER', T0 + 30 * MIN)
  note('publish_deliver', 30 * MIN, b3, 'beta')
  const m3 = await feedbackAt(ctx, b3, 131, T0 + DAY + 30 * MIN, 'beta')
  note('deliver_feedback', DAY, b3, 'beta')
  await decideAt(ctx, m3, b3.blinkerId, 'REFUSED', T0 + 3 * DAY)
  note('feedback_decision', 2 * DAY - 30 * MIN, b3, 'beta')
  const m3b = await feedbackAt(ctx, b3, 140, T0 + 4 * DAY, 'beta')
  await decideAt(ctx, m3b, b3.blinkerId, 'ACCEPTED', T0 + 4 * DAY + 6 * HOUR)
  note('feedback_decision', 6 * HOUR, b3, 'beta')
  note('unjustified_closed', 3 * DAY + 6 * HOUR - 30 * MIN, b3, 'beta')

  // B4 (alpha, PENSION): justified code 1, then the form corrected: no unjustified → closed, no form D.
  const b4 = of(CPAS.alpha2, 'PENSION', '2025-03-03T07:59:00Z')
  await publishAt(ctx, b4, T0, 'alpha')
  note('detect_publish', MIN, b4, 'alpha')
  await eventAt(ctx, b4.blinkerId, 'DELIVER', T0 + 26 * HOUR)
  note('publish_deliver', 26 * HOUR, b4, 'alpha')
  await feedbackAt(ctx, b4, 1, T0 + 30 * DAY)
  note('deliver_feedback', 30 * DAY - 26 * HOUR, b4, 'alpha')
  await eventAt(ctx, b4.blinkerId, 'RESOLVE', T0 + 31 * DAY, 'resolved:FORM_CORRECTED')

  // B5 (alpha, DIMONA, period 2024): the previous period, for the trend.
  const b5 = of(CPAS.alpha1, 'WORK_INCOME_DIMONA', '2024-03-01T08:00:00Z', '2024')
  await publishAt(ctx, b5, Date.parse('2024-03-10T08:00:00Z'), 'alpha')
  const previousDetect = 9 * DAY

  const hash = await gw.redis.hgetall(keys.timeliness(ctx.keys, '2025'))
  for (const [measure, events] of Object.entries(expected)) {
    t.ok(events.length > 0, `${measure} has events in this test`)
    t.same(fieldsOf(hash, measure, 'all'), expectedBuckets(events.map((e) => e.ms)), `${measure}: all`)
    for (const flow of new Set(events.map((e) => e.flow))) t.same(fieldsOf(hash, measure, `f:${flow}`), expectedBuckets(events.filter((e) => e.flow === flow).map((e) => e.ms)), `${measure}: flow ${flow}`)
    for (const cpas of new Set(events.map((e) => e.cpas))) t.same(fieldsOf(hash, measure, `c:${cpas}`), expectedBuckets(events.filter((e) => e.cpas === cpas).map((e) => e.ms)), `${measure}: CPAS ${cpas}`)
    for (const party of ['alpha', 'beta']) t.same(fieldsOf(hash, measure, `p:${party}`), expectedBuckets(events.filter((e) => e.party === party).map((e) => e.ms)), `${measure}: software house ${party}`)
  }
  t.same(fieldsOf(hash, 'detect_publish', `c:${excel}`), expectedBuckets([T0 - Date.parse('2025-02-20T08:00:00Z')]), 'an Excel CPAS has its own figures')
  t.notOk(Object.keys(hash).some((k) => k.includes('|p:|') || k.includes('p:undefined')), 'no software-house field for a CPAS on Excel lists')
  const older = await gw.redis.hgetall(keys.timeliness(ctx.keys, '2024'))
  t.same(fieldsOf(older, 'detect_publish', 'all'), expectedBuckets([previousDetect]), 'the 2024 blinker counts in its own period')

  const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?period=2025&timelinessCpas=${CPAS.beta},${excel}`, headers: auth(TOKENS.acceptance.inspection) })
  t.equal(res.statusCode, 200)
  const validate = ajv.getSchema('statistics-report.schema.json')
  t.ok(validate?.(res.json()), `the answer matches statistics-report.schema.json ${JSON.stringify(validate?.errors ?? [])}`)
  const tl = res.json().timeliness
  t.equal(tl.period, '2025')
  t.equal(tl.previousPeriod, '2024')
  for (const [measure, events] of Object.entries(expected)) {
    const m = tl.measures.find((x: { measure: string }) => x.measure === measure)
    const ms = events.map((e) => e.ms)
    t.equal(m.all.n, ms.length, `${measure}: n`)
    const [lo, hi] = quantileBucket(ms, 0.5)
    t.same(m.all.medianBucketMs, [lo, hi], `${measure}: the median's bucket`)
    t.ok(m.all.medianMs >= lo && (hi === null || m.all.medianMs <= hi), `${measure}: median ${m.all.medianMs} ms inside [${lo}, ${hi}]`)
    t.same(m.all.p90BucketMs, quantileBucket(ms, 0.9), `${measure}: the p90's bucket`)
    for (const flow of new Set(events.map((e) => e.flow))) {
      const f = m.perFlow.find((x: { flow: string }) => x.flow === flow)
      t.equal(f?.n, events.filter((e) => e.flow === flow).length, `${measure}: n for ${flow}`)
    }
    const beta = m.perCpas.find((x: { cpasKbo: string }) => x.cpasKbo === CPAS.beta)
    t.equal(beta.n, events.filter((e) => e.cpas === CPAS.beta).length, `${measure}: n for the CPAS asked`)
    const house = m.perSoftwareHouse.find((x: { softwareHouse: string }) => x.softwareHouse === 'beta')
    t.equal(house?.n ?? 0, events.filter((e) => e.party === 'beta').length, `${measure}: n for software house beta`)
  }
  const detect = tl.measures.find((x: { measure: string }) => x.measure === 'detect_publish')
  t.equal(detect.all.previous.n, 1, 'the previous period is read')
  t.same(detect.all.previous.medianBucketMs, quantileBucket([previousDetect], 0.5))
  const now = quantileBucket(expected.detect_publish?.map((e) => e.ms) ?? [], 0.5)
  const before = quantileBucket([previousDetect], 0.5)
  t.equal(detect.all.trend, now[0] < before[0] ? 'faster' : now[0] > before[0] ? 'slower' : 'same', 'the trend compares the medians’ buckets')
  t.equal(bucketIndex(9 * DAY) > bucketIndex(3 * HOUR), true, 'sanity: 9 days sits above 3 hours')
})

t.test('timelinessCpas is checked', async (t) => {
  const gw = await startGateway(t)
  const get = (q: string) => gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?period=2025&${q}`, headers: auth(TOKENS.acceptance.inspection) })
  const bad = await get('timelinessCpas=0212344877')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'GW_ERR_BAD_PARAMETER')
  const shape = await get('timelinessCpas=12')
  t.equal(shape.statusCode, 400, 'not a KBO shape')
  const many = Array.from({ length: 51 }, (_, i) => {
    const first8 = String(2_000_000 + i).padStart(8, '0')
    return `${first8}${String(97 - (Number(first8) % 97)).padStart(2, '0')}`
  })
  const tooMany = await get(`timelinessCpas=${many.join(',')}`)
  t.equal(tooMany.statusCode, 400, '51 CPAS is too many')
  const none = await get('')
  t.equal(none.statusCode, 200)
  const tl = none.json().timeliness
  t.equal(tl.measures.length, 6)
  t.notOk('perCpas' in tl.measures[0], 'no per-CPAS figures unless asked')
  t.same(tl.measures[0].all, { n: 0, medianMs: null, p90Ms: null, medianBucketMs: null, p90BucketMs: null, previous: { n: 0, medianMs: null, p90Ms: null, medianBucketMs: null, p90BucketMs: null }, trend: null }, 'an empty period has empty figures')
})
