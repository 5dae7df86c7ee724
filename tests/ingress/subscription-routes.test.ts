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
