/**
 * The barometer's indicators (src/barometer/indicators.ts) against figures computed HERE from the
 * traffic the test generates: a plan of blinkers with timed events goes through the store steps
 * (publication, delivery, acknowledgement, feedback, decisions, resolve at controlled times), and
 * the requests whose path is HTTP (technical refusals, codes not for the flow, accepted feedback)
 * are real requests to the app. An evaluator below applies each indicator's definition to the plan
 * (no counters), and every value and n must match what measureParty reads off the counters.
 */
import t from 'tap'
import { timedWrites } from '../../src/barometer/demo-traffic.js'
import { measureParty, measuredParties, halvesOf, type IndicatorValue } from '../../src/barometer/indicators.js'
import { feedbackCode } from '../../src/domain/feedback-codes.js'
import type { Blinker } from '../../src/domain/model.js'
import { BUCKET_BOUNDS_S } from '../../src/store/duration-histogram.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

type Ev =
  | { at: number; kind: 'deliver' | 'ack' }
  | { at: number; kind: 'feedback'; code: number }
  | { at: number; kind: 'decide'; decision: 'ACCEPTED' | 'REFUSED' }
  | { at: number; kind: 'resolve'; reason: 'FORM_D_RECEIVED' | 'FORM_CORRECTED' }
interface Plan {
  pub: number
  events: Ev[]
}

const unjustified = (code: number) => feedbackCode(code)?.kind === 'UNJUSTIFIED'

/** Each indicator by its definition, from the plan alone. */
function evaluate(plans: readonly Plan[], now: number): Record<string, { num: number; n: number; durations?: number[] }> {
  const r = (num = 0, n = 0) => ({ num, n })
  const out = { mailbox: r(), feedback: r(), ack: r(), fb: r(), cancel999: r(), decided: r(), closedAfterCancel: r(), code2: r(), df: { num: 0, n: 0, durations: [] as number[] } }
  for (const p of plans) {
    const evs = p.events
    // Mailbox: the first event takes the blinker out of PUBLISHED.
    const first = evs[0]
    if (first) {
      out.mailbox.n++
      if (first.at - p.pub > 7 * DAY) out.mailbox.num++
    } else if (now - p.pub > 7 * DAY) {
      out.mailbox.n++
      out.mailbox.num++
    }
    // Feedback within 60 days: the first feedback or close.
    const end = evs.find((e) => e.kind === 'feedback' || e.kind === 'resolve' || (e.kind === 'decide' && e.decision === 'ACCEPTED'))
    if (end) {
      out.feedback.n++
      if (end.at - p.pub > 60 * DAY) out.feedback.num++
    } else if (now - p.pub > 60 * DAY) {
      out.feedback.n++
      out.feedback.num++
    }
    // Acknowledgement within 7 days of delivery: any later event ends the wait.
    const d = evs.findIndex((e) => e.kind === 'deliver')
    if (d >= 0) {
      const dAt = (evs[d] as Ev).at
      const after = evs[d + 1]
      if (after) {
        out.ack.n++
        if (after.at - dAt > 7 * DAY) out.ack.num++
      } else if (now - dAt > 7 * DAY) {
        out.ack.n++
        out.ack.num++
      }
      const fb = evs.find((e) => e.kind === 'feedback')
      if (fb) out.df.durations.push(fb.at - dAt)
    }
    let lastKind: boolean | undefined
    let everCancelled = false
    let code2At: number | undefined
    for (const [i, e] of evs.entries()) {
      if (e.kind === 'feedback') {
        out.fb.n++
        const prev = evs[i - 1]
        if (prev?.kind === 'decide' && prev.decision === 'REFUSED') out.fb.num++
        lastKind = unjustified(e.code)
        if (lastKind) {
          everCancelled = true
          out.cancel999.n++
          if (e.code === 999) out.cancel999.num++
        }
        if (e.code === 2) code2At ??= e.at
      } else if (e.kind === 'decide' && lastKind) {
        out.decided.n++
        if (e.decision === 'REFUSED') out.decided.num++
      }
      const closes = e.kind === 'resolve' || (e.kind === 'decide' && e.decision === 'ACCEPTED')
      if (closes && everCancelled) {
        out.closedAfterCancel.n++
        if (e.kind === 'resolve' && e.reason === 'FORM_D_RECEIVED') out.closedAfterCancel.num++
      }
      if (closes && code2At !== undefined) {
        out.code2.n++
        if (!(e.kind === 'resolve' && e.reason === 'FORM_D_RECEIVED') || e.at - code2At > 183 * DAY) out.code2.num++
        code2At = undefined
      }
    }
    if (code2At !== undefined && now - code2At > 183 * DAY) {
      out.code2.n++
      out.code2.num++
    }
  }
  out.df.n = out.df.durations.length
  return out
}

/** The q-quantile as the published buckets give it: the bucket holding rank q·n, linear inside it (the README's rule). */
function bucketQuantile(durations: readonly number[], q: number): number | null {
  if (durations.length === 0) return null
  const bounds = BUCKET_BOUNDS_S.map((s) => s * 1000)
  const counts = new Array<number>(bounds.length + 1).fill(0)
  for (const d of durations) {
    const i = bounds.findIndex((b) => d <= b)
    counts[i < 0 ? bounds.length : i]!++
  }
  const rank = q * durations.length
  let seen = 0
  for (const [i, c] of counts.entries()) {
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1]!
      return (lo + ((bounds[i]! - lo) * (rank - seen)) / c) / DAY
    }
    seen += c
  }
  return null
}

t.test('every indicator of a software house against the plan', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const w = timedWrites(ctx)
  const alpha = ctx.parties.parties.get('alpha')
  if (!alpha) throw new Error('no alpha')
  const T0 = Date.now()
  const ago = (days: number, hours = 0) => T0 - days * DAY + hours * HOUR

  // ---- The timed plan (store steps). p(i) publishes i days after T0 - 100 days.
  const base = (i: number) => ago(100 - i)
  const plans: (Plan & { b: Blinker })[] = []
  const plan = (pub: number, events: Ev[], cpas: string = CPAS.alpha1) => plans.push({ b: blinker(cpas), pub, events })
  // 0: on time everywhere; code 1, then refused (not a cancellation), still REOPENED.
  plan(base(0), [{ at: base(0) + HOUR, kind: 'deliver' }, { at: base(0) + DAY, kind: 'ack' }, { at: base(0) + 10 * DAY, kind: 'feedback', code: 1 }, { at: base(0) + 12 * DAY, kind: 'decide', decision: 'REFUSED' }])
  // 1: cancellation 65 days after publication (late), refused, replaced by a code 1.
  plan(base(1), [{ at: base(1) + HOUR, kind: 'deliver' }, { at: base(1) + DAY, kind: 'ack' }, { at: base(1) + 65 * DAY, kind: 'feedback', code: 131 }, { at: base(1) + 70 * DAY, kind: 'decide', decision: 'REFUSED' }, { at: base(1) + 75 * DAY, kind: 'feedback', code: 1 }])
  // 2: code 2 (six months not over yet).
  plan(base(2), [{ at: base(2) + HOUR, kind: 'deliver' }, { at: base(2) + DAY, kind: 'ack' }, { at: base(2) + 20 * DAY, kind: 'feedback', code: 2 }])
  // 3: acknowledged 8 days after delivery (late); a 999 refused, then resolved by a form D.
  plan(base(3), [{ at: base(3) + HOUR, kind: 'deliver' }, { at: base(3) + 8 * DAY + HOUR, kind: 'ack' }, { at: base(3) + 30 * DAY, kind: 'feedback', code: 999 }, { at: base(3) + 32 * DAY, kind: 'decide', decision: 'REFUSED' }, { at: base(3) + 40 * DAY, kind: 'resolve', reason: 'FORM_D_RECEIVED' }])
  // 4: feedback straight from DELIVERED after 2 days; cancellation accepted.
  plan(base(4), [{ at: base(4) + HOUR, kind: 'deliver' }, { at: base(4) + 2 * DAY + HOUR, kind: 'feedback', code: 131 }, { at: base(4) + 5 * DAY, kind: 'decide', decision: 'ACCEPTED' }])
  // 5: delivered, then nothing (acknowledgement and feedback overdue).
  plan(base(5), [{ at: base(5) + HOUR, kind: 'deliver' }])
  // 6 and 7: mailbox read after 9 days; 6 answers after 70 days, 7 is closed without feedback after 61.
  plan(base(6), [{ at: base(6) + 9 * DAY, kind: 'deliver' }, { at: base(6) + 10 * DAY, kind: 'ack' }, { at: base(6) + 70 * DAY, kind: 'feedback', code: 1 }])
  plan(base(7), [{ at: base(7) + 9 * DAY, kind: 'deliver' }, { at: base(7) + 10 * DAY, kind: 'ack' }, { at: base(7) + 61 * DAY, kind: 'resolve', reason: 'FORM_CORRECTED' }])
  // 8: never fetched (mailbox and feedback overdue).
  plan(base(8), [])
  // 9 and 10: recent: undecided (9 not fetched; 10 delivered 2 days ago, not acknowledged).
  plan(ago(3), [])
  plan(ago(4), [{ at: ago(2), kind: 'deliver' }], CPAS.alpha2)
  // 11–13: code 2 cases on the second CPAS: form D in time; form corrected instead; none after 240 days.
  plan(ago(250), [{ at: ago(250, 1), kind: 'deliver' }, { at: ago(249), kind: 'ack' }, { at: ago(245), kind: 'feedback', code: 2 }, { at: ago(150), kind: 'resolve', reason: 'FORM_D_RECEIVED' }], CPAS.alpha2)
  plan(ago(250), [{ at: ago(250, 1), kind: 'deliver' }, { at: ago(249), kind: 'ack' }, { at: ago(245), kind: 'feedback', code: 2 }, { at: ago(200), kind: 'resolve', reason: 'FORM_CORRECTED' }], CPAS.alpha2)
  plan(ago(250), [{ at: ago(250, 1), kind: 'deliver' }, { at: ago(249), kind: 'ack' }, { at: ago(240), kind: 'feedback', code: 2 }], CPAS.alpha2)

  for (const p of plans) {
    await w.publish(p.b, p.pub, 'alpha')
    let messageId = ''
    for (const [k, e] of p.events.entries()) {
      if (e.kind === 'deliver') await w.event(p.b.blinkerId, 'DELIVER', e.at, 'pulled', 'alpha')
      else if (e.kind === 'ack') await w.event(p.b.blinkerId, 'ACKNOWLEDGE', e.at, 'acknowledged', 'alpha')
      else if (e.kind === 'resolve') await w.event(p.b.blinkerId, 'RESOLVE', e.at, `resolved:${e.reason}`, 'publisher')
      else if (e.kind === 'decide') await w.decide(messageId, p.b.blinkerId, e.decision, e.at)
      else if (e.kind === 'feedback') {
        const stored = await w.feedback(p.b, e.code, e.at, alpha, { seq: k })
        t.equal(stored.kind, 'stored', `feedback ${e.code} on ${p.b.blinkerId}`)
        messageId = stored.messageId
      }
    }
  }

  // ---- Real requests (counted at the time they are made).
  const technical = { messages: 0, refused: 0 }
  const httpPlans: Plan[] = []
  const post = (payload: string, type: string, token: string = A.alpha) => gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: { ...auth(token), 'content-type': type }, payload })
  for (let i = 0; i < 3; i++) t.equal((await post('{"messageId":', 'application/json')).statusCode, 400, 'malformed JSON')
  for (let i = 0; i < 2; i++) t.equal((await post('code=131', 'text/plain')).statusCode, 415, 'media type')
  technical.messages += 5
  technical.refused += 5
  // A batch of four: one without messageId (schema), three stored.
  const batchBlinkers = [await published(t, gw, CPAS.alpha2), await published(t, gw, CPAS.alpha2), await published(t, gw, CPAS.alpha2)]
  const { messageId: _drop, ...noId } = feedbackFor(batchBlinkers[0] as Blinker, { code: 1 })
  void _drop
  const batch = await postFeedback(gw, A.alpha, { feedback: [noId, ...batchBlinkers.map((b) => feedbackFor(b, { code: 1 }))] })
  t.equal(batch.statusCode, 202, batch.body)
  t.equal(batch.json().receipts.length, 3)
  technical.messages += 4
  technical.refused += 1
  // Two single messages stored; one for an unknown blinker (404: a business refusal, not a technical one).
  for (let i = 0; i < 2; i++) {
    const b = await published(t, gw, CPAS.alpha2)
    t.equal((await postFeedback(gw, A.alpha, feedbackFor(b, { code: 3 }))).statusCode, 202)
    batchBlinkers.push(b)
  }
  t.equal((await postFeedback(gw, A.alpha, feedbackFor({ blinkerId: 'CLI-2026-999999999', cpasKbo: CPAS.alpha1 }))).statusCode, 404)
  technical.messages += 3
  // SOAP: an envelope that is not XML (technical); a bad limit on the mailbox (a parameter, not counted).
  const soap = await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:blinker-gateway:v1#SubmitFeedback"' }, payload: '<soap:Envelope' })
  t.equal(soap.statusCode, 400, 'malformed XML')
  technical.messages += 1
  technical.refused += 1
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?limit=0`, headers: auth(A.alpha) })).statusCode, 400)
  // Codes not valid for the flow (120 is for unemployment; the blinkers are Dimona): 422 from the store.
  const notForFlow = [plans[9] as Plan & { b: Blinker }, plans[10] as Plan & { b: Blinker }]
  for (const p of notForFlow) {
    const res = await postFeedback(gw, A.alpha, feedbackFor(p.b, { code: 120 }))
    t.equal(res.json().code, 'GW_ERR_CODE_NOT_FOR_FLOW')
  }
  technical.messages += 2
  // The HTTP blinkers left PUBLISHED with their feedback, at once: on time for every check.
  for (let i = 0; i < batchBlinkers.length; i++) httpPlans.push({ pub: T0, events: [{ at: T0, kind: 'feedback', code: i < 3 ? 1 : 3 }] })
  // Beta's traffic must not count for alpha.
  const betaB = await published(t, gw, CPAS.beta)
  t.equal((await post('{', 'application/json', A.beta)).statusCode, 400)
  t.equal((await postFeedback(gw, A.beta, feedbackFor(betaB, { code: 131 }))).statusCode, 202)

  // ---- Measure and compare.
  const now = new Date()
  const year = now.getUTCFullYear()
  const window = { start: `${year - 1}-01-01`, end: `${year + 1}-01-01` }
  t.equal(halvesOf(window).length, 4, 'two years: four half-years')
  const got = Object.fromEntries((await measureParty(ctx, 'alpha', window, now)).map((v) => [v.indicator, v])) as Record<string, IndicatorValue>
  const e = evaluate([...plans, ...httpPlans], now.getTime())
  const expectShare = (indicator: string, num: number, n: number) => {
    t.same({ value: got[indicator]?.value, n: got[indicator]?.n }, { value: n > 0 ? num / n : null, n }, `${indicator} = ${num}/${n}`)
  }
  // The timed feedback counts as messages read, as the service counts them (timedWrites.feedback).
  const timedMessages = plans.reduce((a, p) => a + p.events.filter((ev) => ev.kind === 'feedback').length, 0)
  expectShare('refusedRequests', technical.refused, technical.messages + timedMessages)
  expectShare('mailboxNotPolled7d', e.mailbox!.num, e.mailbox!.n)
  expectShare('noFeedback60d', e.feedback!.num, e.feedback!.n)
  expectShare('notAcknowledged7d', e.ack!.num, e.ack!.n)
  expectShare('replacedAfterRefusal', e.fb!.num, e.fb!.n)
  expectShare('codeNotValidForFlow', notForFlow.length, notForFlow.length + e.fb!.n)
  expectShare('other999Share', e.cancel999!.num, e.cancel999!.n)
  expectShare('cancellationsRefused', e.decided!.num, e.decided!.n)
  expectShare('unjustifiedThenFormD', e.closedAfterCancel!.num, e.closedAfterCancel!.n)
  expectShare('code2WithoutFormD6m', e.code2!.num, e.code2!.n)
  expectShare('pushDeadLettered', 0, 0)
  expectShare('recapRowsRejected', 0, 0)
  const durations = e.df!.durations as number[]
  t.equal(got.deliveryToFeedbackMedian?.n, durations.length, 'n = first feedbacks after a delivery')
  t.equal(got.deliveryToFeedbackMedian?.value, bucketQuantile(durations, 0.5))
  t.equal(got.deliveryToFeedbackP90?.value, bucketQuantile(durations, 0.9))
  // The plan is built so that every ratio has both a numerator and undecided cases: guard it.
  t.ok(e.mailbox!.num > 0 && e.feedback!.num > 0 && e.ack!.num > 0 && e.code2!.num > 0 && e.decided!.num > 0, 'the plan exercises every late case')
  t.same(Object.keys(got).sort(), ['cancellationsRefused', 'code2WithoutFormD6m', 'codeNotValidForFlow', 'deliveryToFeedbackMedian', 'deliveryToFeedbackP90', 'mailboxNotPolled7d', 'noFeedback60d', 'notAcknowledged7d', 'other999Share', 'pushDeadLettered', 'recapRowsRejected', 'refusedRequests', 'replacedAfterRefusal', 'unjustifiedThenFormD'])

  // Beta: its own message and refusal only.
  const beta = Object.fromEntries((await measureParty(ctx, 'beta', window, now)).map((v) => [v.indicator, v])) as Record<string, IndicatorValue>
  t.same([beta.refusedRequests?.value, beta.refusedRequests?.n], [0.5, 2], 'beta: one refused of two')
  t.same([beta.other999Share?.value, beta.other999Share?.n], [0, 1])

  // A window before the traffic holds nothing.
  const before = await measureParty(ctx, 'alpha', { start: `${year - 5}-01-01`, end: `${year - 3}-01-01` }, now)
  t.ok(before.every((v) => v.n === 0 && v.value === null), 'an earlier cycle is empty')
  t.same(measuredParties(ctx), [{ partyId: 'alpha', kind: 'softwareHouse' }, { partyId: 'beta', kind: 'softwareHouse' }], 'the demo parties: two software houses, no CPAS on Excel lists')
})
