/**
 * POST /validate?type=blinker|feedback: the integrators' check of a message, JSON or XML by
 * content type, judged by the same validators as the live endpoints. XML may be a bare message, a
 * bare `<Operation>Request`/`Response` element or a whole SOAP 1.1 envelope (judged by its Body),
 * and `type` is then optional; the answer's `found` says which it was. A well-formed message that
 * breaks the schema answers 200 { valid: false, errors, found }; a body that is not JSON/XML at
 * all, or XML with a DOCTYPE or entity, is refused like anywhere else (400).
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { mediaTypeOf, XML_TYPES } from '../content-types.js'
import { MESSAGE_TYPES, validateMessage, type MessageType } from '../../validation/validate-message.js'
import { judgeXml, type Found } from '../../validation/xml-judge.js'

export async function validateRoute(app: FastifyInstance): Promise<void> {
  app.post<{ Querystring: { type?: string } }>('/validate', async (request) => {
    const type = request.query.type
    // By the declared media type, never by the parsed value's shape: a JSON string is not XML.
    const asXml = (XML_TYPES as readonly string[]).includes(mediaTypeOf(request.headers['content-type']))
    // XML says what it is by its root element; JSON needs the type. Given, it must be a known one.
    if ((type !== undefined || !asXml) && (!type || !Object.hasOwn(MESSAGE_TYPES, type))) {
      throw new GatewayError('GW_ERR_BAD_PARAMETER', 'type must be one of: blinker, feedback', [{ path: 'query:/type', message: 'must be blinker or feedback' }])
    }
    if (asXml) {
      const { errors, found } = judgeXml(request.body as string, type as MessageType | undefined)
      return { valid: errors.length === 0, errors, ...(found ? { found } : {}) }
    }
    const errors = validateMessage(type as MessageType, request.body)
    const found: Found = { syntax: 'json', form: 'message', element: type as MessageType }
    return { valid: errors.length === 0, errors, found }
  })
}
