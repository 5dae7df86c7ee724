/**
 * Conformance judged by the gateway (issue 21 item 6): a forged self-reported all-pass with no
 * calls behind it does not open production; a run driven by the conformance runner against the
 * sandbox is judged PASSED by the gateway from its own records, and production then accepts the
 * party. Operators see every party's status and can revoke a pass (audited with the person).
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { JUDGED_SCENARIOS, REQUIRED_SCENARIOS } from '../../src/onboarding/conformance/scenario-names.js'
import { readAuditEntry } from '../../src/security/audit-chain.js'
import { auditWriter } from '../../src/security/audit-trail.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { capture, gatedPartiesFile, prodMailbox } from './judged-helpers.js'

const forged = {
  runner: { name: 'blinker-gateway conformance', version: '9.9.9' },
  startedAt: '2026-11-23T10:00:00Z',
  finishedAt: '2026-11-23T10:00:05Z',
  soap: true,
  scenarios: REQUIRED_SCENARIOS.map((name) => ({ name, passed: true, durationMs: 5 })),
}

async function listening(t: Test): Promise<{ gw: TestGateway; base: string }> {
  const gw = await startGateway(t, { PARTIES_FILE: gatedPartiesFile() })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  return { gw, base: `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}` }
}

t.test('a forged self-reported all-pass opens nothing; a run driven by the runner passes and opens production', async (t) => {
  const { gw, base } = await listening(t)
  const refused = await prodMailbox(gw)
  t.equal(refused.json().code, 'GW_ERR_CONFORMANCE_REQUIRED', 'gated before anything')

  // The forgery: one POST claiming every scenario passed, no call behind it.
  const report = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/conformance/results', headers: auth('acc-alpha'), payload: forged })
  t.equal(report.statusCode, 201, 'recorded, for information')
  t.match(report.json(), { fullPass: true, lastFullPassAt: null })
  const still = await prodMailbox(gw)
  t.equal(still.statusCode, 403, 'production still refuses')
  t.equal(still.json().code, 'GW_ERR_CONFORMANCE_REQUIRED')
  t.match(still.json().detail, /judged PASSED by the gateway/)
  t.equal(await gw.redis.exists(`${gw.prefix}:acceptance:conformance:alpha:judged`), 0, 'no pass recorded')

  // The runner drives a judged run against the sandbox, as the party's software would.
  const { io, out, err } = capture()
  const code = await main(['conformance', '--judged', '--base', base, '--token', 'acc-alpha'], io)
  t.equal(code, 0, `exit 0\n${out.join('\n')}\n${err.join('\n')}`)
  for (const name of JUDGED_SCENARIOS) t.ok(out.some((l) => new RegExp(`^PASSED +${name} `).test(l)), `${name} judged PASSED`)
  t.match(out.at(-1), /^Verdict: PASSED \(judged at .*\): production accepts this party/)
  const runId = /^Conformance run ([0-9a-f-]{36}) /.exec(out[0] ?? '')?.[1] as string
  t.ok(runId, 'the run id is printed')

  const pass = JSON.parse((await gw.redis.get(`${gw.prefix}:acceptance:conformance:alpha:judged`)) ?? 'null')
  t.match(pass, { partyId: 'alpha', runId, passedAt: /^\d{4}-/ }, 'the judged pass names the run')
  t.same(pass.scenarios, [...JUDGED_SCENARIOS])
  t.equal((await prodMailbox(gw)).statusCode, 200, 'production accepts the party')
  const latest = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/results/latest', headers: auth('acc-alpha') })
  t.equal(latest.json().lastFullPassAt, pass.passedAt, 'the self-report now shows the judged pass')

  // The run as the gateway answers it: frozen, every scenario PASSED with what it saw.
  const run = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/conformance/runs/${runId}`, headers: auth('acc-alpha') })).json()
  t.match(run, { id: runId, partyId: 'alpha', verdict: 'PASSED', judgedAt: pass.passedAt })
  t.ok(run.scenarios.every((s: { status: string }) => s.status === 'PASSED'))
  t.match(run.scenarios.find((s: { name: string }) => s.name === 'invalid-xml').reason, /400 GW_ERR_MALFORMED_XML answered at .* \(POST \/soap GetBlinkers\)/)
  t.match(run.scenarios.find((s: { name: string }) => s.name === 'pull-and-acknowledge').reason, /received \(pulled\) at .*, acknowledged at/)
  const catalogue = JSON.parse(readFileSync('schemas/feedback-codes.json', 'utf8')) as { codes: { code: number }[] }
  t.match(run.scenarios.find((s: { name: string }) => s.name === 'each-feedback-code').reason, new RegExp(`all ${catalogue.codes.length} codes received`))

  // A pass in the wrong party's name is not one: beta is not gated, alpha's run is alpha's.
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/conformance/runs/${runId}`, headers: auth('acc-beta') })).json().code, 'GW_ERR_NOT_FOUND', "another party's run is unknown")
})

t.test('operators list every party and revoke a pass; the trail names the person', async (t) => {
  const { gw, base } = await listening(t)
  const { io, out } = capture()
  t.equal(await main(['conformance', '--judged', '--base', base, '--token', 'acc-alpha'], io), 0, out.join('\n'))
  const runId = /^Conformance run ([0-9a-f-]{36}) /.exec(out[0] ?? '')?.[1]
  t.equal((await prodMailbox(gw)).statusCode, 200)

  const list = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/conformance', headers: auth('acc-operator') })
  t.equal(list.statusCode, 200)
  const parties = list.json().parties as { partyId: string }[]
  t.same(parties.map((p) => p.partyId), ['alpha', 'beta'], 'every software house, by id')
  t.match(parties[0], { partyId: 'alpha', requireConformancePass: true, latestRun: { id: runId, verdict: 'PASSED' }, pass: { runId }, revoked: null })
  t.match(parties[1], { partyId: 'beta', requireConformancePass: false, latestRun: null, pass: null, revoked: null })
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/conformance', headers: auth('acc-alpha') })).json().code, 'GW_ERR_FORBIDDEN_ROLE', 'not for software houses')

  const revoke = (party: string, body: object) => gw.app.inject({ method: 'POST', url: `/acceptance/v1/operator/conformance/${party}/revoke`, headers: auth('acc-operator'), payload: body })
  t.equal((await revoke('alpha', { by: '85073003328', reason: 'digits only' })).json().code, 'GW_ERR_VALIDATION', 'a person id of digits only is refused (could be a NISS)')
  t.equal((await revoke('alpha', { by: 'jdupont' })).statusCode, 400, 'a reason is required')
  const done = await revoke('alpha', { by: 'jdupont', reason: 'software replaced, must pass again' })
  t.equal(done.statusCode, 200)
  t.match(done.json(), { partyId: 'alpha', revoked: { by: 'jdupont', reason: 'software replaced, must pass again', runId } })
  const refused = await prodMailbox(gw)
  t.equal(refused.statusCode, 403, 'production refuses again at once in this process')
  t.equal(refused.json().code, 'GW_ERR_CONFORMANCE_REQUIRED')
  t.equal((await revoke('alpha', { by: 'jdupont', reason: 'again' })).json().code, 'GW_ERR_NOT_FOUND', 'nothing left to revoke')
  t.equal((await revoke('nobody', { by: 'jdupont', reason: 'x-x' })).json().code, 'GW_ERR_NOT_FOUND')
  const after = (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/operator/conformance', headers: auth('acc-operator') })).json().parties[0]
  t.match(after, { pass: null, revoked: { by: 'jdupont', runId }, latestRun: { id: runId, verdict: 'PASSED' } })

  const ctx = gw.contexts.get('acceptance') as never
  await auditWriter(ctx)?.drain()
  const rows = (await gw.redis.xrange(`${gw.prefix}:acceptance:audit`, '-', '+')).map(([, flat]) => readAuditEntry(flat))
  const revokes = rows.flatMap((r) => (typeof r === 'string' || !r.fields.route.endsWith('/revoke') ? [] : [r.fields]))
  const ok = revokes.filter((r) => r.status === '200')
  t.equal(ok.length, 1, 'the revoke is in the audit trail')
  t.match(ok[0], { party: 'operator', role: 'operator', person: 'jdupont', method: 'POST' })

  t.equal((await gw.app.inject({ method: 'GET', url: '/production/v1/operator/conformance', headers: auth('prod-operator') })).statusCode, 404, 'acceptance only')
})

t.test('start: the plan matches the catalogue, own CPAS only, acceptance only', async (t) => {
  const { gw } = await listening(t)
  const start = (body: object | undefined, token = 'acc-alpha', env = 'acceptance') =>
    gw.app.inject({ method: 'POST', url: `/${env}/v1/conformance/runs`, headers: auth(token), ...(body ? { payload: body } : {}) })
  const res = await start({ cpasKbo: CPAS.alpha1, deadlineMinutes: 30 })
  t.equal(res.statusCode, 201)
  const run = res.json()
  t.equal(Date.parse(run.deadline) - Date.parse(run.startedAt), 30 * 60_000, 'deadline as asked')
  t.same(run.scenarios.map((s: { name: string }) => s.name), [...JUDGED_SCENARIOS])
  t.ok(run.scenarios.every((s: { status: string }) => s.status === 'PENDING'))
  const catalogue = JSON.parse(readFileSync('schemas/feedback-codes.json', 'utf8')) as { codes: { code: number; flows: 'ALL' | string[]; commentRequired?: boolean }[] }
  const applies = (code: number, flow: string) => {
    const c = catalogue.codes.find((x) => x.code === code)
    return c !== undefined && (c.flows === 'ALL' || c.flows.includes(flow))
  }
  const each = run.scenarios.find((s: { name: string }) => s.name === 'each-feedback-code').blinkers as { blinkerId: string; flow: string; code: number; commentRequired?: boolean }[]
  t.same(each.map((b) => b.code), catalogue.codes.map((c) => c.code), 'one blinker per catalogue code')
  t.ok(each.every((b) => applies(b.code, b.flow)), 'each code on a flow it applies to')
  t.same(each.filter((b) => b.commentRequired).map((b) => b.code), catalogue.codes.filter((c) => c.commentRequired).map((c) => c.code))
  const nff = run.scenarios.find((s: { name: string }) => s.name === 'code-not-for-flow').blinkers[0]
  t.notOk(applies(nff.code, nff.flow), 'code-not-for-flow asks for a code that does not apply')
  const wrong = run.scenarios.find((s: { name: string }) => s.name === 'wrong-cpas')
  t.notOk([CPAS.alpha1, CPAS.alpha2].includes(wrong.cpasKbo), 'an unserved CPAS')
  // The blinkers are real: in alpha's mailbox, sandbox-made.
  const ids = run.scenarios.flatMap((s: { blinkers: { blinkerId: string }[] }) => s.blinkers.map((b) => b.blinkerId))
  const one = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${ids[0]}`, headers: auth('acc-alpha') })
  t.match(one.json(), { cpasKbo: CPAS.alpha1, status: 'PUBLISHED', history: [{ by: 'sandbox:alpha' }] })
  t.equal(ids.length, new Set(ids).size, 'a blinker per use')

  t.equal((await start(undefined)).statusCode, 201, 'no body: the defaults')
  t.equal((await start({ cpasKbo: CPAS.beta })).json().code, 'GW_ERR_FORBIDDEN_CPAS')
  t.equal((await start({ deadlineMinutes: 1 })).json().code, 'GW_ERR_VALIDATION')
  t.equal((await start({ extra: true })).json().code, 'GW_ERR_VALIDATION')
  t.equal((await start({}, 'acc-inspection')).json().code, 'GW_ERR_FORBIDDEN_ROLE')
  t.equal((await start({}, 'prod-beta', 'production')).statusCode, 404, 'no runs in production')
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/runs/not-a-uuid', headers: auth('acc-alpha') })).json().code, 'GW_ERR_BAD_PARAMETER')
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/runs/3f2504e0-4f89-41d3-9a0c-0305e82c3301', headers: auth('acc-alpha') })).json().code, 'GW_ERR_NOT_FOUND')

  // Documented in the OpenAPI document, each with its name for client generators.
  type Op = { operationId?: string; summary?: string; tags?: string[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
  const doc = gw.app.swagger() as unknown as { paths: Record<string, Record<string, Op>>; tags: { name: string }[] }
  const routes: [string, string, string][] = [
    ['/{env}/v1/conformance/runs', 'post', '201'],
    ['/{env}/v1/conformance/runs/{id}', 'get', '200'],
    ['/{env}/v1/operator/conformance', 'get', '200'],
    ['/{env}/v1/operator/conformance/{partyId}/revoke', 'post', '200'],
  ]
  for (const [path, method, ok] of routes) {
    const op = doc.paths[path]?.[method]
    t.ok(op?.operationId && op.summary && op.tags?.length, `${method} ${path}: operationId, summary, tags`)
    t.ok(op?.responses[ok]?.content?.['application/json']?.schema, `${method} ${path}: ${ok} with its schema`)
    t.ok(op?.responses['404'] || op?.responses['403'], `${method} ${path}: its refusals`)
  }
  t.ok(['conformance', 'sandbox'].every((name) => doc.tags.some((tag) => tag.name === name)), 'their tags are declared')
})
