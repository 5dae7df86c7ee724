/**
 * The conformance runner's self-check against a real gateway listening on port 0 (workers on, so
 * the push scenario is real): every scenario passes and the self-report is recorded (for
 * information); then against a gateway whose code/flow rule is deliberately broken it fails,
 * naming the scenario and the expected 422 — and a judged run there cannot pass either.
 */
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { driveJudgedRun } from '../../src/onboarding/conformance/judged-run.js'
import { ALLOW_LOCAL_WEBHOOKS } from '../helpers/blinkers.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err }
}

t.test('the runner passes against the default start, REST and SOAP, and the self-report is recorded', async (t) => {
  const gw = await startGateway(t, ALLOW_LOCAL_WEBHOOKS, { workers: true })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const { io, out, err } = capture()
  const code = await main(['conformance', '--base', base, '--token', TOKENS.acceptance.alpha, '--soap'], io)
  t.equal(code, 0, `exit 0\n${out.join('\n')}\n${err.join('\n')}`)
  t.match(out[0], /as party alpha, CPAS 0207151616, REST and SOAP/)
  t.equal(out.filter((l) => l.startsWith('PASS')).length, 15, 'every scenario passed')
  t.equal(out.filter((l) => l.startsWith('FAIL')).length, 0)
  t.match(out.join('\n'), /15 passed, 0 failed of 15 scenarios/)
  t.match(out.at(-1), /full pass YES/)
  const latest = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/results/latest', headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}` } })
  t.equal(latest.statusCode, 200)
  t.match(latest.json(), { partyId: 'alpha', fullPass: true, failed: [], missing: [], run: { soap: true } })
  t.equal(latest.json().run.scenarios.length, 15)
  const sub = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/subscriptions/self', headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}` } })
  t.equal(sub.statusCode, 404, 'the push scenario removed its subscription again')
})

t.test('a gateway with a broken code/flow rule fails the run with a precise message', async (t) => {
  // The seam: the catalogue entries the rules read (domain/feedback-codes.ts) are patched in this
  // process so every flow-specific code applies to ALL flows: exactly what a careless edit of the
  // rule or the catalogue would do. The published file (what the runner reads) stays right.
  // (t.mockImport cannot reach that deep: its resolver stops at the .js → .ts specifiers.)
  const { loadCatalogue, feedbackCode } = await import('../../src/domain/feedback-codes.js')
  const restore: (() => void)[] = []
  for (const { code } of loadCatalogue().codes) {
    const entry = feedbackCode(code)
    if (!entry || entry.flows === 'ALL') continue
    const flows = entry.flows
    entry.flows = 'ALL'
    restore.push(() => (entry.flows = flows))
  }
  t.teardown(() => restore.forEach((r) => r()))
  t.ok(restore.length > 0, 'some rules broken')
  const gw = await startGateway(t, ALLOW_LOCAL_WEBHOOKS, { workers: true })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const { io, out } = capture()
  const code = await main(['conformance', '--base', base, '--token', TOKENS.acceptance.beta], io)
  t.equal(code, 1, 'exit 1')
  const failures = out.filter((l) => l.startsWith('FAIL'))
  t.equal(failures.length, 1, `one scenario fails:\n${out.join('\n')}`)
  t.match(failures[0], /^FAIL {2}code-not-for-flow .*code \d+ on a \w+ blinker: expected 422 GW_ERR_CODE_NOT_FOR_FLOW, got 202/)
  t.match(out.at(-1), /full pass NO \(failed: code-not-for-flow\)/)
  const latest = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/results/latest', headers: { authorization: `Bearer ${TOKENS.acceptance.beta}` } })
  t.match(latest.json(), { partyId: 'beta', fullPass: false, failed: ['code-not-for-flow'], lastFullPassAt: null })
  // The gateway judging a run against itself sees no 422 where one was due: the run cannot pass.
  const judged = await driveJudgedRun({ baseUrl: base, token: TOKENS.acceptance.beta, verdictTimeoutMs: 0 })
  t.equal(judged.run.verdict, 'RUNNING')
  const nff = judged.run.scenarios.find((s) => s.name === 'code-not-for-flow')
  t.match(nff, { status: 'PENDING', reason: /no 422 GW_ERR_CODE_NOT_FOR_FLOW seen yet/ })
  t.same(judged.run.scenarios.filter((s) => s.status !== 'PASSED').map((s) => s.name), ['code-not-for-flow'], 'everything else passed')
})
