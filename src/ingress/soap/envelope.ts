/**
 * SOAP 1.1 envelopes in and out. Reading one is the front half of the SOAP pipeline, in this
 * order: safety gate and parse (xsd-validator) → no processing instruction → a SOAP 1.1 Envelope
 * with a Body holding exactly one element → a known `<Operation>Request` of
 * urn:blinker-gateway:v1 → the SOAPAction header, when sent, names the same operation → the
 * element is valid against the XSD → mapped to the model. The document is disposed before the
 * operation runs.
 */
import { XmlElement, XmlXPath } from 'libxml2-wasm'
import { GatewayError } from '../../errors.js'
import { modelToXml, xmlToModel } from '../../validation/xml-mapping.js'
import { scanXml, type ScannedElement } from '../../validation/xml-scan.js'
import { withXmlDocument, XML_NS, xsdErrors } from '../../validation/xsd-validator.js'
import { isSoapOperationName, SOAP_ACTION_PREFIX, type SoapOperationName, type SoapOperationTypes } from './operations.js'

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope'

export interface SoapCall<N extends SoapOperationName = SoapOperationName> {
  operation: N
  input: SoapOperationTypes[N]['input']
}

function envelopeError(detail: string, line?: number): GatewayError {
  return new GatewayError('GW_ERR_SOAP_ENVELOPE', detail, line === undefined ? undefined : [{ line, message: detail }])
}

/**
 * The SOAPAction header without its optional quotes, or undefined when absent or empty
 * (SOAP 1.1: `""` means "the intent is the request URI", which names no operation).
 */
export function soapActionValue(header: string | string[] | undefined): string | undefined {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim()
  if (!raw) return undefined
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).trim() : raw
  return value === '' ? undefined : value
}

/** The operation element of the Body, and the Body's position among the Envelope's children. */
function bodyOperation(envelope: ScannedElement): { element: ScannedElement; bodyIndex: number } {
  if (envelope.name !== 'Envelope' || envelope.namespaceUri !== SOAP11_NS) {
    if (envelope.namespaceUri === SOAP12_NS) {
      throw envelopeError(`SOAP 1.2 envelope; this endpoint speaks SOAP 1.1 (namespace ${SOAP11_NS}, Content-Type text/xml)`, envelope.line)
    }
    throw envelopeError(`Root element must be {${SOAP11_NS}}Envelope`, envelope.line)
  }
  const parts = envelope.children
  const bodyIndex = parts.findIndex((p) => p.name === 'Body' && p.namespaceUri === SOAP11_NS)
  const body = parts[bodyIndex]
  // SOAP 1.1 section 4: an optional Header first, then the Body, nothing else.
  const allowedBefore = bodyIndex === 0 || (bodyIndex === 1 && parts[0]?.name === 'Header' && parts[0].namespaceUri === SOAP11_NS)
  if (!body || !allowedBefore || parts.length !== bodyIndex + 1) {
    throw envelopeError('Envelope must hold an optional soap:Header, then one soap:Body, and nothing else', envelope.line)
  }
  const calls = body.children
  if (calls.length !== 1 || !calls[0]) {
    throw envelopeError(`soap:Body must hold exactly one operation element, found ${calls.length}`, body.line)
  }
  return { element: calls[0], bodyIndex }
}

// libxml2's own node of the operation element, for the XSD, by the Body's position (Header or not):
// one compiled XPath costs a third of walking sibling by sibling through libxml2-wasm's accessors.
const OPERATION_NODE = [XmlXPath.compile('/*/*[1]/*[1]'), XmlXPath.compile('/*/*[2]/*[1]')] as const

/** Reads and checks a SOAP request; throws GatewayError at the first stage that refuses it. */
export function readSoapRequest(xml: string, soapAction: string | string[] | undefined): SoapCall {
  return withXmlDocument(xml, (doc) => {
    // libxml2 has accepted the text; its scanned tree is read instead of the document's nodes.
    const { root, firstPiLine } = scanXml(xml)
    if (firstPiLine !== undefined) throw envelopeError('A SOAP message must not contain processing instructions (SOAP 1.1 section 3)', firstPiLine)
    const { element, bodyIndex } = bodyOperation(root)
    const name = element.name.endsWith('Request') ? element.name.slice(0, -'Request'.length) : ''
    if (element.namespaceUri !== XML_NS || !isSoapOperationName(name)) {
      // Say what is wrong, not what was sent: an element name is the caller's text (a NISS can hide in it).
      throw new GatewayError('GW_ERR_SOAP_ACTION', `The Body's element is not an operation of this gateway; expected one of the <Operation>Request elements of ${XML_NS}`, [
        { line: element.line, message: 'unknown operation element' },
      ])
    }
    const action = soapActionValue(soapAction)
    if (action !== undefined && action !== `${SOAP_ACTION_PREFIX}${name}`) {
      throw new GatewayError('GW_ERR_SOAP_ACTION', `The SOAPAction header does not match the body's ${element.name}; expected "${SOAP_ACTION_PREFIX}${name}"`)
    }
    const node = doc.get(OPERATION_NODE[bodyIndex] as XmlXPath)
    if (!(node instanceof XmlElement)) throw new Error('xml-scan and libxml2 disagree on the Body') // a bug, not a caller error
    const errors = xsdErrors(node)
    if (errors.length > 0) throw new GatewayError('GW_ERR_VALIDATION', `${element.name} does not match the XSD`, errors)
    return { operation: name, input: xmlToModel(element, `${name}Request`) }
  })
}

const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${SOAP11_NS}" xmlns:gw="${XML_NS}"><soap:Body>`
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>\n'

/** The response envelope of an operation: `<gw:OperationResponse>` with children in model order. */
export function writeSoapResponse<N extends SoapOperationName>(operation: N, output: SoapOperationTypes[N]['output']): string {
  return ENVELOPE_OPEN + modelToXml(`${operation}Response`, output, { declareNamespace: false }) + ENVELOPE_CLOSE
}

/** Wraps Body content (a Fault) in an envelope. */
export const soapEnvelope = (bodyContent: string): string => ENVELOPE_OPEN + bodyContent + ENVELOPE_CLOSE
