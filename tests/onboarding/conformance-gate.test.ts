/**
 * Recorded conformance results and the production gate: a party marked requireConformancePass in
 * the parties file is refused in production (REST and SOAP) until a FULL pass is recorded for the
 * same party id in acceptance; a later failing run does not take it away again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
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

t.test('production is refused until a full pass is recorded in acceptance', async (t) => {
  const gw = await startGateway(t, { PARTIES_FILE: partiesFile() })
  const refused = await prodMailbox(gw)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'GW_ERR_CONFORMANCE_REQUIRED')
  t.match(refused.json().detail, /alpha must record a full conformance pass in acceptance/)
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
  t.equal((await prodMailbox(gw)).json().code, 'GW_ERR_CONFORMANCE_REQUIRED', 'still refused')

  const full = await post(gw, run(() => true))
  t.match(full.json(), { fullPass: true, failed: [], missing: [] })
  t.equal(full.json().lastFullPassAt, full.json().receivedAt)
  t.equal((await prodMailbox(gw)).statusCode, 200, 'production open')

  const later = await post(gw, run((n) => n !== 'wrong-cpas'))
  t.match(later.json(), { fullPass: false, lastFullPassAt: full.json().receivedAt })
  t.match((await latest(gw)).json(), { fullPass: false, failed: ['wrong-cpas'], lastFullPassAt: full.json().receivedAt })
  t.equal((await prodMailbox(gw)).statusCode, 200, 'a later failing experiment does not close production again')
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
