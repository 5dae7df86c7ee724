/**
 * Guessing: failed authentications are counted per client address (and per address and named
 * party), over the allowance they answer 429 GW_ERR_RATE_LIMITED with Retry-After, the counters
 * live in Redis with a TTL and are shared by every instance, and nobody else is locked out: a
 * right token passes from a throttled address, another address is untouched, one party's failures
 * do not throttle another party.
 */
import t from 'tap'
import { authThrottleLimits, checkAuthThrottle, DEFAULT_AUTH_THROTTLE, recordAuthFailure, throttleAuthError } from '../../src/security/auth-throttle.js'
import { loadConfig } from '../../src/config.js'
import { GatewayError } from '../../src/errors.js'
import { keys } from '../../src/store/keys.js'
import { commandConnection } from '../../src/store/redis-client.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { envelope, soapPost } from '../helpers/soap.js'

const A = TOKENS.acceptance
const mailbox = '/acceptance/v1/cpas/0212344876/blinkers'
const from = (remoteAddress: string, headers: Record<string, string> = {}) => ({ method: 'GET' as const, url: mailbox, remoteAddress, headers })

t.test('REST: over the allowance per address, 429 with Retry-After; a right token and other addresses still pass', async (t) => {
  const gw = await startGateway(t, { AUTH_FAILURES_PER_ADDRESS: '3', AUTH_FAILURE_WINDOW_MS: '60000' })
  for (let i = 1; i <= 3; i++) {
    const res = await gw.app.inject(from('203.0.113.7', auth(`wrong-token-${i}`)))
    t.equal(res.statusCode, 401, `failure ${i}: 401`)
  }
  const refused = await gw.app.inject(from('203.0.113.7', auth('wrong-token-4')))
  t.equal(refused.statusCode, 429)
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(refused.json(), { status: 429, code: 'GW_ERR_RATE_LIMITED', detail: /failed authentications from this address; retry in \d+ s/ })
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} within the window`)
  t.equal((await gw.app.inject(from('203.0.113.7'))).statusCode, 401, 'no credential at all guesses nothing: the usual 401, not counted')
  t.notOk(refused.body.includes('wrong-token'), 'the token is not echoed')

  const real = await gw.app.inject(from('203.0.113.7', auth(A.alpha)))
  t.equal(real.statusCode, 200, 'a right token passes even from the throttled address')
  t.equal((await gw.app.inject(from('198.51.100.9', auth('wrong')))).statusCode, 401, 'another address is not throttled')

  const key = `${keys.authFailures(`${gw.prefix}:acceptance:`)}a:203.0.113.7`
  t.equal(await gw.redis.get(key), '4')
  const ttl = await gw.redis.pttl(key)
  t.ok(ttl > 0 && ttl <= 60_000, 'the counter expires with the window')
  t.equal((await gw.app.inject({ ...from('203.0.113.7', auth('wrong')), url: '/production/v1/cpas/0212344876/blinkers' })).statusCode, 401, 'environments count apart')

  // A second instance on the same Redis and prefix sees the same counters.
  const other = await startGateway(t, { KEY_PREFIX: gw.prefix, AUTH_FAILURES_PER_ADDRESS: '3', AUTH_FAILURE_WINDOW_MS: '60000' })
  t.equal((await other.app.inject(from('203.0.113.7', auth('wrong')))).statusCode, 429, 'every instance together')
  t.equal((await other.app.inject(from('203.0.113.7', auth(TOKENS.production.alpha)))).statusCode, 403, 'a right token of the other environment is the usual 403, not counted')
})

t.test('SOAP WS-Security: failures count per (address, party); another party on the same address is not throttled', async (t) => {
  const gw = await startGateway(t, { AUTH_FAILURES_PER_ADDRESS: '10', AUTH_FAILURES_PER_PARTY: '2', AUTH_FAILURE_WINDOW_MS: '60000' })
  const badSignature = (kbo: string) =>
    envelope(
      `<gw:GetBlinkersRequest><gw:cpasKbo>${kbo}</gw:cpasKbo></gw:GetBlinkersRequest>`,
      '<soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/></soapenv:Header>\n',
    )
  const post = (token: string, kbo: string, remoteAddress: string) =>
    gw.app.inject({ method: 'POST', url: '/acceptance/soap', remoteAddress, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/xml; charset=utf-8' }, payload: badSignature(kbo) })
  for (let i = 1; i <= 2; i++) {
    const res = await post(A.alpha, '0212344876', '203.0.113.20')
    t.equal(res.statusCode, 401, `alpha failure ${i}`)
    t.match(res.body, /GW_ERR_WSS_MISSING/)
  }
  const third = await post(A.alpha, '0212344876', '203.0.113.20')
  t.equal(third.statusCode, 429, 'alpha from this address: throttled')
  t.match(third.body, /<faultcode>soap:Client<\/faultcode>[\s\S]*GW_ERR_RATE_LIMITED/)
  t.ok(Number(third.headers['retry-after']) >= 1)
  const beta = await post(A.beta, '0207017596', '203.0.113.20')
  t.equal(beta.statusCode, 401, 'beta on the same address: its own allowance, not alpha\'s')
  t.equal((await post(A.alpha, '0212344876', '198.51.100.20')).statusCode, 401, 'alpha from another address: not throttled by these failures')
  const unsigned = await soapPost(gw.app, { token: A.alpha, body: envelope('<gw:GetBlinkersRequest><gw:cpasKbo>0212344876</gw:cpasKbo></gw:GetBlinkersRequest>') })
  t.equal(unsigned.statusCode, 200, 'alpha\'s correct (unsigned, not required) call passes')
  const stored = await gw.redis.keys(`${keys.authFailures(`${gw.prefix}:acceptance:`)}p:*`)
  t.equal(stored.length, 3, 'one counter per (party, address)')
  t.notOk(stored.some((k) => k.includes('alpha') || k.includes('beta')), 'party ids are hashed in key names')
})

t.test('the module: check before a guessable secret, record after a failure, off at 0, Redis down keeps the 401', async (t) => {
  const gw = await startGateway(t)
  const prefix = `${gw.prefix}:acceptance:`
  const limits = { perAddress: 4, perParty: 2, windowMs: 30_000 }
  const ada = { address: '192.0.2.1', partyId: 'ada@inspection.example' }
  await t.resolves(checkAuthThrottle(gw.redis, prefix, ada, limits), 'nothing recorded yet')
  t.equal(await recordAuthFailure(gw.redis, prefix, ada, limits), undefined, 'failure 1')
  t.equal(await recordAuthFailure(gw.redis, prefix, ada, limits), undefined, 'failure 2: the allowance')
  await t.rejects(checkAuthThrottle(gw.redis, prefix, ada, limits), { code: 'GW_ERR_RATE_LIMITED', status: 429, headers: { 'retry-after': /^\d+$/ } }, 'the next attempt for ada from here is refused before the password is checked')
  await t.resolves(checkAuthThrottle(gw.redis, prefix, { address: '192.0.2.1', partyId: 'bob@inspection.example' }, limits), 'bob on the same address is not')
  await t.resolves(checkAuthThrottle(gw.redis, prefix, { address: '192.0.2.99', partyId: ada.partyId }, limits), 'ada from elsewhere is not')
  await t.resolves(checkAuthThrottle(gw.redis, prefix, { address: '192.0.2.1' }, limits), 'the address as a whole is still under its allowance')
  const third = await recordAuthFailure(gw.redis, prefix, ada, limits)
  t.match(third, { code: 'GW_ERR_RATE_LIMITED' }, 'a failure over the allowance is a 429')
  await recordAuthFailure(gw.redis, prefix, { address: '192.0.2.1', partyId: 'carol' }, limits)
  await t.rejects(checkAuthThrottle(gw.redis, prefix, { address: '192.0.2.1', partyId: 'dave' }, limits), { code: 'GW_ERR_RATE_LIMITED' }, 'per-address allowance (4) reached by all of them together')
  await t.resolves(checkAuthThrottle(gw.redis, prefix, ada, { ...limits, perAddress: 0 }), '0 turns it off')
  t.equal(await recordAuthFailure(gw.redis, prefix, ada, { ...limits, perAddress: 0 }), undefined)
  t.same(authThrottleLimits(loadConfig({})), DEFAULT_AUTH_THROTTLE, 'defaults 20 / 5 / 5 minutes')
  t.equal(gw.config.AUTH_FAILURES_PER_ADDRESS, 0, 'the test helper turns it off for the other tests')
  const onByDefault = await startGateway(t, { AUTH_FAILURES_PER_ADDRESS: '20' })
  for (let i = 0; i < 20; i++) await onByDefault.app.inject(from('192.0.2.77', auth('wrong')))
  t.equal((await onByDefault.app.inject(from('192.0.2.77', auth('wrong')))).statusCode, 429, 'the 21st failure with the default allowance')

  const unauthenticated = new GatewayError('GW_ERR_UNAUTHENTICATED')
  const forbidden = new GatewayError('GW_ERR_FORBIDDEN_ROLE')
  t.equal(await throttleAuthError(gw.redis, prefix, { address: '192.0.2.50' }, limits, forbidden), forbidden, 'not a 401: untouched, not counted')
  t.equal(await gw.redis.get(`${keys.authFailures(prefix)}a:192.0.2.50`), null)
  const down = commandConnection('redis://127.0.0.1:1', { retryStrategy: () => null, lazyConnect: true })
  down.on('error', () => {})
  t.teardown(() => down.disconnect())
  t.equal(await throttleAuthError(down, prefix, { address: '192.0.2.50' }, limits, unauthenticated), unauthenticated, 'Redis cannot count: the 401 stands')
})
