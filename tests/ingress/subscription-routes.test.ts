import t from 'tap'
import { keys } from '../../src/store/keys.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const A = TOKENS.acceptance
const url = '/acceptance/v1/subscriptions/self'

t.test('PUT stores the webhook per party, GET shows it without the secret, DELETE removes it', async (t) => {
  const gw = await startGateway(t)
  const put = await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload: { url: 'https://alpha.example/hook', secret: 's3cret-s3cret-s3cret' } })
  t.equal(put.statusCode, 200)
  t.equal(put.json().url, 'https://alpha.example/hook')
  t.notOk('secret' in put.json(), 'the secret is never echoed')
  const stored = await gw.redis.hgetall(keys.subscription(`${gw.prefix}:acceptance:`, 'alpha'))
  t.equal(stored.secret, 's3cret-s3cret-s3cret')
  const got = await gw.app.inject({ method: 'GET', url, headers: auth(A.alpha) })
  t.equal(got.statusCode, 200)
  t.same(Object.keys(got.json()).sort(), ['updatedAt', 'url'])
  const beta = await gw.app.inject({ method: 'GET', url, headers: auth(A.beta) })
  t.equal(beta.statusCode, 404, 'beta has none: subscriptions are per party')
  t.equal(beta.json().code, 'GW_ERR_NOT_FOUND')
  const del = await gw.app.inject({ method: 'DELETE', url, headers: auth(A.alpha) })
  t.equal(del.statusCode, 204)
  t.equal((await gw.app.inject({ method: 'DELETE', url, headers: auth(A.alpha) })).statusCode, 204, 'idempotent')
  t.equal((await gw.app.inject({ method: 'GET', url, headers: auth(A.alpha) })).statusCode, 404)
})

t.test('PUT validation and roles', async (t) => {
  const gw = await startGateway(t)
  for (const [payload, what] of [
    [{ url: 'ftp://alpha.example/hook', secret: 's3cret-s3cret-s3cret' }, 'not http(s)'],
    [{ url: 'https://alpha.example/hook', secret: 'short' }, 'secret under 16 chars'],
    [{ url: 'https://alpha.example/hook' }, 'no secret'],
    [{ url: 'http://', secret: 's3cret-s3cret-s3cret' }, 'no host'],
    [{ url: 'https://alpha.example/hook', secret: 's3cret-s3cret-s3cret', extra: 1 }, 'unknown field'],
  ] as const) {
    const res = await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload })
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().code, 'GW_ERR_VALIDATION', what)
  }
  const publisher = await gw.app.inject({ method: 'PUT', url, headers: auth(A.publisher), payload: { url: 'https://x.example/', secret: 's3cret-s3cret-s3cret' } })
  t.equal(publisher.statusCode, 403)
  t.equal(publisher.json().code, 'GW_ERR_FORBIDDEN_ROLE')
})

t.test('no calls inside: a webhook on a loopback, private, link-local… address or a name resolving there is 400 with the reason', async (t) => {
  const gw = await startGateway(t)
  for (const [hook, kind] of [
    ['http://127.0.0.1:8080/hook', 'a loopback address'],
    ['http://localhost/hook', 'a loopback address'],
    ['http://[::1]/hook', 'a loopback address'],
    ['http://[::ffff:127.0.0.1]/hook', 'a loopback address'],
    ['http://0x7f000001/hook', 'a loopback address'],
    ['http://10.0.0.5/hook', 'a private address'],
    ['https://192.168.1.10/hook', 'a private address'],
    ['http://172.20.0.1/hook', 'a private address'],
    ['http://100.64.1.1/hook', 'a carrier-grade NAT address'],
    ['http://169.254.169.254/latest/meta-data/', 'a link-local address (cloud metadata lives there)'],
    ['http://[fe80::1]/hook', 'a link-local address'],
    ['http://[fd00::1]/hook', 'a unique-local (private) address'],
    ['http://0.0.0.0/hook', 'an unspecified address'],
    ['http://224.0.0.1/hook', 'a multicast address'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', 'a NAT64 address'],
  ] as const) {
    const res = await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload: { url: hook, secret: 's3cret-s3cret-s3cret' } })
    t.equal(res.statusCode, 400, hook)
    t.match(res.json(), { code: 'GW_ERR_VALIDATION', detail: /must not point inside.*WEBHOOK_ALLOW_PRIVATE_CIDRS/, errors: [{ path: '/url', message: `host is or resolves to ${kind}` }] }, hook)
    t.notOk(res.body.includes(new URL(hook).hostname.replace(/^\[|\]$/g, '')), `${hook}: the answer does not echo the host`)
  }
  t.equal((await gw.app.inject({ method: 'GET', url, headers: auth(A.alpha) })).statusCode, 404, 'nothing was stored')
  t.equal((await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload: { url: 'https://93.184.216.34/hook', secret: 's3cret-s3cret-s3cret' } })).statusCode, 200, 'a public address is fine')
})

t.test('WEBHOOK_ALLOW_PRIVATE_CIDRS lets an operator permit an internal receiver, and only that', async (t) => {
  const gw = await startGateway(t, { WEBHOOK_ALLOW_PRIVATE_CIDRS: '10.20.0.0/16,127.0.0.1' })
  for (const hook of ['http://10.20.3.4:8443/hook', 'http://127.0.0.1:9000/hook', 'http://localhost:9000/hook']) {
    t.equal((await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload: { url: hook, secret: 's3cret-s3cret-s3cret' } })).statusCode, 200, hook)
  }
  const outside = await gw.app.inject({ method: 'PUT', url, headers: auth(A.alpha), payload: { url: 'http://10.21.0.1/hook', secret: 's3cret-s3cret-s3cret' } })
  t.equal(outside.statusCode, 400)
  t.match(outside.json().errors, [{ message: 'host is or resolves to a private address' }])
  await t.rejects(startGateway(t, { WEBHOOK_ALLOW_PRIVATE_CIDRS: '10.0.0.0/40' }), { name: 'ConfigError', message: /WEBHOOK_ALLOW_PRIVATE_CIDRS/ }, 'a bad entry stops the start')
})
