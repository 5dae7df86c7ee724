/**
 * Body parsers and the media types each route accepts.
 *
 * JSON keeps Fastify's parser (secure-json-parse: __proto__ and constructor keys are errors) but
 * reads the raw bytes first: RFC 8259 JSON text is UTF-8, and Fastify's own string decoding would
 * turn invalid bytes into U+FFFD and store them. XML arrives as a UTF-8 string, and invalid UTF-8
 * is refused here too, so the XML validators never judge a mangled document.
 *
 * Each route accepts exactly the request media types its documentation lists (the route schema's
 * `consumes`, else ROUTE_DOCS, else its `body.content` keys, else application/json): a JSON string
 * posted to the SOAP endpoint is not an envelope, an XML body is not feedback. Anything else is
 * 415 GW_ERR_UNSUPPORTED_MEDIA_TYPE, checked before the body is read.
 */
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload, RouteOptions } from 'fastify'
import { docKey } from '../docs/openapi.js'
import { ROUTE_DOCS } from '../docs/route-docs.js'
import { GatewayError } from '../errors.js'

export const XML_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'] as const
/** Excel workbooks (transition recap lists, POST /{env}/v1/transition/recap): kept as a Buffer. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const JSON_TYPE = 'application/json'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** The media type of a Content-Type value, lower case, without parameters ('' when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

/** The request media types a route's documentation lists (default application/json). */
export function documentedMediaTypes(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): string[] {
  const schema = (route.schema ?? {}) as { consumes?: string[]; body?: { content?: Record<string, unknown> } }
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) as string
  const listed = schema.consumes ?? ROUTE_DOCS[docKey(method, route.url)]?.consumes ?? (schema.body?.content ? Object.keys(schema.body.content) : undefined)
  return (listed ?? [JSON_TYPE]).map((t) => mediaTypeOf(t))
}

/**
 * True when the request carries body bytes. An empty body with a Content-Type (a browser's
 * field-less form post, a client's habitual JSON header on a bodiless POST) carries nothing to
 * confuse, and is left to the parsers as before.
 */
const hasBody = (request: FastifyRequest): boolean => {
  const h = request.headers
  return h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0')
}

/** A preParsing hook refusing, before the body is read, a media type the route does not list. */
function mediaTypeGuard(allowed: readonly string[]) {
  const set = new Set(allowed)
  const detail = `This endpoint accepts ${allowed.join(', ')}`
  // Callback style: no promise per request on the hot paths.
  return (request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload, done: (err: Error | null, payload?: RequestPayload) => void): void => {
    if (request.method === 'GET' || request.method === 'HEAD' || !hasBody(request) || set.has(mediaTypeOf(request.headers['content-type']))) {
      done(null, payload)
      return
    }
    // Say what is accepted, not what was sent (a header value is the caller's text).
    done(new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', detail))
  }
}

export function installContentTypes(app: FastifyInstance): void {
  // Fastify parses text/plain by default; a string body would then pass for XML. Refused (415).
  app.removeContentTypeParser('text/plain')
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(JSON_TYPE)
  // node:buffer isUtf8 is a SIMD scan: cheap enough for the benchmarked feedback path.
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (!isUtf8(bytes)) {
      done(new GatewayError('GW_ERR_MALFORMED_JSON', 'Body is not valid UTF-8 (RFC 8259: JSON text is UTF-8)'), undefined)
      return
    }
    parseJson(request, bytes.toString('utf8'), done)
  })
  app.addContentTypeParser([...XML_TYPES], { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, utf8.decode(body as Buffer))
    } catch {
      done(new GatewayError('GW_ERR_MALFORMED_XML', 'Body is not valid UTF-8'), undefined)
    }
  })
  // Same BODY_LIMIT as every body (413 beyond); the recap import inspects the archive itself.
  app.addContentTypeParser(XLSX_CONTENT_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (methods.every((m) => m === 'GET' || m === 'HEAD')) return
    const guard = mediaTypeGuard(documentedMediaTypes(route))
    const own = route.preParsing
    route.preParsing = own === undefined ? [guard] : [guard, ...(Array.isArray(own) ? own : [own])]
  })
}
