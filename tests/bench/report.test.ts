/**
 * The bench's arithmetic and verdicts: percentiles, medians, ratios, rounds combined, PASS/FAIL of
 * each target (a missing or erroneous measurement never passes), the printed tables, and the
 * profile summary used for BENCHMARKS.md.
 */
import t from 'tap'
import { combineRounds, evaluateTargets, resultsTable, targetsTable, type ScenarioResult, type SideResult } from '../../bench/lib/report.js'
import { median, percentile, ratio, round, summarize } from '../../bench/lib/stats.js'
import { moduleOf, summarizeProfile } from '../../bench/profile-summary.js'

const side = (throughput: number, extra: Partial<SideResult> = {}): SideResult => ({
  throughput,
  p50: 2,
  p99: 10,
  halfP50: 1,
  halfP99: 5,
  cpuUsPerItem: 300,
  redisCpuUsPerItem: 50,
  peakRss: 100 * 1024 * 1024,
  errors: 0,
  ...extra,
})

const scenario = (id: ScenarioResult['id'], g: SideResult, b?: SideResult, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id,
  title: id,
  unit: 'req/s',
  gateway: g,
  ...(b ? { baseline: b } : {}),
  rounds: { gateway: [g], baseline: b ? [b] : [] },
  notes: [],
  ...extra,
})

t.test('percentiles, summaries, medians and ratios', async (t) => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i) // 100..1, unsorted
  t.equal(percentile(Float64Array.from(samples).sort(), 50), 50)
  t.equal(percentile([1, 2, 3], 100), 3)
  t.equal(percentile([1, 2, 3], 0), 1, 'rank never below the first')
  t.ok(Number.isNaN(percentile([], 50)))
  const s = summarize(samples)
  t.same({ p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, mean: s.mean, count: s.count }, { p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5, count: 100 })
  t.equal(samples[0], 100, 'the input is left unsorted')
  t.ok(Number.isNaN(summarize([]).max) && Number.isNaN(summarize([]).mean))
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 3, 2]), 2.5)
  t.equal(median([Number.NaN, 5]), 5, 'NaN rounds are ignored')
  t.ok(Number.isNaN(median([])))
  t.equal(ratio(80, 100), 0.8)
  t.ok(Number.isNaN(ratio(80, 0)) && Number.isNaN(ratio(80, undefined)) && Number.isNaN(ratio(Number.NaN, 1)))
  t.equal(round(1.23456, 2), 1.23)
  t.ok(Number.isNaN(round(Number.NaN)))
})

t.test('rounds combine into medians, errors add up, peak RSS is the maximum', async (t) => {
  const c = combineRounds([side(100, { errors: 1, peakRss: 10 }), side(300, { peakRss: 30 }), side(200, { errors: 2, peakRss: Number.NaN })])
  t.equal(c.throughput, 200)
  t.equal(c.errors, 3)
  t.equal(c.peakRss, 30)
  t.ok(Number.isNaN(combineRounds([side(1, { peakRss: Number.NaN })]).peakRss), 'no sample: NaN, not 0')
})

t.test('targets: ratios, half-load p99, memory; missing or erroneous measurements fail', async (t) => {
  const results = [
    scenario('rest-single', side(900), side(1000)),
    scenario('rest-batch', side(700), side(1000)),
    scenario('soap', side(1400, { halfP99: 30 }), side(1000)),
    scenario('publish', side(850), side(1000), { redisBytesPerItem: 1500 }),
    scenario('mailbox', side(50, { halfP99: 49, peakRss: 400 * 1024 * 1024 })),
    scenario('e2e', side(900, { errors: 3 }), side(1000)),
  ]
  const checks = evaluateTargets(results)
  const verdict = Object.fromEntries(checks.map((c) => [c.target, c.pass]))
  t.same(verdict, {
    'rest-single: throughput ratio to baseline': true,
    'rest-single: gateway p99 at half load': true,
    'rest-batch: throughput ratio to baseline': false,
    'soap: throughput ratio to baseline': true,
    'soap: gateway p99 at half load': false,
    'publish: throughput ratio to baseline': true,
    'publish: Redis memory per blinker': true,
    'mailbox: gateway p99 at half load': true,
    'e2e: throughput ratio to baseline': false,
    'gateway peak RSS under load': false,
  })
  t.ok(Number.isNaN(checks.find((c) => c.target.startsWith('e2e'))?.value ?? 0), 'a run with errors has no value')
  const noMemory = evaluateTargets([scenario('publish', side(900), side(1000))])
  t.notOk(noMemory.find((c) => c.target === 'publish: Redis memory per blinker')?.pass, 'not measured is not a pass')

  const table = targetsTable(checks)
  t.match(table, /\| rest-single: throughput ratio to baseline \| 0\.9× \| >= 0\.8× \| PASS \|/)
  t.match(table, /\| rest-batch: throughput ratio to baseline \| 0\.7× \| >= 0\.8× \| \*\*FAIL\*\* \|/)
  t.match(table, /gateway peak RSS under load \| 400 MB \| < 300 MB \| \*\*FAIL\*\*/)
  t.match(table, /publish: Redis memory per blinker \| 1,500 B \| < 2,048 B \| PASS/)
})

t.test('page targets (issue 18): each page under 300 ms p99; a page with errors fails', async (t) => {
  const page = (name: string, p99: number, errors = 0) => ({ name, path: `/production/${name}`, p50: p99 / 2, p99, max: p99, count: 200, bytes: 5000, errors })
  const checks = evaluateTargets([scenario('pages', side(Number.NaN, { peakRss: Number.NaN }), undefined, { pages: [page('dashboard', 120), page('CPAS page', 300), page('pending', 10, 1)] })])
  t.same(
    checks.map((c) => [c.target, c.pass]),
    [
      ['pages: dashboard p99', true],
      ['pages: CPAS page p99', false],
      ['pages: pending p99', false],
    ],
    '300 ms is not under 300 ms; errors never pass',
  )
  t.ok(Number.isNaN(checks[2]?.value ?? 0), 'a page with errors has no value')
  t.match(targetsTable(checks), /\| pages: dashboard p99 \| 120 ms \| < 300 ms \| PASS \|/)
  t.same(evaluateTargets([scenario('pages', side(1, { peakRss: Number.NaN }))]), [], 'no pages measured, no page target')
})

t.test('the results table shows both sides, the ratio and the errors', async (t) => {
  const table = resultsTable([scenario('rest-single', side(1200), side(1000)), scenario('mailbox', side(40, { errors: 2, cpuUsPerItem: Number.NaN }), undefined, { redisBytesPerItem: 3575 })])
  const [head, rule, single, mailbox] = table.split('\n')
  t.match(head, /\| scenario \| gateway \| raw baseline \(same run\) \| ratio \|/)
  t.equal(rule?.split('|').length, head?.split('|').length, 'one alignment cell per column')
  t.match(single, /\| rest-single \| 1,200 req\/s \| 1,000 req\/s \| 1\.2× \| 2 \/ 10 \| 1 \/ 5 \| 2 \/ 10 · 1 \/ 5 \| 300 \+ 50 \/ 300 \+ 50 \| 100 MB \| — \|/)
  t.match(mailbox, /\| mailbox \(\*\*2 errors\*\*\) \| 40 req\/s \| — \| — \|.*\| — \| 100 MB \| 3,575 B \|/)
})

t.test('profile summary: self time per module and per function', async (t) => {
  t.equal(moduleOf('file:///work/main/node_modules/ioredis/built/Command.js'), 'pkg:ioredis')
  t.equal(moduleOf('file:///w/node_modules/@fastify/ajv-compiler/index.js'), 'pkg:@fastify/ajv-compiler')
  t.equal(moduleOf('file:///work/main/dist/src/store/feedback-store.js'), 'gw:src/store/feedback-store.js')
  t.equal(moduleOf('node:internal/streams/readable'), 'node:internal/streams/readable')
  t.equal(moduleOf('file:///elsewhere/a/b.js'), 'other:a/b.js')
  t.equal(moduleOf(''), '(native / idle / gc)')
  const profile = {
    startTime: 0,
    endTime: 1_000_000, // 1 s in µs
    nodes: [
      { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 }, hitCount: 50 },
      { id: 2, callFrame: { functionName: 'storeFeedback', url: 'file:///x/dist/src/store/feedback-store.js', lineNumber: 32 }, hitCount: 30 },
      { id: 3, callFrame: { functionName: '', url: 'file:///x/node_modules/ioredis/built/Command.js', lineNumber: 9 }, hitCount: 20 },
      { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    ],
  }
  const s = summarizeProfile(profile, 2)
  t.equal(s.totalMs, 1000)
  t.equal(s.idleMs, 500, 'idle time counted apart')
  t.same(s.byModule, [
    { name: 'gw:src/store/feedback-store.js', ms: 300, percent: 60 },
    { name: 'pkg:ioredis', ms: 200, percent: 40 },
  ], 'shares of the busy time')
  t.same(s.byFunction[0], { name: 'storeFeedback gw:src/store/feedback-store.js:33', ms: 300, percent: 60 })
  t.equal(summarizeProfile(profile).byFunction[1]?.name, '(anonymous) pkg:ioredis:10')

  // What --cpu-prof writes: samples and the µs since the previous one. A sample counts for the
  // interval to the next: ioredis has more samples (3 to 2) but less time (30 to 300 µs).
  const sampled = { ...profile, endTime: 1000, samples: [1, 3, 3, 2, 3, 2], timeDeltas: [0, 100, 10, 10, 300, 10] }
  const w = summarizeProfile(sampled)
  t.equal(w.idleMs, 0)
  t.same(
    w.byFunction.map((x) => [x.name, x.percent]),
    [['storeFeedback gw:src/store/feedback-store.js:33', 90.9], ['(anonymous) pkg:ioredis:10', 9.1]],
    'weighted by time, not by sample count',
  )
})
