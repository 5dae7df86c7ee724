/**
 * HTTP itself at stake, over raw sockets: every request Node's parser refuses (framing conflicts,
 * bad chunking, bare CR/LF, obs-fold, bad request lines, oversized headers) and a missing Host
 * leave as problem+json with their GW_ERR code, `Connection: close`, and a log line at info
 * without a stack; trickled headers and bodies are cut by the configured deadlines (408).
 */
import t, { type Test } from 'tap'
import { ERRORS } from '../../src/errors.js'
import { loadConfig } from '../../src/config.js'
import { refusalFor, rawProblemResponse } from '../../src/security/http-refusals.js'
import { serverTimeoutOptions } from '../../src/security/http-timeouts.js'
import { startLoggedGateway, type LoggedGateway } from '../helpers/logged-gateway.js'
import { rawRequest, type RawAnswer } from '../helpers/raw-http.js'

const H = 'Host: 127.0.0.1\r\n'
const STACK = /\n\s+at |"stack"/

/** Malformed requests, each with the status and code it must get. */
const MALFORMED: [name: string, request: string, status: number, code: string][] = [
  ['Content-Length and Transfer-Encoding together', `POST /validate HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['two different Content-Length', `POST /validate HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a Content-Length that is not a number', `POST /validate HTTP/1.1\r\n${H}Content-Length: 5x\r\n\r\nhello`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['Transfer-Encoding chunked not last', `POST /validate HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a chunk size that is not hex', `POST /validate HTTP/1.1\r\n${H}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a chunk without its CRLF', `POST /validate HTTP/1.1\r\n${H}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['bare LF line ends', `GET /health/live HTTP/1.1\n${H.trim()}\nX-A: 1\n\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a bare CR inside a header', `GET /health/live HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['obs-fold (a header continued on the next line)', `GET /health/live HTTP/1.1\r\n${H}X-A: a\r\n  folded\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a space before the colon', `GET /health/live HTTP/1.1\r\n${H}X-A : a\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['an unknown method', `BREW /health/live HTTP/1.1\r\n${H}\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['an unknown HTTP version', `GET /health/live HTTP/7.3\r\n${H}\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['a space in the target', `GET /he alth HTTP/1.1\r\n${H}\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['no Host on HTTP/1.1', `GET /health/live HTTP/1.1\r\nX-A: 1\r\n\r\n`, 400, 'GW_ERR_MALFORMED_REQUEST'],
  ['headers over the size limit', `GET /health/live HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'GW_ERR_HEADERS_TOO_LARGE'],
  ['many headers over the size limit', `GET /health/live HTTP/1.1\r\n${H}${Array.from({ length: 800 }, (_, i) => `X-H${i}: ${'b'.repeat(20)}\r\n`).join('')}\r\n`, 431, 'GW_ERR_HEADERS_TOO_LARGE'],
]

function assertProblem(t: Test, what: string, res: RawAnswer, status: number, code: string): void {
  t.equal(res.status, status, `${what}: status line ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`)
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(res.body) as Record<string, unknown>
  } catch {
    t.fail(`${what}: the body is JSON (${res.body.slice(0, 80)})`)
  }
  t.match(body, { code, status, type: `/errors#${code}`, title: ERRORS[code as keyof typeof ERRORS].title }, `${what}: ${code}`)
  t.equal(res.headers['content-length'], String(Buffer.byteLength(res.body)), `${what}: Content-Length is the body's`)
  t.notMatch(res.text, STACK, `${what}: no stack`)
}

const logLinesSince = (gw: LoggedGateway, from: number) => gw.raw.slice(from)

t.test('every malformed request the parser refuses is problem+json with its code, the connection closed, logged without a stack', async (t) => {
  const gw = await startLoggedGateway(t)
  for (const [name, request, status, code] of MALFORMED) {
    const from = gw.raw.length
    const res = await rawRequest(gw.port, request)
    assertProblem(t, name, res, status, code)
    t.ok(res.closed, `${name}: the connection is closed`)
    if (name !== 'no Host on HTTP/1.1') t.equal(res.headers.connection, 'close', `${name}: Connection: close`)
    // The log line may follow the close by a tick.
    await new Promise((r) => setTimeout(r, 20))
    const lines = logLinesSince(gw, from)
    t.ok(lines.length > 0, `${name}: logged`)
    for (const line of lines) {
      t.notMatch(line, STACK, `${name}: the log has no stack`)
      t.notMatch(line, /unexpected error/, `${name}: not logged as a defect`)
      t.ok((JSON.parse(line) as { level: number }).level <= 30, `${name}: logged at info or below`)
    }
  }
  // The server still serves, on a new connection.
  const ok = await rawRequest(gw.port, `GET /health/live HTTP/1.1\r\n${H}Connection: close\r\n\r\n`)
  t.equal(ok.status, 200, 'a well-formed request after all that is answered')
})

t.test('a malformed request after a good one on a keep-alive connection: the first answer intact, then the refusal', async (t) => {
  const gw = await startLoggedGateway(t)
  const res = await rawRequest(gw.port, `GET /health/live HTTP/1.1\r\n${H}\r\nGET /health/live HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`)
  t.equal(res.status, 200, 'the first request is answered')
  const second = res.text.slice(res.text.indexOf('HTTP/1.1', 5))
  t.match(second, /^HTTP\/1\.1 400 Bad Request\r\n/, 'then the refusal')
  t.match(second, /"code":"GW_ERR_MALFORMED_REQUEST"/)
  t.ok(res.closed)
})

t.test('HTTP/1.0 without Host is valid and answered', async (t) => {
  const gw = await startLoggedGateway(t)
  const res = await rawRequest(gw.port, 'GET /health/live HTTP/1.0\r\n\r\n')
  t.equal(res.status, 200)
})

t.test('slow clients are cut off by the configured deadlines, with 408 problem+json', async (t) => {
  const gw = await startLoggedGateway(t, { HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '800', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' })
  t.equal(gw.app.server.headersTimeout, 400, 'Node server: headersTimeout')
  t.equal(gw.app.server.requestTimeout, 800, 'Node server: requestTimeout')
  t.equal(gw.app.server.keepAliveTimeout, 300, 'Node server: keepAliveTimeout')

  await t.test('headers trickled one line every 100 ms', async (t) => {
    const lines = Array.from({ length: 60 }, (_, i) => `X-Slow-${i}: ${i}\r\n`)
    const res = await rawRequest(gw.port, '', { pieces: [`GET /health/live HTTP/1.1\r\n${H}`, ...lines], gapMs: 100, waitMs: 5000 })
    assertProblem(t, 'trickled headers', res, 408, 'GW_ERR_REQUEST_TIMEOUT')
    t.ok(res.closed, 'the connection is closed')
    // Deadline 400 ms, checked every 100 ms: well before the 6 s the client would take.
    t.ok(res.ms < 2000, `cut after ${res.ms} ms`)
  })

  await t.test('a body trickled one byte every 100 ms', async (t) => {
    const from = gw.raw.length
    const body = '{"blinkers":[]}'.padEnd(200, ' ')
    const head = `POST /validate HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
    const res = await rawRequest(gw.port, '', { pieces: [head, ...body.split('')], gapMs: 100, waitMs: 5000 })
    assertProblem(t, 'trickled body', res, 408, 'GW_ERR_REQUEST_TIMEOUT')
    t.ok(res.closed, 'the connection is closed')
    t.ok(res.ms < 2500, `cut after ${res.ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
    for (const line of gw.raw.slice(from)) {
      t.notMatch(line, STACK, 'the log has no stack')
      t.notMatch(line, /unexpected error|"level":50/, 'no error-level line: a slow client is no defect')
    }
  })

  await t.test('an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async (t) => {
    const res = await rawRequest(gw.port, `GET /health/live HTTP/1.1\r\n${H}\r\n`, { waitMs: 3000 })
    t.equal(res.status, 200)
    t.ok(res.closed, 'closed by the server')
    t.ok(res.ms < 2000, `after ${res.ms} ms`)
  })

  await t.test('a client that sends at a normal pace is not cut', async (t) => {
    const res = await rawRequest(gw.port, '', { pieces: [`GET /health/live HTTP/1.1\r\n`, H, 'Connection: close\r\n', '\r\n'], gapMs: 50 })
    t.equal(res.status, 200)
  })
})

t.test('the timeout settings reach Node, TLS or not, and the check interval follows the shortest deadline', async (t) => {
  const config = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '20000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '7000', HTTP_IDLE_TIMEOUT_MS: '0' })
  const plain = serverTimeoutOptions(config)
  t.same(plain, {
    requestTimeout: 20000,
    keepAliveTimeout: 7000,
    connectionTimeout: 0,
    http: { headersTimeout: 20000, requestTimeout: 20000, connectionsCheckingInterval: 1000, requireHostHeader: false },
  }, 'the headers deadline is capped by the request deadline (Node refuses one longer)')
  const tls = serverTimeoutOptions(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '100' }), { cert: 'c', key: 'k' })
  t.match(tls.https, { cert: 'c', key: 'k', headersTimeout: 100, connectionsCheckingInterval: 25, requireHostHeader: false })
  const defaults = loadConfig({})
  t.same([defaults.HTTP_HEADERS_TIMEOUT_MS, defaults.HTTP_REQUEST_TIMEOUT_MS, defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS, defaults.HTTP_IDLE_TIMEOUT_MS], [10000, 30000, 5000, 60000], 'defaults')
  t.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '10' }), { name: 'ConfigError', message: /HTTP_REQUEST_TIMEOUT_MS/ })
})

t.test('refusal texts name the fault, never the bytes sent', async (t) => {
  t.equal(refusalFor('HPE_INVALID_CHUNK_SIZE').message, 'The chunked body is malformed; the connection is closed')
  t.match(refusalFor('HPE_UNEXPECTED_CONTENT_LENGTH').message, /Content-Length and Transfer-Encoding/)
  t.match(refusalFor('HPE_INVALID_METHOD').message, /request line/)
  t.equal(refusalFor(undefined).code, 'GW_ERR_MALFORMED_REQUEST')
  t.equal(refusalFor('ERR_HTTP_REQUEST_TIMEOUT').status, 408)
  t.equal(refusalFor('HPE_HEADER_OVERFLOW').status, 431)
  t.match(rawProblemResponse(refusalFor('HPE_HEADER_OVERFLOW')), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
})
