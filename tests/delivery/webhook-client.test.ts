import { createHmac } from 'node:crypto'
import t from 'tap'
import { classifyStatus, signBody, WebhookClient } from '../../src/delivery/webhook-client.js'
import { webhook } from '../helpers/blinkers.js'

t.test('status classes: 2xx delivered, 408/429/5xx retried, the rest permanent', async (t) => {
  for (const s of [200, 201, 202, 204, 299]) t.equal(classifyStatus(s), 'delivered', String(s))
  for (const s of [408, 429, 500, 502, 503, 504]) t.equal(classifyStatus(s), 'retry', String(s))
  for (const s of [301, 302, 400, 401, 403, 404, 410, 413, 422]) t.equal(classifyStatus(s), 'permanent', String(s))
})

t.test('signature is the hex HMAC-SHA256 of the exact body', async (t) => {
  const body = '{"blinkerId":"CLI-2026-000000001","é":"ü"}'
  t.equal(signBody('k'.repeat(16), body), `sha256=${createHmac('sha256', 'k'.repeat(16)).update(Buffer.from(body, 'utf8')).digest('hex')}`)
})

t.test('post: status back, body sent as given, timeout and refused connection reject', async (t) => {
  const client = new WebhookClient(300)
  t.teardown(() => client.close())
  const ok = await webhook(t, () => 202)
  t.equal(await client.post(ok.url, '{"a":1}', { 'x-test': 'yes' }), 202)
  t.equal(ok.received[0]?.body, '{"a":1}')
  t.equal(ok.received[0]?.headers['x-test'], 'yes')
  const hang = await webhook(t, () => 'hang')
  const started = Date.now()
  await t.rejects(client.post(hang.url, '{}', {}), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  t.ok(Date.now() - started < 2000, 'bounded by the configured timeout')
  const closed = await webhook(t)
  await closed.close()
  await t.rejects(client.post(closed.url, '{}', {}), { code: 'ECONNREFUSED' })
})
