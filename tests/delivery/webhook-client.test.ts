import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { TargetGuard } from '../../src/delivery/target-guard.js'
import { classifyStatus, signBody, WebhookClient } from '../../src/delivery/webhook-client.js'
import { webhook } from '../helpers/blinkers.js'

// The local receivers below listen on 127.0.0.1: allowed explicitly, as an operator would.
const allowLocal = new TargetGuard({ allowPrivateCidrs: '127.0.0.1' })

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
  const client = new WebhookClient(300, allowLocal)
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

t.test('no calls inside: literals and names that resolve inside are refused before any connection', async (t) => {
  const client = new WebhookClient(300)
  t.teardown(() => client.close())
  const hook = await webhook(t)
  const port = new URL(hook.url).port
  for (const url of [hook.url, `http://[::ffff:127.0.0.1]:${port}/`, `http://2130706433:${port}/`, `http://localhost:${port}/`]) {
    await t.rejects(client.post(url, '{}', {}), { name: 'BlockedTargetError', reason: 'a loopback address' }, url)
  }
  t.equal(hook.received.length, 0, 'the receiver was never reached')
  const allowed = new WebhookClient(300, allowLocal)
  t.teardown(() => allowed.close())
  t.equal(await allowed.post(`http://localhost:${port}/`, '{}', {}), 200, 'a name resolving to an allowed address passes')
})

t.test('redirects are not followed: a 3xx is the answer, its Location is never called', async (t) => {
  const target = await webhook(t)
  const redirecting = createServer((_req, res) => res.writeHead(302, { location: `${target.url}/metadata` }).end())
  await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => redirecting.close(() => r())))
  const client = new WebhookClient(300, allowLocal)
  t.teardown(() => client.close())
  t.equal(await client.post(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`, '{}', {}), 302)
  t.equal(classifyStatus(302), 'permanent')
  t.equal(target.received.length, 0, 'the redirect target got nothing')
})
