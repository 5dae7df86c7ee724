/**
 * Requests Node's HTTP parser refuses before Fastify sees them — conflicting Content-Length /
 * Transfer-Encoding, bad chunking, bare CR or LF, obs-fold, an invalid request line, headers over
 * the size limit — and the deadlines of http-timeouts.ts. Node (or Fastify's default handler)
 * would answer them with its own body, or none; here they leave like every other refusal:
 * problem+json with a GW_ERR code, written raw on the socket with `Connection: close` (the
 * parser's state is lost, the connection cannot be reused). They are the client's doing, so they
 * are logged at info with the parser's code and no stack, never as an unexpected error.
 * A missing Host on HTTP/1.1 is refused here too (Node's own check, which answers an empty 400,
 * is turned off in http-timeouts.ts).
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { GatewayError, toProblem } from '../errors.js'

/** Parser codes (llhttp) grouped by what the client did wrong; the detail says that, never the bytes. */
const FRAMING = new Set(['HPE_UNEXPECTED_CONTENT_LENGTH', 'HPE_INVALID_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING'])
const CHUNKS = new Set(['HPE_INVALID_CHUNK_SIZE', 'HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HPE_INVALID_EOF_STATE'])
const REQUEST_LINE = new Set(['HPE_INVALID_METHOD', 'HPE_INVALID_URL', 'HPE_INVALID_VERSION'])

/** The GatewayError of a refusal, from the error Node's server emitted with 'clientError'. */
export function refusalFor(code: string | undefined): GatewayError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new GatewayError('GW_ERR_REQUEST_TIMEOUT', 'The request (headers or body) was not received in time; the connection is closed')
  if (code === 'HPE_HEADER_OVERFLOW') return new GatewayError('GW_ERR_HEADERS_TOO_LARGE', 'The request line and headers exceed the size limit; the connection is closed')
  let detail = 'The request is not well-formed HTTP/1.1 (RFC 9112); the connection is closed'
  if (code && FRAMING.has(code)) detail = 'Content-Length and Transfer-Encoding are invalid or conflict (RFC 9112 section 6); the connection is closed'
  else if (code && CHUNKS.has(code)) detail = 'The chunked body is malformed; the connection is closed'
  else if (code && REQUEST_LINE.has(code)) detail = 'The request line (method, target, version) is not valid HTTP/1.1; the connection is closed'
  return new GatewayError('GW_ERR_MALFORMED_REQUEST', detail)
}

/** The raw HTTP/1.1 answer carrying the problem document. */
export function rawProblemResponse(error: GatewayError): string {
  const body = JSON.stringify(toProblem(error))
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}

type ClientError = Error & { code?: string }
interface InFlight {
  req?: { complete?: boolean }
  headersSent: boolean
  writableEnded: boolean
  once(event: 'finish' | 'close', listener: () => void): void
}
type WithResponse = Socket & { _httpMessage?: InFlight | null }

/** Longest wait for an answer already under way before the refusal is written after it. */
const IN_FLIGHT_WAIT_MS = 5000

/** Fastify's `clientErrorHandler` option (`this` is the Fastify instance). */
export function clientErrorHandler(this: FastifyInstance, err: ClientError, socket: Socket): void {
  // A reset connection has nobody to answer (and is not worth a line).
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const error = refusalFor(err.code)
  this.log.info({ code: error.code, parserCode: err.code ?? null }, 'malformed or slow request refused')
  const answer = () => {
    if (socket.destroyed) return
    if (socket.writable) socket.write(rawProblemResponse(error))
    socket.destroy()
  }
  const inFlight = (socket as WithResponse)._httpMessage
  // A pipelined request broke the parser while the one before it, received whole, is still being
  // answered (or an answer has started): that answer goes first, then the refusal — never written
  // into it. An incomplete request without an answer is the faulty one: refused at once.
  if (inFlight && !inFlight.writableEnded && (inFlight.req?.complete || inFlight.headersSent)) {
    const timer = setTimeout(() => socket.destroy(), IN_FLIGHT_WAIT_MS).unref()
    const after = () => {
      clearTimeout(timer)
      answer()
    }
    inFlight.once('finish', after)
    inFlight.once('close', after)
    return
  }
  answer()
}

/** HTTP/1.1 requires Host (RFC 9112 section 3.2): refused with the contract's body. */
export function installHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      reply.header('connection', 'close')
      throw new GatewayError('GW_ERR_MALFORMED_REQUEST', 'HTTP/1.1 requests must carry a Host header')
    }
  })
}
