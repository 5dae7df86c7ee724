/** The whole outbound flow over real HTTP (listen on port 0): publish → push and pull → ack → resolve. */
import { createHmac } from 'node:crypto'
import t from 'tap'
import { request } from 'undici'
import { ALLOW_LOCAL_WEBHOOKS, acceptedIds, blinkers, CPAS, until, webhook } from '../helpers/blinkers.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

const A = TOKENS.acceptance

t.test('publish, push, pull, acknowledge, resolve over HTTP', async (t) => {
  const gw = await startGateway(t, { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '500' }, { workers: true })
  const base = await gw.app.listen({ host: '127.0.0.1', port: 0 })
  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, token: string, body?: unknown) => {
    const res = await request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.body.text()
    return { status: res.statusCode, type: String(res.headers['content-type']), json: text ? JSON.parse(text) : undefined }
  }

  const hook = await webhook(t)
  t.equal((await call('PUT', '/acceptance/v1/subscriptions/self', A.beta, { url: hook.url, secret: 'beta-secret-0123456789' })).status, 200)
  const items = [...blinkers(3, CPAS.beta), ...blinkers(2, CPAS.alpha1)]
  const pub = await call('POST', '/acceptance/v1/blinkers', A.publisher, { blinkers: items })
  t.equal(pub.status, 202)
  t.same(pub.json, { accepted: 5, duplicates: 0, rejected: [] })

  await until(t, 'beta pushed', () => acceptedIds(hook).length === 3)
  for (const r of hook.received) t.equal(r.headers['x-blinker-signature'], `sha256=${createHmac('sha256', 'beta-secret-0123456789').update(r.body).digest('hex')}`)
  t.same(acceptedIds(hook).sort(), items.slice(0, 3).map((b) => b.blinkerId).sort(), 'beta receives only its CPAS')

  const page = await call('GET', `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?limit=500`, A.alpha)
  t.equal(page.status, 200)
  t.same(page.json.blinkers.map((b: { blinkerId: string }) => b.blinkerId), items.slice(3).map((b) => b.blinkerId))
  const id = items[3]?.blinkerId ?? ''
  t.equal((await call('POST', `/acceptance/v1/blinkers/${id}/acknowledgements`, A.alpha)).status, 204)
  const resolved = await call('POST', `/acceptance/v1/blinkers/${id}/resolve`, A.publisher, { reason: 'FORM_CORRECTED' })
  t.equal(resolved.status, 200)
  t.same(resolved.json.history.map((h: { status: string }) => h.status), ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'CLOSED'])
  const late = await call('POST', `/acceptance/v1/blinkers/${id}/acknowledgements`, A.alpha)
  t.equal(late.status, 409)
  t.equal(late.type, 'application/problem+json; charset=utf-8')
  t.equal(late.json.code, 'GW_ERR_BLINKER_CLOSED')
})
