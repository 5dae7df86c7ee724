/**
 * Body parsers. JSON keeps Fastify's parser (secure-json-parse: __proto__ and constructor keys are
 * errors); XML arrives as a UTF-8 string, and invalid UTF-8 is refused here rather than silently
 * replaced, so the XML validators never judge a mangled document. Anything else is 415.
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../errors.js'

export const XML_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'] as const
/** Excel workbooks (transition recap lists, POST /{env}/v1/transition/recap): kept as a Buffer. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

export function installContentTypes(app: FastifyInstance): void {
  // Fastify parses text/plain by default; a string body would then pass for XML. Refused (415).
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser([...XML_TYPES], { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, utf8.decode(body as Buffer))
    } catch {
      done(new GatewayError('GW_ERR_MALFORMED_XML', 'Body is not valid UTF-8'), undefined)
    }
  })
  // Same BODY_LIMIT as every body (413 beyond); the recap import inspects the archive itself.
  app.addContentTypeParser(XLSX_CONTENT_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
}
