/**
 * Rate limits per party and environment: a Redis-held counter shared by every gateway instance,
 * 429 problem+json / SOAP Fault GW_ERR_RATE_LIMITED with Retry-After, per party, per environment,
 * not for unauthenticated or public calls, off with RATE_LIMIT_MAX=0.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { CPAS, until } from '../helpers/blinkers.js'
import { auth, deleteKeys, startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'
import { envelope, readFault, soapPost } from '../helpers/soap.js'

const A = TOKENS.acceptance
const mailbox = (gw: TestGateway, token: string, env: 'acceptance' | 'production' = 'acceptance', kbo: string = CPAS.alpha1) =>
  gw.app.inject({ method: 'GET', url: `/${env}/v1/cpas/${kbo}/blinkers`, headers: auth(token) })

t.test('one limit across two gateway instances on one Redis, per party and environment', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const env = { KEY_PREFIX: prefix, RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' }
  const one = await startGateway(t, env)
  const two = await startGateway(t, env)

  const answers = [await mailbox(one, A.alpha), await mailbox(two, A.alpha), await mailbox(one, A.alpha), await mailbox(two, A.alpha), await mailbox(two, A.alpha)]
  t.same(answers.map((r) => r.statusCode), [200, 200, 200, 200, 200], 'five calls spread over two instances pass')
  t.same(answers.map((r) => r.headers['x-ratelimit-remaining']), ['4', '3', '2', '1', '0'], 'each instance sees the shared counter')

  const refused = await mailbox(one, A.alpha)
  t.equal(refused.statusCode, 429, 'the sixth call, on the first instance, is refused')
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.equal(refused.json().code, 'GW_ERR_RATE_LIMITED')
  t.match(refused.json().detail, /party alpha in acceptance/)
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After is whole seconds within the window (${retryAfter})`)
  t.equal((await mailbox(two, A.alpha)).statusCode, 429, 'and on the second instance too')

  t.equal((await mailbox(one, A.beta, 'acceptance', CPAS.beta)).statusCode, 200, 'another party keeps its own quota')
  t.equal((await mailbox(two, TOKENS.production.alpha, 'production')).statusCode, 200, 'the same party in the other environment keeps its own quota')
  const anonymous = await one.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers` })
  t.equal(anonymous.statusCode, 401, 'an unauthenticated call is refused by auth, not counted against anyone')
  const wsdl = await one.app.inject({ method: 'GET', url: '/acceptance/soap?wsdl' })
  t.equal(wsdl.statusCode, 200, 'public routes are not limited')
  t.equal(wsdl.headers['x-ratelimit-limit'], undefined)

  const soap = await soapPost(two.app, { token: A.alpha, body: envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`) })
  t.equal(soap.statusCode, 429, 'SOAP calls share the same quota')
  t.match(soap.headers['content-type'], /^text\/xml/)
  t.ok(Number(soap.headers['retry-after']) >= 1, 'the SOAP answer carries Retry-After')
  const fault = readFault(soap.body)
  t.equal(fault.faultcode, 'soap:Client')
  t.equal(fault.code, 'GW_ERR_RATE_LIMITED')

  const ttl = await one.redis.pttl(`${prefix}:acceptance:ratelimit:alpha`)
  t.ok(ttl > 0 && ttl <= 60_000, `the counter lives in Redis under the party id, with the window as TTL (${ttl} ms)`)
})

t.test('the window ends and the party may call again', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '1000' })
  t.equal((await mailbox(gw, A.alpha)).statusCode, 200)
  t.equal((await mailbox(gw, A.alpha)).statusCode, 200)
  const refused = await mailbox(gw, A.alpha)
  t.equal(refused.statusCode, 429)
  t.equal(refused.headers['retry-after'], '1', 'at most one second to wait in a one-second window')
  const again = await until(t, 'a new window', async () => ((await mailbox(gw, A.alpha)).statusCode === 200 ? true : undefined), 5000, 100)
  t.ok(again, 'accepted again once the window has passed')
})

t.test('RATE_LIMIT_MAX=0 turns the limiter off (benchmarks)', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' })
  const statuses = new Set<number>()
  let headers = 0
  for (let i = 0; i < 30; i++) {
    const res = await mailbox(gw, A.alpha)
    statuses.add(res.statusCode)
    if (res.headers['x-ratelimit-limit'] !== undefined) headers++
  }
  t.same([...statuses], [200], 'thirty calls pass')
  t.equal(headers, 0, 'no rate-limit headers')
  t.same(await gw.redis.keys(`${gw.prefix}:*ratelimit*`), [], 'no counter in Redis')
})
