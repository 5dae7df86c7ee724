/**
 * The demo data set with its timeline: every timeliness figure GET /v1/statistics serves matches
 * the durations the test derives itself from the generated data (the plan's blinkers, feedback
 * and decisions, and the timeline's times for each), bucket by bucket.
 */
import t from 'tap'
import { feedbackCode } from '../../src/domain/feedback-codes.js'
import type { Blinker } from '../../src/domain/model.js'
import { demoDecisions } from '../../src/statistics/demo-decisions.js'
import { demoBlinkers, demoFeedback, loadDemoData } from '../../src/statistics/demo-data.js'
import { demoPlan, SEED_2016 } from '../../src/statistics/demo-plan.js'
import { keys } from '../../src/store/keys.js'
import { demoBlinkerTimes, demoDecisionAt, demoFeedbackAt, demoFormDAt } from '../../src/timeliness/demo-timeline.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { acceptance, expectedBuckets, fieldsOf, quantileBucket } from './helpers.js'

const SEED = 2016
const YEAR = 2016
const CPAS_LIMIT = 10
const FEEDBACK_SHARE = 0.6
/** Who serves which CPAS in the demo parties file (README): alpha two, beta one; the rest are on Excel lists. */
const SERVED: Record<string, string> = { [CPAS.alpha1]: 'alpha', [CPAS.alpha2]: 'alpha', [CPAS.beta]: 'beta' }

interface Event {
  ms: number
  flow: string
  cpas: string
  party?: string
}

/** Every measure's durations, from the generated data alone. */
function expectedEvents(): Record<string, Event[]> {
  const blinkers = demoBlinkers(demoPlan(SEED_2016, SEED).slice(0, CPAS_LIMIT), YEAR, SEED)
  const byId = new Map<string, Blinker>(blinkers.map((b) => [b.blinkerId, b]))
  const out: Record<string, Event[]> = { detect_publish: [], publish_deliver: [], deliver_feedback: [], feedback_decision: [], unjustified_closed: [], code2_formd: [] }
  const push = (measure: string, b: Blinker, ms: number) => out[measure]?.push({ ms, flow: b.flow, cpas: b.cpasKbo, ...(SERVED[b.cpasKbo] ? { party: SERVED[b.cpasKbo] } : {}) })
  const times = new Map(blinkers.map((b) => [b.blinkerId, demoBlinkerTimes(b, SERVED[b.cpasKbo] !== undefined, SEED)]))
  for (const b of blinkers) {
    const tm = times.get(b.blinkerId)!
    push('detect_publish', b, tm.publishAt - Date.parse(b.detectedAt))
    if (tm.deliverAt !== undefined) push('publish_deliver', b, tm.deliverAt - tm.publishAt)
  }
  const feedback = demoFeedback(blinkers, FEEDBACK_SHARE, SEED + YEAR)
  const feedbackAt = new Map<string, number>()
  for (const f of feedback) {
    const b = byId.get(f.blinkerId)!
    const tm = times.get(f.blinkerId)!
    const at = demoFeedbackAt(f, tm, SEED)
    feedbackAt.set(f.messageId, at)
    push('deliver_feedback', b, at - (tm.deliverAt ?? tm.publishAt))
    const formD = demoFormDAt(f, at, SEED)
    if (formD !== undefined) push('code2_formd', b, formD - at)
  }
  const flowOf = new Map(blinkers.map((b) => [b.blinkerId, b.flow]))
  for (const d of demoDecisions(feedback, flowOf, 0.6, SEED + YEAR)) {
    const b = byId.get(d.blinkerId)!
    const cancellation = feedbackCode(d.code)?.kind === 'UNJUSTIFIED'
    // Only decisions that move the blinker: a refusal, or an accepted cancellation.
    if (d.decision === 'ACCEPTED' && !cancellation) continue
    const wait = demoDecisionAt(d.messageId, d.blinkerId, feedbackAt.get(d.messageId)!, SEED) - feedbackAt.get(d.messageId)!
    push('feedback_decision', b, wait)
    if (d.decision === 'ACCEPTED') push('unjustified_closed', b, wait)
  }
  return out
}

t.test('the demo timeline gives the timeliness the generated times say', async (t) => {
  const gw = await startGateway(t)
  const ctx = acceptance(gw)
  const parties = ctx.parties.parties
  const summary = await loadDemoData(ctx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: CPAS_LIMIT, feedbackShare: FEEDBACK_SHARE, timeline: true })
  const expected = expectedEvents()
  t.equal(summary.accepted, expected.detect_publish?.length, 'every generated blinker published')
  t.equal(summary.feedback, expected.deliver_feedback?.length, 'every generated feedback stored')

  const hash = await gw.redis.hgetall(keys.timeliness(ctx.keys, String(YEAR)))
  for (const [measure, events] of Object.entries(expected)) {
    t.ok(events.length > 0, `${measure}: the demo has events`)
    t.same(fieldsOf(hash, measure, 'all'), expectedBuckets(events.map((e) => e.ms)), `${measure}: every bucket`)
    for (const flow of new Set(events.map((e) => e.flow))) t.same(fieldsOf(hash, measure, `f:${flow}`), expectedBuckets(events.filter((e) => e.flow === flow).map((e) => e.ms)), `${measure}: ${flow}`)
    for (const party of ['alpha', 'beta']) t.same(fieldsOf(hash, measure, `p:${party}`), expectedBuckets(events.filter((e) => e.party === party).map((e) => e.ms)), `${measure}: software house ${party}`)
  }

  const cpas = [...new Set(expected.detect_publish?.map((e) => e.cpas))].slice(0, 4)
  const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/statistics?period=${YEAR}&timelinessCpas=${cpas.join(',')}`, headers: auth(TOKENS.acceptance.inspection) })
  t.equal(res.statusCode, 200)
  const tl = res.json().timeliness
  for (const [measure, events] of Object.entries(expected)) {
    const m = tl.measures.find((x: { measure: string }) => x.measure === measure)
    const ms = events.map((e) => e.ms)
    t.equal(m.all.n, ms.length, `${measure}: n`)
    t.same(m.all.medianBucketMs, quantileBucket(ms, 0.5), `${measure}: median within the bucket of the true median`)
    t.same(m.all.p90BucketMs, quantileBucket(ms, 0.9), `${measure}: p90 within the bucket of the true p90`)
    for (const f of m.perFlow) {
      const own = events.filter((e) => e.flow === f.flow).map((e) => e.ms)
      t.equal(f.n, own.length, `${measure}: n for ${f.flow}`)
      t.same(f.medianBucketMs, quantileBucket(own, 0.5), `${measure}: median for ${f.flow}`)
    }
    for (const kbo of cpas) {
      const own = events.filter((e) => e.cpas === kbo).map((e) => e.ms)
      const c = m.perCpas.find((x: { cpasKbo: string }) => x.cpasKbo === kbo)
      t.equal(c.n, own.length, `${measure}: n for CPAS ${kbo}`)
      if (own.length > 0) t.same(c.medianBucketMs, quantileBucket(own, 0.5), `${measure}: median for CPAS ${kbo}`)
    }
    for (const h of m.perSoftwareHouse) t.equal(h.n, events.filter((e) => e.party === h.softwareHouse).length, `${measure}: n for ${h.softwareHouse}`)
  }
})
