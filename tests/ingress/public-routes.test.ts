import { readdirSync } from 'node:fs'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

t.test('GET /schemas/ lists every published file and each one is served', async (t) => {
  const gw = await startGateway(t)
  const index = await gw.app.inject({ method: 'GET', url: '/schemas/' })
  t.equal(index.statusCode, 200)
  const names = (index.json() as { files: { name: string; href: string }[] }).files.map((f) => f.name)
  const onDisk = [...readdirSync('schemas'), ...readdirSync('wsdl')].filter((f) => /\.(json|xsd|wsdl)$/.test(f))
  t.same(names.sort(), onDisk.sort(), 'index = files on disk')
  for (const name of ['feedback-codes.json', 'blinker.schema.json', 'feedback.schema.json', 'blinker-gateway.xsd', 'blinker-gateway.wsdl']) {
    t.ok(names.includes(name), `${name} is published`)
  }
  for (const name of names) {
    const res = await gw.app.inject({ method: 'GET', url: `/schemas/${name}` })
    t.equal(res.statusCode, 200, name)
    t.match(res.headers['content-type'], name.endsWith('.json') ? /application\/json/ : /application\/xml/)
  }
  const codes = (await gw.app.inject({ method: 'GET', url: '/schemas/feedback-codes.json' })).json() as { codes: { code: number }[] }
  t.same(
    codes.codes.filter((c) => [2, 131, 140, 999].includes(c.code)).map((c) => c.code),
    [2, 131, 140, 999],
    'the contract codes are in the catalogue',
  )
})

t.test('unknown or traversing schema names are 404 problems', async (t) => {
  const gw = await startGateway(t)
  for (const url of ['/schemas/nope.json', '/schemas/..%2Fpackage.json', '/schemas/%2e%2e%2fpackage.json', '/schemas/package.json']) {
    const res = await gw.app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'GW_ERR_NOT_FOUND', url)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
})

t.test('health: live always, ready while Redis answers', async (t) => {
  const gw = await startGateway(t)
  const live = await gw.app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
  const ready = await gw.app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json().checks, { redis: 'ok', eventLoop: 'ok' })
  t.equal(ready.json().workers['acceptance/forward'], 0, 'no worker runs in this test gateway')
  gw.redis.disconnect()
  const down = await gw.app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(down.statusCode, 503)
  t.equal(down.json().checks.redis, 'fail')
})

t.test('unknown paths and unserved environments answer 404 problems', async (t) => {
  const gw = await startGateway(t, { ENVIRONMENTS: 'acceptance' })
  for (const url of ['/nope', '/production/v1/blinkers/CLI-2026-000000001', '/production/soap?wsdl', '/staging/v1/feedback']) {
    const res = await gw.app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'GW_ERR_NOT_FOUND', url)
  }
  const wsdl = await gw.app.inject({ method: 'GET', url: '/acceptance/soap?wsdl' })
  t.equal(wsdl.statusCode, 200, 'the served environment answers')
})
