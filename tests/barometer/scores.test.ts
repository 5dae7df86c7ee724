/**
 * Scores against the published thresholds file (read here as plain JSON, not through the code
 * under test), the file's checks, the NOT_APPLICABLE reasons, domain rules and trends.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { BAROMETER_DOMAINS, INDICATORS } from '../../src/barometer/indicators.js'
import { scoreEvaluation, trendOf, withTrend, type MeasuredValue } from '../../src/barometer/scores.js'
import { checkThresholds, domainVerdict, parseThresholds, readThresholds, ThresholdsError, verdictOf, type Thresholds } from '../../src/barometer/thresholds.js'

const FILE = JSON.parse(readFileSync(new URL('../../schemas/barometer-thresholds.json', import.meta.url), 'utf8')) as {
  version: string
  status: string
  domains: Record<string, { rule: string; approvedOnly?: boolean }>
  indicators: Record<string, { unit: string; direction: string; good: number; lessGood: number; minN: number }>
}
const copy = (): Thresholds => JSON.parse(JSON.stringify(FILE)) as Thresholds

t.test('the published file is valid, provisional, and covers exactly the measured indicators', async (t) => {
  const th = readThresholds()
  t.equal(th.status, 'provisional')
  t.match(th.version, /^\d{4}-\d{2}-\d{2}/)
  t.doesNotThrow(() => checkThresholds(th, INDICATORS, BAROMETER_DOMAINS))
  t.same(Object.keys(FILE.indicators).sort(), INDICATORS.map((i) => i.indicator).sort(), 'one entry per indicator, no other')
  for (const def of INDICATORS) {
    const entry = FILE.indicators[def.indicator]
    t.equal(entry?.unit, def.unit, `${def.indicator}: unit`)
    t.ok((entry?.minN ?? 0) >= 1, `${def.indicator}: a minimum n`)
  }
  t.same(Object.keys(FILE.domains).sort(), [...BAROMETER_DOMAINS].sort(), 'one rule per domain')
  t.equal(FILE.domains.timeliness?.approvedOnly, true, 'timeliness is judged for approved software houses only (the seed: financial checks)')
})

t.test('every indicator is scored at its bounds as the file says', async (t) => {
  const th = readThresholds()
  for (const [id, b] of Object.entries(FILE.indicators)) {
    t.equal(b.direction, 'lower-is-better', `${id}: lower is better`)
    const eps = b.unit === 'days' ? 0.01 : 0.0001
    t.equal(verdictOf(b.good, th.indicators[id] as never), 'GOOD', `${id}: ${b.good} is GOOD`)
    t.equal(verdictOf(b.good + eps, th.indicators[id] as never), b.good + eps <= b.lessGood ? 'LESS_GOOD' : 'BAD', `${id}: just above good`)
    t.equal(verdictOf(b.lessGood, th.indicators[id] as never), b.lessGood === b.good ? 'GOOD' : 'LESS_GOOD', `${id}: ${b.lessGood} is LESS_GOOD`)
    t.equal(verdictOf(b.lessGood + eps, th.indicators[id] as never), 'BAD', `${id}: above lessGood is BAD`)
  }
  const higher = { unit: 'share', direction: 'higher-is-better', good: 0.9, lessGood: 0.8, minN: 1 } as const
  t.equal(verdictOf(0.95, higher), 'GOOD')
  t.equal(verdictOf(0.85, higher), 'LESS_GOOD')
  t.equal(verdictOf(0.7, higher), 'BAD')
})

t.test('a wrong file is refused with a message', async (t) => {
  const wrongOrder = copy()
  ;(wrongOrder.indicators.refusedRequests as { good: number }).good = 0.5
  t.throws(() => parseThresholds(wrongOrder), { name: 'ThresholdsError', message: /refusedRequests: good 0.5 and lessGood 0.05 are in the wrong order/ })
  const overOne = copy()
  Object.assign(overOne.indicators.other999Share as object, { good: 1.5, lessGood: 2 })
  t.throws(() => parseThresholds(overOne), /other999Share: a share's bounds are within 0..1/)
  const noVersion = copy() as Partial<Thresholds>
  delete noVersion.version
  t.throws(() => parseThresholds(noVersion), /does not match barometer-thresholds.schema.json/)
  const missing = copy()
  delete missing.indicators.pushDeadLettered
  t.throws(() => checkThresholds(parseThresholds(missing), INDICATORS, BAROMETER_DOMAINS), /indicator pushDeadLettered \(silent\) has no thresholds/)
  const extra = copy()
  extra.indicators.madeUp = { unit: 'share', direction: 'lower-is-better', good: 0.1, lessGood: 0.2, minN: 5 }
  t.throws(() => checkThresholds(parseThresholds(extra), INDICATORS, BAROMETER_DOMAINS), /thresholds for madeUp, which is not a measured indicator/)
  const unit = copy()
  ;(unit.indicators.deliveryToFeedbackMedian as { unit: string }).unit = 'share'
  Object.assign(unit.indicators.deliveryToFeedbackMedian as object, { good: 0.1, lessGood: 0.2 })
  t.throws(() => checkThresholds(parseThresholds(unit), INDICATORS, BAROMETER_DOMAINS), /deliveryToFeedbackMedian is measured in days, its thresholds are in share/)
  t.throws(() => readThresholds('/nonexistent/thresholds.json'), ThresholdsError)
})

/** Values that put every indicator at a chosen place: `at(id)` picks good/lessGood/over and n. */
function values(pick: Record<string, { value: number | null; n: number }>): MeasuredValue[] {
  return INDICATORS.map((d) => ({ indicator: d.indicator, ...(pick[d.indicator] ?? { value: 0, n: 1000 }) }))
}

t.test('NOT_APPLICABLE: small n, other kind, approved-only domain, no value; domains score their worst', async (t) => {
  const th = readThresholds()
  const b = FILE.indicators
  const minN = (id: string) => b[id]?.minN as number
  const sh = { kind: 'softwareHouse' as const, approved: true }
  const v = values({
    refusedRequests: { value: (b.refusedRequests?.lessGood as number) + 0.01, n: minN('refusedRequests') },
    notAcknowledged7d: { value: 0.5, n: minN('notAcknowledged7d') - 1 },
    noFeedback60d: { value: b.noFeedback60d?.lessGood as number, n: 500 },
    cancellationsRefused: { value: null, n: 0 },
  })
  const scored = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, v, sh, th, false)
  const ind = (domain: string, id: string) => scored.find((d) => d.domain === domain)?.indicators.find((i) => i.indicator === id)
  t.match(ind('technical', 'refusedRequests'), { score: 'BAD', n: minN('refusedRequests') }, 'n = minN is judged')
  t.match(ind('technical', 'recapRowsRejected'), { score: 'NOT_APPLICABLE', reason: 'notForKind' }, 'recap rows are an Excel-list CPAS indicator')
  t.match(ind('silent', 'notAcknowledged7d'), { score: 'NOT_APPLICABLE', reason: 'smallN', value: 0.5 }, 'n below minN: no verdict, the value is still given')
  t.match(ind('silent', 'noFeedback60d'), { score: 'LESS_GOOD' })
  t.match(ind('systemicPriority', 'cancellationsRefused'), { score: 'NOT_APPLICABLE', reason: 'noValue' })
  t.equal(scored.find((d) => d.domain === 'technical')?.score, 'BAD', 'the worst applicable indicator')
  t.equal(scored.find((d) => d.domain === 'silent')?.score, 'LESS_GOOD', 'the NOT_APPLICABLE one is left out')
  t.equal(scored.find((d) => d.domain === 'timeliness')?.score, 'GOOD', 'approved: judged on timeliness')
  t.equal(ind('crossChecks', 'unjustifiedThenFormD')?.provisional, true, 'a whole-year indicator is provisional before the cycle ends')
  t.equal(ind('technical', 'refusedRequests')?.provisional, undefined)
  t.equal(scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, v, sh, th, true).find((d) => d.domain === 'crossChecks')?.indicators[0]?.provisional, undefined, 'final: not provisional')

  const notYet = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, v, { kind: 'softwareHouse', approved: false }, th, false)
  t.match(notYet.find((d) => d.domain === 'timeliness'), { score: 'NOT_APPLICABLE', reason: 'approvedOnly' }, 'not yet approved: timeliness is not judged')
  t.equal(notYet.find((d) => d.domain === 'technical')?.score, 'BAD', 'the same indicators otherwise')

  const excel = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, v, { kind: 'excelCpas', approved: false }, th, false)
  t.match(excel.find((d) => d.domain === 'timeliness'), { score: 'NOT_APPLICABLE', reason: 'notForKind' })
  t.match(excel.find((d) => d.domain === 'technical')?.indicators, [{ indicator: 'refusedRequests', reason: 'notForKind' }, { indicator: 'recapRowsRejected', score: 'GOOD' }])
  t.same(excel.map((d) => d.domain), [...BAROMETER_DOMAINS], 'every domain, in order, for every party')
  t.same(excel.flatMap((d) => d.indicators.map((i) => i.indicator)).sort(), INDICATORS.map((i) => i.indicator).sort(), 'every indicator for every party')
})

t.test('the mean rule, when the file says so, and trends', async (t) => {
  t.equal(domainVerdict(['GOOD', 'BAD'], { rule: 'worst' }), 'BAD')
  t.equal(domainVerdict(['GOOD', 'BAD'], { rule: 'mean' }), 'LESS_GOOD')
  t.equal(domainVerdict(['GOOD', 'LESS_GOOD'], { rule: 'mean' }), 'LESS_GOOD', 'a half goes to the worse')
  t.equal(domainVerdict(['GOOD', 'GOOD', 'LESS_GOOD'], { rule: 'mean' }), 'GOOD')
  const th = copy()
  th.domains.silent = { rule: 'mean' }
  const v = values({ notAcknowledged7d: { value: 0.9, n: 1000 } })
  const silent = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, v, { kind: 'softwareHouse', approved: true }, th, false).find((d) => d.domain === 'silent')
  // One BAD among four GOOD indicators of the silent domain: mean rank 0.5 → LESS_GOOD.
  t.equal(silent?.indicators.filter((i) => i.score === 'GOOD').length, 3)
  t.equal(silent?.score, 'LESS_GOOD')

  t.equal(trendOf('GOOD', 'BAD'), 'IMPROVED')
  t.equal(trendOf('BAD', 'LESS_GOOD'), 'WORSENED')
  t.equal(trendOf('LESS_GOOD', 'LESS_GOOD'), 'UNCHANGED')
  t.equal(trendOf('GOOD', 'NOT_APPLICABLE'), undefined)
  t.equal(trendOf('GOOD', undefined), undefined)
  const full = readThresholds()
  const before = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, values({ refusedRequests: { value: 0.5, n: 100 } }), { kind: 'softwareHouse', approved: true }, full, false)
  const after = scoreEvaluation(INDICATORS, BAROMETER_DOMAINS, values({}), { kind: 'softwareHouse', approved: true }, full, false)
  const trended = withTrend(after, before)
  t.match(trended.find((d) => d.domain === 'technical'), { score: 'GOOD', trend: 'IMPROVED', indicators: [{ indicator: 'refusedRequests', trend: 'IMPROVED' }, { indicator: 'recapRowsRejected' }] })
  t.equal(trended.find((d) => d.domain === 'technical')?.indicators[1]?.trend, undefined, 'NOT_APPLICABLE both times: no trend')
  t.equal(trended.find((d) => d.domain === 'silent')?.trend, 'UNCHANGED')
  t.equal(withTrend(after, undefined), after, 'the first evaluation has no trend')
})
