/**
 * The authorization matrix, generated from the route table the gateway really serves
 * (src/security/route-table.ts): every /{env} route × every caller (no / malformed / unknown
 * token, each party of the other environment, each party of this one) × own / other CPAS, in both
 * environments. Refusals must carry the right status and GW_ERR code; allowed callers must get past
 * the auth layer (anything but 401/403 and not a 404 "no route"). Roles come from each route's
 * `config.roles`; what the auth layer cannot see (which CPAS a request is about) comes from the
 * EXPECTATIONS table below, and a route without an entry fails with a message saying what to add.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { soapOperation, SOAP_OPERATIONS } from '../../src/ingress/soap/operations.js'
import type { Role } from '../../src/parties/parties.js'
import { envRouteTable, type RouteEntry } from '../../src/security/route-table.js'
import { blinker, CPAS, publish } from '../helpers/blinkers.js'
import { feedbackFor, postFeedback } from '../helpers/feedback.js'
import { startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'
import { envelope } from '../helpers/soap.js'
import { injectPatiently } from './hostile-cases.js'

type Env = 'acceptance' | 'production'
type PartyName = keyof (typeof TOKENS)['acceptance']

/**
 * How a route is scoped to a CPAS, for software houses:
 * - none: not scoped (the party's own resources, or roles that see every CPAS);
 * - path-kbo: the `:kbo` path parameter;  body-cpas: the body's `cpasKbo`;
 * - blinker / message: the CPAS of the blinker / feedback message named in the path;
 * - path-party: the `:partyId` path parameter names the software house itself (own) or another
 *   one (other: 403 GW_ERR_FORBIDDEN_ROLE), e.g. a software house reads its own barometer only.
 */
type Scope = 'none' | 'path-kbo' | 'body-cpas' | 'blinker' | 'message' | 'path-party'

interface Fixture {
  /** A blinker of CPAS.alpha1 (served by alpha) with one feedback message from alpha. */
  blinkerId: string
  messageId: string
  /** One published blinker per CPAS, for bodies that name a blinker of the CPAS they target. */
  blinkerOf: Record<string, string>
}

interface Expectation {
  scope: Scope
  /** Body sent by every caller; `kbo` is the CPAS the call is about. Default: none. */
  body?: (fx: Fixture, kbo: string, env: Env) => unknown
  /** Content type of a string body; default application/json for objects. */
  contentType?: string
}

// An operation both route roles may call, so the route-level check is what is exercised here.
const soapFeedbackStatus = (fx: Fixture) => envelope(`<gw:GetFeedbackStatusRequest><gw:messageId>${fx.messageId}</gw:messageId></gw:GetFeedbackStatusRequest>`)

/** One entry per `METHOD /path` under /{env} (HEAD routes use their GET entry). */
const EXPECTATIONS: Record<string, Expectation> = {
  'POST /v1/blinkers': { scope: 'none', body: () => ({ blinkers: [] }) },
  'GET /v1/blinkers/:blinkerId': { scope: 'blinker' },
  'POST /v1/blinkers/:blinkerId/acknowledgements': { scope: 'blinker' },
  'POST /v1/blinkers/:blinkerId/resolve': { scope: 'none', body: () => ({ reason: 'NOT_A_REASON' }) },
  'GET /v1/cpas/:kbo/blinkers': { scope: 'path-kbo' },
  'PUT /v1/subscriptions/self': { scope: 'none', body: () => ({ url: 'not a url', secret: 'short' }) },
  'GET /v1/subscriptions/self': { scope: 'none' },
  'DELETE /v1/subscriptions/self': { scope: 'none' },
  'POST /v1/feedback': { scope: 'body-cpas', body: (fx, kbo) => feedbackFor({ blinkerId: fx.blinkerOf[kbo] ?? fx.blinkerId, cpasKbo: kbo }) },
  'GET /v1/feedback/:messageId': { scope: 'message' },
  'GET /v1/inspection/inbox': { scope: 'none' },
  // The message log and blinker search: a software house is scoped to its own (no cpasKbo given: allowed).
  'GET /v1/feedback': { scope: 'none' },
  'GET /v1/blinkers': { scope: 'none' },
  'POST /v1/decisions': { scope: 'none', body: () => ({}) },
  'GET /soap': { scope: 'none' },
  'POST /soap': { scope: 'message', body: soapFeedbackStatus, contentType: 'text/xml; charset=utf-8' },
  'GET /v1/operator/dead-letters': { scope: 'none' },
  'GET /v1/operator/dead-letters/:queue/:jobId': { scope: 'none' },
  'POST /v1/operator/dead-letters/replay': { scope: 'none', body: () => ({ dryRun: true }) },
  'GET /v1/sandbox/profile': { scope: 'none' },
  'POST /v1/sandbox/blinkers': { scope: 'body-cpas', body: (_fx, kbo) => ({ cpasKbo: kbo, count: 1 }) },
  'POST /v1/sandbox/mailbox/reset': { scope: 'body-cpas', body: (_fx, kbo) => ({ cpasKbo: kbo }) },
  'POST /v1/sandbox/decisions': { scope: 'none', body: () => ({}) },
  'POST /v1/conformance/results': { scope: 'none', body: () => ({}) },
  'GET /v1/conformance/results/latest': { scope: 'none' },
  'PUT /v1/statistics/files': { scope: 'none', body: () => ({}) },
  'GET /v1/statistics': { scope: 'none' },
  // The CPAS directory (src/cpas/): not scoped (publisher writes, inspection and publisher read).
  'PUT /v1/cpas': { scope: 'none', body: () => ({}) },
  'GET /v1/cpas': { scope: 'none' },
  // Publisher and inspection only: software houses are refused by role before any CPAS check.
  'GET /v1/cpas/:kbo/transition-list': { scope: 'none' },
  'POST /v1/transition/recap': { scope: 'none', body: () => ({}) },
  // Follow-ups (src/follow-up/): inspection only, so software houses are refused by role before any CPAS check.
  'POST /v1/cpas/:kbo/follow-ups': { scope: 'none', body: () => ({}) },
  'PATCH /v1/cpas/:kbo/follow-ups/:id': { scope: 'none', body: () => ({}) },
  'GET /v1/cpas/:kbo/follow-ups/:id': { scope: 'none' },
  'GET /v1/cpas/:kbo/follow-ups': { scope: 'none' },
  'GET /v1/follow-ups': { scope: 'none' },
  'GET /dashboard/follow-ups': { scope: 'none' },
  'POST /dashboard/follow-ups': { scope: 'none', body: () => ({}) },
  'GET /dashboard/follow-ups/:id': { scope: 'none' },
  'POST /dashboard/follow-ups/:id': { scope: 'none', body: () => ({}) },
  // The inspector's workspace (src/inspection/): inspection only, refused by role before any CPAS check.
  'GET /dashboard/pending': { scope: 'none' },
  'GET /dashboard/pending.csv': { scope: 'none' },
  'GET /dashboard/pending.xlsx': { scope: 'none' },
  'POST /dashboard/pending/:messageId/decision': { scope: 'none', body: () => 'decision=ACCEPTED', contentType: 'application/x-www-form-urlencoded' },
  'GET /dashboard/cpas': { scope: 'none' },
  'GET /dashboard/cpas.csv': { scope: 'none' },
  'GET /dashboard/cpas.xlsx': { scope: 'none' },
  'GET /dashboard/cpas/:kbo': { scope: 'none' },
  'GET /dashboard/cpas/:kbo/blinkers.csv': { scope: 'none' },
  'GET /dashboard/cpas/:kbo/blinkers.xlsx': { scope: 'none' },
  'GET /dashboard/cpas/:kbo/feedback.csv': { scope: 'none' },
  'GET /dashboard/cpas/:kbo/feedback.xlsx': { scope: 'none' },
  'GET /dashboard': { scope: 'none' },
  'GET /dashboard/login': { scope: 'none' },
  // Public: name and password are in the form (src/accounts/login-routes.ts).
  'POST /dashboard/login': { scope: 'none', body: () => 'name=nobody&password=x', contentType: 'application/x-www-form-urlencoded' },
  'POST /dashboard/logout': { scope: 'none' },
  // Public: the identity provider's round trip (src/accounts/oidc-routes.ts; 404 page without OIDC_ISSUER).
  'GET /dashboard/login/oidc': { scope: 'none' },
  'GET /dashboard/login/oidc/callback': { scope: 'none' },
  // The quality barometer (src/barometer/): the list and the page for the inspection; one party's
  // barometer and report for the inspection and for that software house itself.
  'GET /v1/barometer': { scope: 'none' },
  'GET /v1/barometer/:partyId': { scope: 'path-party' },
  'GET /v1/barometer/:partyId/report.xlsx': { scope: 'path-party' },
  'GET /dashboard/barometer': { scope: 'none' },
  'GET /barometer': { scope: 'none' },
  // Conformance judged by the gateway (src/onboarding/, acceptance only): a run is the caller's own.
  'POST /v1/conformance/runs': { scope: 'none', body: () => ({}) },
  'GET /v1/conformance/runs/:id': { scope: 'none' },
  'GET /v1/operator/conformance': { scope: 'none' },
  'POST /v1/operator/conformance/:partyId/revoke': { scope: 'none', body: () => ({}) },
}

const PARTIES: Record<PartyName, Role> = { publisher: 'publisher', inspection: 'inspection', operator: 'operator', alpha: 'software-house', beta: 'software-house' }
/** The CPAS each software house serves (own) and one it does not (other). */
const SCOPE: Partial<Record<PartyName, { own: string; other: string }>> = { alpha: { own: CPAS.alpha1, other: CPAS.beta }, beta: { own: CPAS.beta, other: CPAS.alpha1 } }
const other = (env: Env): Env => (env === 'acceptance' ? 'production' : 'acceptance')

/** What should happen: a refusal with status and code, or "allowed" (past the auth layer). */
type Verdict = { status: number; code: string } | 'allowed'
const UNAUTH: Verdict = { status: 401, code: 'GW_ERR_UNAUTHENTICATED' }

interface Caller {
  name: string
  authorization?: string
  /** Verdict for a route, given the CPAS the call targets. */
  verdict(roles: RouteEntry['roles'], scope: Scope, fixtureOwner: boolean): Verdict
}

function callers(env: Env): { caller: Caller; kbo: string }[] {
  const list: { caller: Caller; kbo: string }[] = []
  const anonymous = (name: string, authorization?: string): Caller => ({ name, authorization, verdict: (roles) => (roles === 'public' ? 'allowed' : UNAUTH) })
  for (const [name, header] of [['no token', undefined], ['Basic scheme', 'Basic YWxwaGE6c2VjcmV0'], ['empty Bearer', 'Bearer '], ['unknown token', 'Bearer not-a-known-token'], ['token with a space', 'Bearer demo acc alpha']] as const) {
    list.push({ caller: anonymous(name, header), kbo: CPAS.alpha1 })
  }
  for (const party of Object.keys(PARTIES) as PartyName[]) {
    list.push({
      caller: { name: `${other(env)} ${party}`, authorization: `Bearer ${TOKENS[other(env)][party]}`, verdict: (roles) => (roles === 'public' ? 'allowed' : { status: 403, code: 'GW_ERR_WRONG_ENVIRONMENT' }) },
      kbo: SCOPE[party]?.own ?? CPAS.alpha1,
    })
    const role = PARTIES[party]
    const byRole = (roles: RouteEntry['roles']): Verdict | undefined =>
      roles === 'public' ? 'allowed' : roles?.includes(role) ? undefined : { status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' }
    const scope = SCOPE[party]
    if (!scope) {
      list.push({ caller: { name: party, authorization: `Bearer ${TOKENS[env][party]}`, verdict: (roles) => byRole(roles) ?? 'allowed' }, kbo: CPAS.alpha1 })
      continue
    }
    for (const [target, kbo] of [['own', scope.own], ['other', scope.other]] as const) {
      list.push({
        caller: {
          name: `${party} (${target} CPAS)`,
          authorization: `Bearer ${TOKENS[env][party]}`,
          verdict: (roles, s, fixtureOwner) => {
            const refusal = byRole(roles)
            if (refusal) return refusal
            const forbidden = { status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' }
            if (s === 'path-kbo' || s === 'body-cpas') return target === 'own' ? 'allowed' : forbidden
            if (s === 'blinker' || s === 'message') return fixtureOwner ? 'allowed' : forbidden
            if (s === 'path-party') return target === 'own' ? 'allowed' : { status: 403, code: 'GW_ERR_FORBIDDEN_ROLE' }
            return 'allowed'
          },
        },
        kbo,
      })
    }
  }
  return list
}

const PARAMS: Record<string, (fx: Fixture, kbo: string) => string> = {
  kbo: (_fx, kbo) => kbo,
  blinkerId: (fx) => fx.blinkerId,
  messageId: (fx) => fx.messageId,
  queue: () => 'forward',
  // The software house serving the target CPAS: the caller itself for "own", the other one for "other".
  partyId: (_fx, kbo) => (kbo === CPAS.beta ? 'beta' : 'alpha'),
}

/** The path with its parameters filled: known names from the fixture, anything else `x`. */
const fillPath = (path: string, fx: Fixture, kbo: string): string => path.replace(/:(\w+)/g, (_m, name: string) => (PARAMS[name] ?? (() => 'x'))(fx, kbo))

/** True when the router found no route (the root not-found handler), as opposed to a route's own 404. */
const noRoute = (res: LightMyRequestResponse): boolean => res.statusCode === 404 && /"detail":"No route /.test(res.body)

function codeOf(res: LightMyRequestResponse): string | undefined {
  if (res.headers['content-type']?.toString().startsWith('text/xml')) return /<(?:\w+:)?code>(GW_ERR_\w+)</.exec(res.body)?.[1]
  try {
    return (res.json() as { code?: string }).code
  } catch {
    return undefined
  }
}

async function fixture(t: Test, gw: TestGateway, env: Env): Promise<Fixture> {
  const b = blinker(CPAS.alpha1)
  const others = [blinker(CPAS.alpha2), blinker(CPAS.beta)]
  t.equal((await publish(gw, [b, ...others], env)).statusCode, 202, `${env}: fixture blinkers published`)
  const f = feedbackFor(b)
  const sent = await postFeedback(gw, TOKENS[env].alpha, f, env)
  t.equal(sent.statusCode, 202, `${env}: fixture feedback accepted (${sent.body.slice(0, 200)})`)
  const blinkerOf = Object.fromEntries([b, ...others].map((x) => [x.cpasKbo, x.blinkerId]))
  return { blinkerId: b.blinkerId, messageId: f.messageId, blinkerOf }
}

async function runMatrix(t: Test, gw: TestGateway, env: Env): Promise<void> {
  const fx = await fixture(t, gw, env)
  const ctx = gw.contexts.get(env)
  if (!ctx) throw new Error(`no ${env} context`)
  const table = envRouteTable(ctx)
  const keysServed = new Set(table.map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.path}`))
  t.ok(table.length >= 20, `${env}: the route table lists ${table.length} routes`)
  for (const contractRoute of ['POST /v1/blinkers', 'GET /v1/cpas/:kbo/blinkers', 'POST /v1/feedback', 'POST /v1/decisions', 'POST /soap']) {
    t.ok(keysServed.has(contractRoute), `${env}: the table holds ${contractRoute}`)
  }
  let calls = 0
  for (const route of table) {
    const key = `${route.method === 'HEAD' ? 'GET' : route.method} ${route.path}`
    const declared = EXPECTATIONS[key]
    if (!declared) {
      t.fail(
        `${env}: route ${route.method} ${route.path} has no entry in EXPECTATIONS (tests/security/authorization-matrix.test.ts). ` +
          `Add '${key}': { scope: 'none' | 'path-kbo' | 'body-cpas' | 'blinker' | 'message', body?: (fx, kbo) => ... } saying how it is scoped to a CPAS; ` +
          'its role checks below ran with roles from config.roles and the scope derived from the path.',
      )
    }
    t.not(route.roles, undefined, `${key} declares roles`)
    const expectation: Expectation = declared ?? { scope: route.path.includes(':kbo') ? 'path-kbo' : 'none' }
    for (const { caller, kbo } of callers(env)) {
      const verdict = caller.verdict(route.roles, expectation.scope, caller.name.startsWith('alpha'))
      const body = expectation.body?.(fx, kbo, env)
      const headers: Record<string, string> = {}
      if (caller.authorization !== undefined) headers.authorization = caller.authorization
      if (body !== undefined) headers['content-type'] = typeof body === 'string' ? (expectation.contentType ?? 'text/plain') : 'application/json'
      const res = await injectPatiently(gw.app, {
        method: route.method as 'GET',
        url: `/${env}${fillPath(route.path, fx, kbo)}${route.path === '/soap' && route.method !== 'POST' ? '?wsdl' : ''}`,
        headers,
        ...(body === undefined || route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      calls++
      const what = `${env} ${route.method} ${route.path} as ${caller.name}`
      const code = codeOf(res)
      if (verdict === 'allowed') {
        const passed = res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500 && !noRoute(res)
        t.ok(passed, `${what}: allowed (got ${res.statusCode} ${code ?? ''})`)
      } else if (route.method === 'HEAD') {
        t.equal(res.statusCode, verdict.status, `${what}: ${verdict.status}`)
      } else {
        t.same([res.statusCode, code], [verdict.status, verdict.code], `${what}: ${verdict.status} ${verdict.code}`)
      }
    }
  }
  for (const key of Object.keys(EXPECTATIONS)) {
    // Onboarding routes exist in acceptance only; anything else must be served in both.
    if (env === 'production' && /\/v1\/(sandbox\/|conformance\/|operator\/conformance)/.test(key)) continue
    t.ok(keysServed.has(key), `${env}: EXPECTATIONS entry '${key}' matches a served route (remove it if the route is gone)`)
  }
  t.comment(`${env}: ${calls} calls over ${table.length} routes`)
}

t.test('every /{env} route × every caller × own/other CPAS, in both environments', async (t) => {
  const gw = await startGateway(t)
  await runMatrix(t, gw, 'acceptance')
  await runMatrix(t, gw, 'production')
})

t.test('SOAP operations × roles × own/other CPAS (the operation registry holds the roles)', async (t) => {
  const gw = await startGateway(t)
  const fx = await fixture(t, gw, 'acceptance')
  const inputs: Record<string, (kbo: string) => string> = {
    GetBlinkers: (kbo) => `<gw:cpasKbo>${kbo}</gw:cpasKbo>`,
    AcknowledgeBlinker: () => `<gw:blinkerId>${fx.blinkerId}</gw:blinkerId>`,
    SubmitFeedback: (kbo) => {
      const f = feedbackFor({ blinkerId: fx.blinkerOf[kbo] ?? fx.blinkerId, cpasKbo: kbo })
      return `<gw:messageId>${f.messageId}</gw:messageId><gw:blinkerId>${f.blinkerId}</gw:blinkerId><gw:cpasKbo>${kbo}</gw:cpasKbo><gw:code>${f.code}</gw:code><gw:sentAt>${f.sentAt}</gw:sentAt>`
    },
    GetFeedbackStatus: () => `<gw:messageId>${fx.messageId}</gw:messageId>`,
  }
  const scoped: Record<string, Scope> = { GetBlinkers: 'body-cpas', AcknowledgeBlinker: 'blinker', SubmitFeedback: 'body-cpas', GetFeedbackStatus: 'message' }
  for (const op of SOAP_OPERATIONS) {
    const registered = soapOperation(op)
    if (!registered) {
      t.fail(`SOAP operation ${op} has no handler`)
      continue
    }
    const build = inputs[op]
    const scope = scoped[op]
    if (!build || !scope) {
      t.fail(`SOAP operation ${op}: add its request body to inputs and its scope to scoped in this test`)
      continue
    }
    for (const { caller, kbo } of callers('acceptance').filter((c) => c.caller.authorization?.startsWith('Bearer demo-acc'))) {
      const routeVerdict = caller.verdict(['software-house', 'inspection'], 'none', true)
      const verdict = routeVerdict === 'allowed' ? caller.verdict(registered.roles, scope, caller.name.startsWith('alpha')) : routeVerdict
      const res = await gw.app.inject({
        method: 'POST',
        url: '/acceptance/soap',
        headers: { authorization: caller.authorization ?? '', 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:blinker-gateway:v1#${op}"` },
        payload: envelope(`<gw:${op}Request>${build(kbo)}</gw:${op}Request>`),
      })
      const what = `SOAP ${op} as ${caller.name}`
      if (verdict === 'allowed') t.ok(res.statusCode === 200 || (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 401 && res.statusCode !== 403), `${what}: allowed (got ${res.statusCode} ${codeOf(res) ?? ''})`)
      else t.same([res.statusCode, codeOf(res)], [verdict.status, verdict.code], `${what}: ${verdict.status} ${verdict.code}`)
    }
  }
})

t.test('a deployment serving one environment answers 404 on every route of the other', async (t) => {
  const gw = await startGateway(t, { ENVIRONMENTS: 'acceptance' })
  const full = await startGateway(t)
  const production = full.contexts.get('production')
  if (!production) throw new Error('no production context')
  for (const route of envRouteTable(production)) {
    const res = await gw.app.inject({ method: route.method as 'GET', url: `/production${fillPath(route.path, { blinkerId: 'CLI-2026-000000001', messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', blinkerOf: {} }, CPAS.alpha1)}`, headers: { authorization: `Bearer ${TOKENS.production.publisher}` } })
    if (route.method === 'HEAD') t.equal(res.statusCode, 404, `HEAD /production${route.path}: 404`)
    else t.same([res.statusCode, codeOf(res)], [404, 'GW_ERR_NOT_FOUND'], `${route.method} /production${route.path}: 404 GW_ERR_NOT_FOUND`)
  }
})
