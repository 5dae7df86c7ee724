/**
 * SOAP test helpers: build request envelopes, post them with app.inject, and read Faults and
 * responses back with the gateway's own XML stack (so a response that is not XSD-valid fails).
 */
import type { FastifyInstance } from 'fastify'
import type { XmlDocument, XmlElement } from 'libxml2-wasm'
import type { FieldError } from '../../src/errors.js'
import { SOAP11_NS } from '../../src/ingress/soap/envelope.js'
import type { XmlShape } from '../../src/validation/xml-mapping.js'
import { xmlToModel } from '../../src/validation/xml-mapping.js'
import { scanXml, type ScannedElement } from '../../src/validation/xml-scan.js'
import { childElements, withXmlDocument, XML_NS, xsdErrors } from '../../src/validation/xsd-validator.js'

export const GW_NS = XML_NS

/** A SOAP 1.1 envelope around `body` (an operation element using prefix gw). */
export const envelope = (body: string, header = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:gw="${XML_NS}">
${header}  <soapenv:Body>
${body}
  </soapenv:Body>
</soapenv:Envelope>`

export interface SoapPost {
  env?: string
  token?: string
  body: string
  /** SOAPAction header value, sent as is; omitted when undefined. */
  action?: string
  contentType?: string
}

export function soapPost(app: FastifyInstance, p: SoapPost) {
  const headers: Record<string, string> = { 'content-type': p.contentType ?? 'text/xml; charset=utf-8' }
  if (p.token) headers.authorization = `Bearer ${p.token}`
  if (p.action !== undefined) headers.soapaction = p.action
  return app.inject({ method: 'POST', url: `/${p.env ?? 'acceptance'}/soap`, headers, payload: p.body })
}

export interface ReadFault {
  faultcode: string
  faultstring: string
  code: string
  message: string
  errors: FieldError[]
  /** XSD problems of the gw:gatewayError detail ([] when it matches the published XSD). */
  detailXsdErrors: FieldError[]
}

/** The Body's child, as libxml2's node (for the XSD) and as the scanned tree (for the mapping). */
function bodyChild(xml: string, doc: XmlDocument): { node: XmlElement; element: ScannedElement } {
  const root = doc.root
  if (root.name !== 'Envelope' || root.namespaceUri !== SOAP11_NS) throw new Error(`not a SOAP 1.1 envelope: ${xml.slice(0, 200)}`)
  const body = childElements(root).find((e) => e.name === 'Body')
  const node = body && childElements(body)[0]
  const element = scanXml(xml).root.children.find((e) => e.name === 'Body')?.children[0]
  if (!node || !element) throw new Error('empty soap:Body')
  return { node, element }
}

/** Reads a Fault envelope; throws when the text is not one. */
export function readFault(xml: string): ReadFault {
  return withXmlDocument(xml, (doc) => {
    const { node, element: fault } = bodyChild(xml, doc)
    if (fault.name !== 'Fault') throw new Error(`not a Fault: ${xml.slice(0, 300)}`)
    const parts = fault.children
    const text = (name: string) => parts.find((p) => p.name === name)?.text ?? ''
    const gatewayError = parts.find((p) => p.name === 'detail')?.children[0]
    const detailNode = childElements(node).find((p) => p.name === 'detail')
    const gatewayErrorNode = detailNode && childElements(detailNode)[0]
    if (!gatewayError || !gatewayErrorNode) throw new Error('Fault without detail')
    const model = xmlToModel<{ code: string; message: string; errors: FieldError[] }>(gatewayError, 'gatewayError')
    return { faultcode: text('faultcode'), faultstring: text('faultstring'), ...model, detailXsdErrors: xsdErrors(gatewayErrorNode) }
  })
}

/** Reads an `<Operation>Response` envelope: its element name, XSD problems and mapped value. */
export function readResponse<T>(xml: string): { name: string; namespace: string; xsdErrors: FieldError[]; value: T } {
  return withXmlDocument(xml, (doc) => {
    const { node, element } = bodyChild(xml, doc)
    return { name: element.name, namespace: element.namespaceUri, xsdErrors: xsdErrors(node), value: xmlToModel<T>(element, element.name as XmlShape) }
  })
}
