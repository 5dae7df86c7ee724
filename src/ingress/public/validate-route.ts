/**
 * POST /validate?type=blinker|feedback: the integrators' check of a message, JSON or XML by
 * content type, judged by the same validators as the live endpoints. A well-formed message that
 * breaks the schema answers 200 { valid: false, errors }; a body that is not JSON/XML at all, or
 * XML with a DOCTYPE or entity, is refused like anywhere else (400).
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { mediaTypeOf, XML_TYPES } from '../content-types.js'
import { MESSAGE_TYPES, validateMessage, type MessageType } from '../../validation/validate-message.js'
import { validateXmlMessage } from '../../validation/xml-message.js'

export async function validateRoute(app: FastifyInstance): Promise<void> {
  app.post<{ Querystring: { type?: string } }>('/validate', async (request) => {
    const type = request.query.type
    if (!type || !Object.hasOwn(MESSAGE_TYPES, type)) {
      throw new GatewayError('GW_ERR_BAD_PARAMETER', 'type must be one of: blinker, feedback', [{ path: 'query:/type', message: 'must be blinker or feedback' }])
    }
    // By the declared media type, never by the parsed value's shape: a JSON string is not XML.
    const asXml = (XML_TYPES as readonly string[]).includes(mediaTypeOf(request.headers['content-type']))
    const errors = asXml ? validateXmlMessage(type as MessageType, request.body as string) : validateMessage(type as MessageType, request.body)
    return { valid: errors.length === 0, errors }
  })
}
