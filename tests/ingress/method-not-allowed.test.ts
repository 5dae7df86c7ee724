/**
 * 405 GW_ERR_METHOD_NOT_ALLOWED with `Allow` on every path the gateway serves, for every method
 * it does not take there, derived from the routes the app actually registered (a new route is
 * covered without touching this file); unknown paths stay 404. Over inject and over a raw socket
 * (methods such as PROPFIND that HTTP clients rarely send).
 */
import t from 'tap'
import { patternRegExp, RouteMethods, routeMethodsOf } from '../../src/ingress/route-methods.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { rawRequest } from '../helpers/raw-http.js'

/** Methods light-my-request and Fastify's router both know; each one a path does not take is tried there. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'] as const

/** A concrete path for a pattern: every parameter and wildcard filled with a harmless value. */
const concrete = (url: string): string => url.replace(/:\w+(\([^)]*\))?/g, 'x1').replace(/\*/g, 'x1')

t.test('patterns match as Fastify routes them', async (t) => {
  t.ok(patternRegExp('/acceptance/v1/cpas/:kbo/blinkers').test('/acceptance/v1/cpas/0212344876/blinkers'))
  t.notOk(patternRegExp('/acceptance/v1/cpas/:kbo/blinkers').test('/acceptance/v1/cpas//blinkers'), 'a parameter is never empty')
  t.notOk(patternRegExp('/acceptance/v1/cpas/:kbo/blinkers').test('/acceptance/v1/cpas/a/b/blinkers'), 'nor spans a slash')
  t.ok(patternRegExp('/docs/*').test('/docs/static/index.html'), 'a wildcard takes the rest')
  t.ok(patternRegExp('/files/:name.json').test('/files/a.json'), 'a parameter followed by text in its segment')
  t.ok(patternRegExp('/n/:id(^\\d+$)').test('/n/42'), 'a regex parameter')
  t.notOk(patternRegExp('/n/:id(^\\d+$)').test('/n/ab'))
  t.ok(patternRegExp('/a::b').test('/a:b'), ':: is a literal colon')
  t.ok(patternRegExp('/a.b+c').test('/a.b+c'))
  t.notOk(patternRegExp('/a.b').test('/aXb'), 'static text is literal')
  const m = new RouteMethods()
  m.add('/x/:id', 'GET')
  m.add('/x/:id', ['POST', 'put'])
  t.same(m.allowed('/x/1?q=2'), ['GET', 'HEAD', 'POST', 'PUT'], 'GET brings HEAD; the query is not the path')
  t.same(m.allowed('/x/%41'), ['GET', 'HEAD', 'POST', 'PUT'], 'percent-escapes decoded')
  t.same(m.allowed('/x/%E0%A4%A'), ['GET', 'HEAD', 'POST', 'PUT'], 'a broken escape is matched as sent')
  t.equal(m.allowed('/y'), undefined)
})

t.test('every registered path answers 405 with Allow for the methods it does not take, and only those', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' })
  const routes = routeMethodsOf(gw.app)
  if (!routes) throw new Error('the app records no routes')
  const entries = routes.entries()
  t.ok(entries.length > 40, `${entries.length} URL patterns registered`)
  let refused = 0
  for (const [url] of entries) {
    const path = concrete(url)
    // The methods of every pattern this concrete path matches (a static route can overlap a parametric one).
    const allow = routes.allowed(path)?.join(', ')
    t.ok(allow, `${url}: the concrete path ${path} matches its own pattern`)
    for (const method of METHODS) {
      // The methods a path takes are exercised by each route's own tests (and the authorization matrix).
      if (allow?.split(', ').includes(method)) continue
      const res = await gw.app.inject({ method, url: path, headers: auth(TOKENS.acceptance.inspection) })
      t.equal(res.statusCode, 405, `${method} ${url}: 405`)
      t.equal(res.headers.allow, allow, `${method} ${url}: Allow: ${allow}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      // A HEAD answer has no body.
      if (method !== 'HEAD') t.match(res.json(), { code: 'GW_ERR_METHOD_NOT_ALLOWED', status: 405, type: '/errors#GW_ERR_METHOD_NOT_ALLOWED' })
      refused++
    }
  }
  t.ok(refused > entries.length * 5, `${refused} method/path pairs refused with 405`)
})

t.test('the Allow header lists what the path takes; unknown paths stay 404', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0', ENVIRONMENTS: 'acceptance' })
  const del = await gw.app.inject({ method: 'DELETE', url: '/acceptance/v1/blinkers' })
  t.equal(del.statusCode, 405)
  t.match(del.headers.allow, /^(GET, HEAD, )?POST$/, 'publication (and the blinker list of contract 9)')
  const health = await gw.app.inject({ method: 'TRACE', url: '/health/live' })
  t.equal(health.statusCode, 405)
  t.equal(health.headers.allow, 'GET, HEAD', 'HEAD follows GET')
  for (const url of ['/nope', '/acceptance/v2/blinkers', '/production/v1/blinkers', '/acceptance/v1/blinkers/', '/health/live/x', '/health']) {
    const res = await gw.app.inject({ method: 'DELETE', url })
    t.equal(res.statusCode, 404, `${url}: 404`)
    t.match(res.json(), { code: 'GW_ERR_NOT_FOUND' })
    t.equal(res.headers.allow, undefined)
    t.notMatch(res.body, url.slice(1), 'the detail does not repeat the path')
  }
  const head = await gw.app.inject({ method: 'HEAD', url: '/health/live' })
  t.equal(head.statusCode, 200, 'HEAD of a GET route is served')
})

t.test('over a raw socket: PROPFIND, TRACE, DELETE, PATCH on existing paths are 405', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0', ENVIRONMENTS: 'acceptance' })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gw.app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  for (const method of ['PROPFIND', 'TRACE', 'DELETE', 'PATCH', 'MKCALENDAR', 'UNLINK']) {
    const res = await rawRequest(port, `${method} /acceptance/soap HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    t.equal(res.status, 405, `${method}: 405`)
    t.equal(res.headers.allow, 'GET, HEAD, POST', `${method}: Allow`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(JSON.parse(res.body), { code: 'GW_ERR_METHOD_NOT_ALLOWED' })
  }
})
