/**
 * Self-reported conformance results and the production gate: a party marked
 * requireConformancePass in the parties file is refused in production (REST and SOAP) until a run
 * the GATEWAY judged passes for the same party id in acceptance; a self-reported full pass never
 * opens it, and a later failing run does not take a judged pass away again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { driveJudgedRun } from '../../src/onboarding/conformance/judged-run.js'
import { REQUIRED_SCENARIOS } from '../../src/onboarding/conformance/scenario-names.js'
import { hashToken } from '../../src/parties/parties.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { envelope, readFault, soapPost } from '../helpers/soap.js'

function partiesFile(): string {
  const env = (tag: string, gated: boolean) => ({
    cpas: [{ kbo: CPAS.alpha1 }, { kbo: CPAS.beta }],
    parties: [
      { id: 'alpha', role: 'software-house', tokenSha256: [hashToken(`${tag}-alpha`)], cpas: [CPAS.alpha1], ...(gated ? { requireConformancePass: true } : {}) },
      { id: 'beta', role: 'software-house', tokenSha256: [hashToken(`${tag}-beta`)], cpas: [CPAS.beta] },
    ],
  })
  const file = join(mkdtempSync(join(tmpdir(), 'bgw-parties-')), 'parties.json')
  writeFileSync(file, JSON.stringify({ acceptance: env('acc', false), production: env('prod', true) }))
  return file
}

const run = (passed: (name: string) => boolean, names: readonly string[] = REQUIRED_SCENARIOS) => ({
  runner: { name: 'test', version: '1' },
  startedAt: '2026-11-23T10:00:00Z',
  finishedAt: '2026-11-23T10:00:05Z',
  soap: false,
  scenarios: names.map((name) => ({ name, passed: passed(name), durationMs: 5, ...(passed(name) ? {} : { detail: 'expected 422, got 202' }) })),
})

const post = (gw: TestGateway, body: object, env = 'acceptance', token = 'acc-alpha') =>
  gw.app.inject({ method: 'POST', url: `/${env}/v1/conformance/results`, headers: auth(token), payload: body })
const latest = (gw: TestGateway, token = 'acc-alpha') => gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/results/latest', headers: auth(token) })
const prodMailbox = (gw: TestGateway, token = 'prod-alpha', kbo: string = CPAS.alpha1) =>
  gw.app.inject({ method: 'GET', url: `/production/v1/cpas/${kbo}/blinkers`, headers: auth(token) })

t.test('production is refused until a judged pass; self-reported passes open nothing', async (t) => {
  const gw = await startGateway(t, { PARTIES_FILE: partiesFile() })
  const refused = await prodMailbox(gw)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'GW_ERR_CONFORMANCE_REQUIRED')
  t.match(refused.json().detail, /alpha needs a conformance run judged PASSED by the gateway in acceptance/)
  const soap = await soapPost(gw.app, { env: 'production', token: 'prod-alpha', action: '"urn:blinker-gateway:v1#GetBlinkers"', body: envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`) })
  t.equal(soap.statusCode, 403)
  t.equal(readFault(soap.body).code, 'GW_ERR_CONFORMANCE_REQUIRED', 'a SOAP Fault with the same code')
  t.equal((await prodMailbox(gw, 'prod-beta', CPAS.beta)).statusCode, 200, 'a party without the flag is not gated')
  t.equal((await gw.app.inject({ method: 'GET', url: '/production/soap?wsdl' })).statusCode, 200, 'public paths are not gated')
  const profile = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/sandbox/profile', headers: auth('acc-alpha') })
  t.equal(profile.json().requireConformancePass, true, 'the profile tells the software house')

  t.equal((await latest(gw)).json().code, 'GW_ERR_NOT_FOUND', 'nothing recorded yet')
  const partial = await post(gw, run(() => true, REQUIRED_SCENARIOS.slice(1)))
  t.equal(partial.statusCode, 201)
  t.match(partial.json(), { partyId: 'alpha', fullPass: false, missing: [REQUIRED_SCENARIOS[0]], failed: [], lastFullPassAt: null, gatewayVersion: /^\d+\.\d+\.\d+/ })
  const failing = await post(gw, run((n) => n !== 'push-signature'))
  t.match(failing.json(), { fullPass: false, failed: ['push-signature'], missing: [] })

  const full = await post(gw, run(() => true))
  t.match(full.json(), { fullPass: true, failed: [], missing: [], lastFullPassAt: null })
  t.equal((await prodMailbox(gw)).json().code, 'GW_ERR_CONFORMANCE_REQUIRED', 'a self-reported full pass opens nothing')

  // A run the gateway judges, driven by the runner as the party's software would.
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const judged = await driveJudgedRun({ baseUrl: base, token: 'acc-alpha' })
  t.equal(judged.run.verdict, 'PASSED', judged.run.verdict === 'PASSED' ? 'the judged run passed' : judged.run.scenarios.map((s) => `${s.status} ${s.name} ${s.reason}`).join('\n'))
  t.equal((await prodMailbox(gw)).statusCode, 200, 'production open')

  // A later run that fails (acknowledged before any delivery) does not close production again.
  const later = (await gw.app.inject({ method: 'POST', url: '/acceptance/v1/conformance/runs', headers: auth('acc-alpha'), payload: {} })).json()
  const [first] = later.scenarios[0].blinkers
  await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${first.blinkerId}/acknowledgements`, headers: auth('acc-alpha') })
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/conformance/runs/${later.id}`, headers: auth('acc-alpha') })).json().verdict, 'FAILED')
  t.equal((await post(gw, run((n) => n !== 'wrong-cpas'))).json().lastFullPassAt, judged.run.judgedAt, 'the self-report shows the judged pass')
  t.match((await latest(gw)).json(), { fullPass: false, failed: ['wrong-cpas'], lastFullPassAt: judged.run.judgedAt })
  t.equal((await prodMailbox(gw)).statusCode, 200, 'a later failing run does not close production again')
  t.equal((await latest(gw, 'acc-beta')).statusCode, 404, "beta sees no run: results are per party")
})

t.test('results: acceptance only, software houses only, body checked', async (t) => {
  const gw = await startGateway(t)
  const prod = await post(gw, run(() => true), 'production', 'demo-prod-alpha')
  t.equal(prod.statusCode, 404, 'no conformance routes in production')
  t.equal((await post(gw, run(() => true), 'acceptance', 'demo-acc-inspection')).json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const bad = await post(gw, { ...run(() => true), scenarios: [{ name: 'Bad Name', passed: 'yes' }] }, 'acceptance', 'demo-acc-alpha')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'GW_ERR_VALIDATION')
  t.equal((await post(gw, { ...run(() => true), extra: 1 }, 'acceptance', 'demo-acc-alpha')).statusCode, 400, 'unknown fields refused')
})
