/**
 * The typed client's transport against local HTTP servers on port 0: retries on 429/503 honour
 * Retry-After (seconds and HTTP date), stop after maxAttempts, never retry other statuses, and a
 * failure carries the gateway's problem document.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { BlinkerGatewayClient, GatewayProblemError, parseRetryAfter, signBody, verifySignature } from '../../src/client/index.js'
import { retryDelay, RETRY_DEFAULTS } from '../../src/client/retry.js'

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void

async function server(t: Test, handler: Handler): Promise<{ url: string; calls: { method: string; url: string; auth: string | undefined; body: string }[] }> {
  const calls: { method: string; url: string; auth: string | undefined; body: string }[] = []
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') })
      handler(req, res, calls.length)
    })
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())))
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, calls }
}

const problem = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers }).end(JSON.stringify({ type: `/errors#${code}`, title: code, status, detail: `detail of ${code}`, code, errors: [{ path: '/code', message: 'bad' }] }))

t.test('parseRetryAfter: seconds, HTTP date, past date, garbage', async (t) => {
  const now = Date.parse('2026-11-23T10:00:00Z')
  t.equal(parseRetryAfter('3', now), 3000)
  t.equal(parseRetryAfter(['7'], now), 7000)
  t.equal(parseRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now), 0, 'a past date means now')
  t.equal(parseRetryAfter('soon', now), undefined)
  t.equal(parseRetryAfter(undefined, now), undefined)
  t.equal(retryDelay(1, 1000, RETRY_DEFAULTS, () => 1), 1100, 'Retry-After plus at most 10 % jitter')
  t.equal(retryDelay(3, undefined, RETRY_DEFAULTS, () => 0.5), 1000, 'full jitter over base × 2^(attempt-1)')
})

t.test('429 then 503 then 202: waits what Retry-After says, sends the same request again', async (t) => {
  const when = new Date(Date.now() + 2000).toUTCString()
  const srv = await server(t, (_req, res, n) => {
    if (n === 1) return problem(res, 429, 'GW_ERR_RATE_LIMITED', { 'retry-after': '2' })
    if (n === 2) return problem(res, 503, 'GW_ERR_STORE_UNAVAILABLE', { 'retry-after': when })
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: 'm', receivedAt: '2026-11-23T10:00:00Z', status: 'RECEIVED' }))
  })
  const waits: number[] = []
  const client = new BlinkerGatewayClient({ baseUrl: `${srv.url}/`, token: 'tok', sleep: async (ms) => void waits.push(ms) })
  const receipt = await client.submitFeedback({ messageId: 'm', blinkerId: 'CLI-2026-000000001', cpasKbo: '0212344876', code: 2, sentAt: '2026-11-23T10:00:00Z' })
  t.equal(receipt.status, 'RECEIVED')
  t.equal(srv.calls.length, 3)
  t.ok(waits[0] !== undefined && waits[0] >= 2000 && waits[0] <= 2200, `Retry-After: 2 → ${waits[0]} ms`)
  t.ok(waits[1] !== undefined && waits[1] >= 0 && waits[1] <= 2200, `HTTP date → ${waits[1]} ms`)
  t.same(new Set(srv.calls.map((c) => c.body)).size, 1, 'the same body each time')
  t.ok(srv.calls.every((c) => c.url === '/acceptance/v1/feedback' && c.auth === 'Bearer tok'))
})

t.test('a real wait: Retry-After 1 is honoured with the default sleep', async (t) => {
  const srv = await server(t, (_req, res, n) => (n === 1 ? problem(res, 503, 'GW_ERR_OVERLOADED', { 'retry-after': '1' }) : res.writeHead(204).end()))
  const client = new BlinkerGatewayClient({ baseUrl: srv.url, token: 'tok' })
  const t0 = Date.now()
  await client.acknowledge('CLI-2026-000000001')
  t.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms`)
  t.equal(srv.calls.length, 2)
})

t.test('bounded: gives up after maxAttempts, or when Retry-After exceeds maxDelayMs', async (t) => {
  const srv = await server(t, (_req, res) => problem(res, 429, 'GW_ERR_RATE_LIMITED'))
  const waits: number[] = []
  const client = new BlinkerGatewayClient({ baseUrl: srv.url, token: 'tok', retry: { maxAttempts: 3, baseDelayMs: 10 }, sleep: async (ms) => void waits.push(ms) })
  const err = await client.getBlinker('CLI-2026-000000001').catch((e: unknown) => e)
  t.ok(err instanceof GatewayProblemError)
  t.match(err, { status: 429, code: 'GW_ERR_RATE_LIMITED', errors: [{ path: '/code' }], message: /GET \/acceptance\/v1\/blinkers\/CLI-2026-000000001 → 429 GW_ERR_RATE_LIMITED: detail of GW_ERR_RATE_LIMITED/ })
  t.equal(srv.calls.length, 3)
  t.equal(waits.length, 2)
  t.ok(waits.every((w) => w >= 0 && w <= 40), 'exponential backoff without Retry-After')

  const far = await server(t, (_req, res) => problem(res, 503, 'GW_ERR_OVERLOADED', { 'retry-after': '3600' }))
  const patient = new BlinkerGatewayClient({ baseUrl: far.url, token: 'tok', retry: { maxDelayMs: 5000 }, sleep: async () => void t.fail('must not wait an hour') })
  await t.rejects(patient.getFeedback('3f2504e0-4f89-41d3-9a0c-0305e82c3301'), { status: 503, code: 'GW_ERR_OVERLOADED' })
  t.equal(far.calls.length, 1)
})

t.test('other statuses are final; non-problem answers still give a typed error', async (t) => {
  const srv = await server(t, (req, res, n) => {
    if (req.url?.includes('subscriptions')) return problem(res, 404, 'GW_ERR_NOT_FOUND')
    if (n === 1) return problem(res, 409, 'GW_ERR_BLINKER_CLOSED')
    res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>')
  })
  const client = new BlinkerGatewayClient({ baseUrl: srv.url, token: 'tok', environment: 'production', sleep: async () => void t.fail('no retry') })
  await t.rejects(client.submitFeedbackBatch([]), { status: 409, code: 'GW_ERR_BLINKER_CLOSED' })
  await t.rejects(client.pullMailbox('0212344876', { after: 'abc', limit: 5 }), { status: 502, code: 'GW_ERR_UNKNOWN', problem: undefined, message: /<html>bad gateway/ })
  t.equal(srv.calls[1]?.url, '/production/v1/cpas/0212344876/blinkers?after=abc&limit=5')
  t.equal(await client.getSubscription(), undefined, '404 → no subscription')
  t.equal(srv.calls.length, 3, 'one call each')
})

t.test('webhook signatures', async (t) => {
  const body = '{"blinkerId":"CLI-2026-000000001"}'
  const header = signBody(body, 'a-secret-of-16-chars')
  t.match(header, /^sha256=[0-9a-f]{64}$/)
  t.ok(verifySignature(body, header, 'a-secret-of-16-chars'))
  t.ok(verifySignature(Buffer.from(body), [header], 'a-secret-of-16-chars'))
  t.notOk(verifySignature(`${body} `, header, 'a-secret-of-16-chars'), 'body changed')
  t.notOk(verifySignature(body, header, 'another-secret-16c'), 'other secret')
  t.notOk(verifySignature(body, undefined, 'a-secret-of-16-chars'), 'missing')
  t.notOk(verifySignature(body, 'sha256=00', 'a-secret-of-16-chars'), 'short')
})
