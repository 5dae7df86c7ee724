/**
 * Judging a standalone XML message (POST /validate, the CLI): safety gate → parse → root element
 * → XSD → map to the model → the same validateMessage the JSON side uses (mod-97 checks and
 * cross-field rules the XSD cannot express). A fixture gets the same verdict in either syntax
 * (tests/validation/parity.test.ts).
 */
import type { XmlDocument } from 'libxml2-wasm'
import type { Blinker, Feedback } from '../domain/model.js'
import type { FieldError } from '../errors.js'
import { validateMessage, type MessageType } from './validate-message.js'
import { xmlToModel } from './xml-mapping.js'
import { scanXml, type ScannedElement } from './xml-scan.js'
import { withXmlDocument, XML_NS, xsdErrors } from './xsd-validator.js'

export interface XmlMessageResult<T> {
  /** [] when the message is valid. */
  errors: FieldError[]
  /** The mapped message, present when it passed the XSD (even if a later check failed). */
  value?: T
}

/**
 * The element a model path such as `/finding/sourceKbo` names, to give a checksum error the line
 * an XML author needs. Undefined when the path names nothing present (e.g. a missing field).
 */
export function elementAt(root: ScannedElement, path: string | undefined): ScannedElement | undefined {
  if (!path) return undefined
  let current: ScannedElement | undefined = root
  for (const step of path.split('/').filter((s) => s !== '')) {
    current = current && current.children.find((c) => c.name === step)
    if (!current) return undefined
  }
  return current
}

function judge<T>(type: MessageType, doc: XmlDocument, root: ScannedElement): XmlMessageResult<T> {
  if (root.name !== type || root.namespaceUri !== XML_NS) {
    const found = root.namespaceUri ? `{${root.namespaceUri}}${root.name}` : root.name
    return { errors: [{ line: root.line, message: `root element must be ${type} in namespace ${XML_NS}, found ${found}` }] }
  }
  const schemaErrors = xsdErrors(doc)
  if (schemaErrors.length > 0) return { errors: schemaErrors }
  const value = xmlToModel<T>(root, type)
  const errors = validateMessage(type, value).map((e) => {
    const line = elementAt(root, e.path)?.line
    return line === undefined ? e : { ...e, line }
  })
  return { errors, value }
}

/**
 * Reads and judges one XML message of `type`. Throws GatewayError GW_ERR_XML_FORBIDDEN or
 * GW_ERR_MALFORMED_XML when the text is not acceptable XML at all.
 */
export function readXmlMessage(type: 'blinker', xml: string): XmlMessageResult<Blinker>
export function readXmlMessage(type: 'feedback', xml: string): XmlMessageResult<Feedback>
export function readXmlMessage(type: MessageType, xml: string): XmlMessageResult<Blinker | Feedback>
export function readXmlMessage(type: MessageType, xml: string): XmlMessageResult<Blinker | Feedback> {
  // libxml2 parses and validates; the mapping reads the scanned tree of the text it accepted.
  return withXmlDocument(xml, (doc) => judge<Blinker | Feedback>(type, doc, scanXml(xml).root))
}

/**
 * Problems of one XML message, [] when valid: XSD errors as `{ line, message }`, later checks as
 * `{ path, line, message }`. Throws GatewayError for forbidden or malformed XML.
 */
export function validateXmlMessage(type: MessageType, xml: string): FieldError[] {
  return readXmlMessage(type, xml).errors
}
