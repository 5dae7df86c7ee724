/**
 * The barometer API over real HTTP handling and real Redis, on controlled traffic in the ended
 * cycle 2024-2025 (tests/barometer/traffic.ts): every score against the thresholds file (read
 * here as JSON), values against the generated traffic, trends across the evaluations, approval,
 * cycles, and the scoping (a software house reads its own barometer only: 403 otherwise).
 */
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import ExcelJS from 'exceljs'
import { INDICATORS } from '../../src/barometer/indicators.js'
import { auth, startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'
import { loadControlledTraffic, PLAN, recordPass } from './traffic.js'

const A = TOKENS.acceptance
const FILE = JSON.parse(readFileSync(new URL('../../schemas/barometer-thresholds.json', import.meta.url), 'utf8')) as {
  version: string
  domains: Record<string, { rule: string; approvedOnly?: boolean }>
  indicators: Record<string, { good: number; lessGood: number; minN: number }>
}

interface Ind { indicator: string; value: number | null; n: number; score: string; reason?: string; trend?: string }
interface Dom { domain: string; score: string; reason?: string; trend?: string; indicators: Ind[] }
interface Bar { partyId: string; kind: string; approved: boolean; evaluation: string; domains: Dom[]; evaluations?: { id: string; domains: Dom[] }[] }

/** The score the file gives, computed here from its bounds (lower is better for every indicator). */
function expected(i: Ind, domain: string, kind: string, approved: boolean): { score: string; reason?: string } {
  const def = INDICATORS.find((d) => d.indicator === i.indicator)
  const b = FILE.indicators[i.indicator]
  if (!def || !b) return { score: 'missing' }
  if (!def.appliesTo.includes(kind as never)) return { score: 'NOT_APPLICABLE', reason: 'notForKind' }
  if (FILE.domains[domain]?.approvedOnly && !approved) return { score: 'NOT_APPLICABLE', reason: 'approvedOnly' }
  if (i.value === null) return { score: 'NOT_APPLICABLE', reason: 'noValue' }
  if (i.n < b.minN) return { score: 'NOT_APPLICABLE', reason: 'smallN' }
  return { score: i.value <= b.good ? 'GOOD' : i.value <= b.lessGood ? 'LESS_GOOD' : 'BAD' }
}
const RANK = ['GOOD', 'LESS_GOOD', 'BAD']
const worst = (scores: string[]) => {
  const judged = scores.filter((s) => s !== 'NOT_APPLICABLE')
  return judged.length === 0 ? 'NOT_APPLICABLE' : (RANK[Math.max(...judged.map((s) => RANK.indexOf(s)))] as string)
}

function checkScores(t: Test, b: Bar, domains: Dom[], where: string): void {
  for (const d of domains) {
    for (const i of d.indicators) t.match({ score: i.score, reason: i.reason }, expected(i, d.domain, b.kind, b.approved), `${where} ${b.partyId} ${i.indicator}`)
    t.equal(d.score, worst(d.indicators.map((i) => i.score)), `${where} ${b.partyId} ${d.domain}: the worst indicator`)
  }
}

const get = (gw: TestGateway, url: string, token: string = A.inspection) => gw.app.inject({ method: 'GET', url: `/acceptance${url}`, headers: auth(token) })
const ind = (b: { domains: Dom[] }, domain: string, id: string) => b.domains.find((d) => d.domain === domain)?.indicators.find((i) => i.indicator === id) as Ind
const dom = (b: { domains: Dom[] }, domain: string) => b.domains.find((d) => d.domain === domain) as Dom

t.test('the barometer of the ended cycle 2024-2025', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  await loadControlledTraffic(ctx)
  await recordPass(ctx, 'alpha')

  const res = await get(gw, '/v1/barometer?cycle=2024-2025')
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const list = res.json() as { cycle: { id: string; start: string; end: string; final: boolean; evaluations: { id: string; complete: boolean }[] }; thresholdsVersion: string; parties: Bar[] }
  t.match(list.cycle, { id: '2024-2025', start: '2024-01-01', end: '2025-12-31', final: true })
  t.same(list.cycle.evaluations.map((e) => [e.id, e.complete]), [['2024H1', true], ['2024H2', true], ['2025H1', true], ['2025H2', true]])
  t.equal(list.thresholdsVersion, FILE.version)
  t.same(list.parties.map((p) => [p.partyId, p.kind, p.approved]), [['alpha', 'softwareHouse', true], ['beta', 'softwareHouse', false]], 'alpha passed conformance and is a production party; beta has no pass')
  for (const p of list.parties) {
    t.equal(p.evaluation, '2025H2', 'the final evaluation')
    checkScores(t, p, p.domains, 'list')
  }
  const alpha = list.parties[0] as Bar
  const beta = list.parties[1] as Bar

  // alpha: 20 answers after 2 days, then 40 after 50 days: the median of the 60 is in the 30–60 day bucket.
  const median = ind(alpha, 'timeliness', 'deliveryToFeedbackMedian')
  t.equal(median.n, PLAN.alpha.h1 + PLAN.alpha.h2)
  t.ok((median.value as number) > 30 && (median.value as number) <= 60, `median ${median.value} days`)
  t.equal(dom(alpha, 'timeliness').score, 'BAD')
  t.equal(dom(alpha, 'timeliness').trend, 'UNCHANGED', 'no traffic after 2024: the same as 2025H1')
  t.match(ind(alpha, 'silent', 'notAcknowledged7d'), { value: 0, n: PLAN.alpha.h1 + PLAN.alpha.h2, score: 'GOOD' }, 'every blinker acknowledged after an hour')
  t.match(ind(alpha, 'technical', 'recapRowsRejected'), { score: 'NOT_APPLICABLE', reason: 'notForKind' })

  // beta: 20 of its 60 messages had a code of another flow.
  t.match(ind(beta, 'systemicPriority', 'codeNotValidForFlow'), { value: PLAN.beta.wrongFlow / (PLAN.beta.valid + PLAN.beta.wrongFlow), n: PLAN.beta.valid + PLAN.beta.wrongFlow, score: 'BAD' })
  t.equal(dom(beta, 'systemicPriority').score, 'BAD')
  t.match(dom(beta, 'timeliness'), { score: 'NOT_APPLICABLE', reason: 'approvedOnly' }, 'not yet approved: not judged on timeliness')
  t.ok((ind(beta, 'timeliness', 'deliveryToFeedbackMedian').value as number) <= 1, 'its value is still given')

  // One party: every evaluation, the trend between them.
  const one = await get(gw, '/v1/barometer/alpha?cycle=2024-2025')
  t.equal(one.statusCode, 200)
  const a = one.json() as Bar
  t.same(a.domains, alpha.domains, 'the same latest evaluation as in the list')
  t.same(a.evaluations?.map((e) => e.id), ['2024H1', '2024H2', '2025H1', '2025H2'])
  const none = { id: '', domains: [] as Dom[] }
  const [e1 = none, e2 = none, , e4 = none] = a.evaluations ?? []
  t.match(ind(e1, 'timeliness', 'deliveryToFeedbackMedian'), { n: PLAN.alpha.h1, score: 'GOOD' })
  t.ok((ind(e1, 'timeliness', 'deliveryToFeedbackMedian').value as number) <= PLAN.alpha.h1Days, '2024H1: two days')
  t.equal(dom(e1, 'timeliness').trend, undefined, 'the first evaluation has no trend')
  t.match(dom(e2, 'timeliness'), { score: 'BAD', trend: 'WORSENED' }, '2024H2: worse than 2024H1')
  for (const e of a.evaluations ?? []) checkScores(t, a, e.domains, e.id)
  t.equal(median.value, ind(e4, 'timeliness', 'deliveryToFeedbackMedian').value)
})

t.test('scoping, roles, cycles and the published thresholds', async (t) => {
  const gw = await startGateway(t)
  const own = await get(gw, '/v1/barometer/beta', A.beta)
  t.equal(own.statusCode, 200, 'a software house reads its own barometer')
  t.equal(own.json().partyId, 'beta')
  const other = await get(gw, '/v1/barometer/alpha', A.beta)
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  t.equal((await get(gw, '/v1/barometer/nobody', A.beta)).json().code, 'GW_ERR_FORBIDDEN_ROLE', 'an unknown id: 403 too, nothing learnt')
  t.equal((await get(gw, '/v1/barometer/alpha/report.xlsx', A.beta)).statusCode, 403, 'nor its report')
  t.equal((await get(gw, '/v1/barometer', A.beta)).json().code, 'GW_ERR_FORBIDDEN_ROLE', 'the list is the inspection’s')
  for (const token of [A.operator, A.publisher]) {
    t.equal((await get(gw, '/v1/barometer', token)).statusCode, 403)
    t.equal((await get(gw, '/v1/barometer/alpha', token)).statusCode, 403)
  }
  t.equal((await get(gw, '/v1/barometer/nobody')).json().code, 'GW_ERR_NOT_FOUND', 'the inspection: an unknown party is 404')
  t.equal((await get(gw, '/v1/barometer/NOT%20AN%20ID')).json().code, 'GW_ERR_BAD_PARAMETER')
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/barometer' })).statusCode, 401)

  for (const bad of ['2025-2026', '2014-2015', '2016-2018', 'someday', '2099-2100']) {
    const res = await get(gw, `/v1/barometer?cycle=${bad}`)
    t.equal(res.statusCode, 400, `cycle=${bad}`)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER')
    t.equal((await get(gw, `/v1/barometer/alpha?cycle=${bad}`)).json().code, 'GW_ERR_BAD_PARAMETER')
  }
  t.equal((await get(gw, '/v1/barometer?period=2016')).json().code, 'GW_ERR_BAD_PARAMETER', 'an unknown parameter')
  const year = new Date().getUTCFullYear()
  const first = year % 2 === 0 ? year : year - 1
  const current = (await get(gw, '/v1/barometer?cycle=current')).json()
  t.match(current.cycle, { id: `${first}-${first + 1}`, final: false })
  t.equal((await get(gw, '/v1/barometer')).json().cycle.id, `${first}-${first + 1}`, 'no cycle: the running one')
  t.ok(current.parties.every((p: Bar) => p.domains.length === 6), 'every party, six domains, even without traffic')

  const file = await gw.app.inject({ method: 'GET', url: '/schemas/barometer-thresholds.json' })
  t.equal(file.statusCode, 200)
  t.match(file.headers['content-type'], /application\/json/)
  t.same(file.json(), FILE, 'the published file is the one the scores are judged by')
})

t.test('the report a software house downloads', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  await loadControlledTraffic(ctx)
  const res = await get(gw, '/v1/barometer/beta/report.xlsx?cycle=2024-2025&lang=nl', A.beta)
  t.equal(res.statusCode, 200, res.body.slice(0, 200))
  t.match(res.headers['content-type'], /spreadsheetml/)
  t.match(res.headers['content-disposition'], /attachment; filename="barometer-beta-2024-2025.xlsx"/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  t.same(wb.worksheets.map((w) => w.name), ['Overzicht', 'Indicatoren', 'Evaluaties', 'Drempels'], 'in Dutch')
  const rows = wb.getWorksheet('Indicatoren')?.getSheetValues().filter(Boolean) as unknown[][]
  const flow = rows.find((r) => String(r[2]).startsWith('Geweigerde codes'))
  t.ok(flow, 'the codeNotValidForFlow row')
  t.equal(flow?.[3], PLAN.beta.wrongFlow / (PLAN.beta.valid + PLAN.beta.wrongFlow), 'the share as a number')
  t.equal(flow?.[5], PLAN.beta.valid + PLAN.beta.wrongFlow, 'n')
  t.equal(flow?.[6], 'Slecht', 'the score in Dutch')
  const summary = wb.getWorksheet('Overzicht')?.getSheetValues().filter(Boolean) as unknown[][]
  t.ok(summary.some((r) => r[1] === 'Termijnen' && r[2] === 'Niet van toepassing'), 'timeliness not judged for a house not yet approved')
  const inspection = await get(gw, '/v1/barometer/alpha/report.xlsx?cycle=2024-2025')
  t.equal(inspection.statusCode, 200, 'the inspection downloads any report')
  t.equal((await get(gw, '/v1/barometer/beta/report.xlsx?lang=de', A.beta)).statusCode, 400)
})
