/**
 * The barometer's demo traffic (src/barometer/demo-traffic.ts) through the real write paths: the
 * demo software houses come out with visibly different profiles. The expected figures are
 * recomputed here from the generator's published rules (DEMO_BLINKERS blinkers a week apart,
 * the profile delays), not read from the counters.
 */
import t from 'tap'
import { DEMO_BLINKERS, DEMO_SPAN_DAYS, loadBarometerDemoTraffic } from '../../src/barometer/demo-traffic.js'
import { measureParty, type IndicatorValue } from '../../src/barometer/indicators.js'
import { startGateway } from '../helpers/gateway.js'

const DAY = 86_400_000
const byId = (values: IndicatorValue[]) => Object.fromEntries(values.map((v) => [v.indicator, v])) as Record<string, IndicatorValue>

t.test('demo profiles: many technical refusals, late, and what each is not', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const now = Date.parse('2026-12-01T12:00:00Z')
  const summary = await loadBarometerDemoTraffic(ctx, now)
  t.same(summary.parties, [{ partyId: 'alpha', profile: 'refusals', blinkers: DEMO_BLINKERS }, { partyId: 'beta', profile: 'late', blinkers: DEMO_BLINKERS }])
  t.same((await loadBarometerDemoTraffic(ctx, now)).parties.map((p) => p.blinkers), [0, 0], 'a second run adds nothing')
  const window = { start: '2025-01-01', end: '2027-01-01' }
  const alpha = byId(await measureParty(ctx, 'alpha', window, new Date(now)))
  const beta = byId(await measureParty(ctx, 'beta', window, new Date(now)))

  // Blinker i is published DEMO_SPAN_DAYS - 7i days before now.
  const pubAgo = Array.from({ length: DEMO_BLINKERS }, (_, i) => DEMO_SPAN_DAYS - 7 * i)
  // Alpha: answers 3 days after delivery (half an hour after publication); every blinker answered in time...
  const alphaAnswered = pubAgo.filter((d) => d * DAY > DAY / 48 + 3 * DAY).length
  // ...plus a code for another flow on every third answered one, and two schema-refused messages per blinker.
  const flowRefused = pubAgo.filter((d, i) => i % 3 === 0 && d * DAY > DAY / 48 + 3 * DAY).length
  const refused = 2 * DEMO_BLINKERS
  t.same([alpha.refusedRequests?.value, alpha.refusedRequests?.n], [refused / (refused + alphaAnswered + flowRefused), refused + alphaAnswered + flowRefused], 'alpha: most of its messages refused by the schema')
  t.same([alpha.codeNotValidForFlow?.value, alpha.codeNotValidForFlow?.n], [flowRefused / (flowRefused + alphaAnswered), flowRefused + alphaAnswered])
  t.equal(alpha.mailboxNotPolled7d?.value, 0, 'alpha polls at once')
  t.equal(alpha.noFeedback60d?.value, 0, 'alpha answers in time')
  t.ok((alpha.deliveryToFeedbackMedian?.value ?? 99) < 4, 'alpha: about 3 days')

  // Beta: mailbox read after 10 days (all late), a third never answered, the others 80 days after publication.
  const betaDelivered = pubAgo.filter((d) => d > 10).length
  t.same([beta.mailboxNotPolled7d?.value, beta.mailboxNotPolled7d?.n], [1, pubAgo.filter((d) => d > 7).length], 'beta: every blinker waited more than 7 days')
  t.equal(beta.noFeedback60d?.value, 1, 'beta: no blinker answered within 60 days')
  t.equal(beta.notAcknowledged7d?.n, betaDelivered)
  t.equal(beta.notAcknowledged7d?.value, 1, 'acknowledged after 9 days, or never')
  t.ok((beta.deliveryToFeedbackMedian?.value ?? 0) > 60, 'beta: over two months')
  t.equal(beta.cancellationsRefused?.value, 1, "beta's cancellations are all refused")
  t.ok((beta.other999Share?.value ?? 0) > 0 && (beta.replacedAfterRefusal?.value ?? 0) > 0)
  t.equal(beta.refusedRequests?.value, 0, 'beta sends well-formed messages')
  t.equal(alpha.cancellationsRefused?.value, 0)
})
