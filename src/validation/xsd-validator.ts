/**
 * XML parsing and XSD validation with libxml2 (WASM). The published XSD is compiled once, at
 * module load. Untrusted text goes through assertXmlSafe first, then a parse with no entity
 * substitution, no DTD loading and no network; documents live only inside withXmlDocument so
 * they are always disposed (the WASM heap is not garbage-collected).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ParseOption, XmlDocument, XmlElement, XmlParseError, XmlValidateError, XsdValidator, type ErrorDetail } from 'libxml2-wasm'
import { GatewayError, type FieldError } from '../errors.js'
import { SCHEMAS_DIR } from '../paths.js'
import { maskNissText } from '../security/niss-scrub.js'
import { assertXmlSafe, type XmlSafetyLimits } from './xml-safety.js'

export const XML_NS = 'urn:blinker-gateway:v1'
export const XSD_FILE = resolve(SCHEMAS_DIR, 'blinker-gateway.xsd')

/**
 * NONET and NO_XXE are belt and braces (nothing external is loaded anyway without NOENT/DTDLOAD,
 * which we never set). IGNORE_ENC: the body was already decoded as UTF-8 by the content-type
 * parser, so an `encoding="ISO-8859-1"` declaration must not make libxml2 decode it again.
 * BIG_LINES: report true line numbers past 65 535.
 */
const PARSE_OPTIONS =
  ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_IGNORE_ENC | ParseOption.XML_PARSE_BIG_LINES

// The schema document stays alive with the validator for the life of the process.
const xsdDocument = XmlDocument.fromString(readFileSync(XSD_FILE, 'utf8'), { url: XSD_FILE })
const validator = XsdValidator.fromDoc(xsdDocument)

/**
 * The SOAP 1.1 envelope namespace: the SOAP adapter's SOAP11_NS, repeated so that validation does
 * not import ingress (which imports validation); tests/validation/envelope.test.ts pins them equal.
 */
export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/'

// libxml2 messages name elements as '{urn:blinker-gateway:v1}cpasKbo'; users know them as cpasKbo
// (and envelope parts as soap:Body). They also quote the offending value ("The value
// '85073003328' is not accepted"): a NISS is masked.
const tidy = (message: string): string => maskNissText(message.replaceAll(`{${XML_NS}}`, '').replaceAll(`{${SOAP11_ENVELOPE_NS}}`, 'soap:').trim())

const toFieldErrors = (details: readonly ErrorDetail[]): FieldError[] =>
  details.map((d) => ({ line: d.line, message: tidy(d.message) }))

/**
 * Parses untrusted XML: the safety gate, then libxml2. Throws GW_ERR_XML_FORBIDDEN or
 * GW_ERR_MALFORMED_XML (with line numbers). The caller must dispose the document: prefer
 * withXmlDocument.
 */
export function parseXml(xml: string, limits?: XmlSafetyLimits): XmlDocument {
  if (xml.trim() === '') throw new GatewayError('GW_ERR_MALFORMED_XML', 'Body is empty; an XML document is required')
  assertXmlSafe(xml, limits)
  try {
    return XmlDocument.fromString(xml, { option: PARSE_OPTIONS })
  } catch (err) {
    if (err instanceof XmlParseError) {
      const errors = toFieldErrors(err.details)
      const first = errors[0]?.message ?? (tidy(err.message) || 'parse error')
      throw new GatewayError('GW_ERR_MALFORMED_XML', `Body is not well-formed XML: ${first}`, errors.length > 0 ? errors : undefined)
    }
    throw err
  }
}

/**
 * Parses, hands the document to `use`, and disposes it whatever happens. `use` is synchronous on
 * purpose: a document must not outlive the call (map it to plain objects before any await).
 */
export function withXmlDocument<T>(xml: string, use: (doc: XmlDocument) => T, limits?: XmlSafetyLimits): T {
  const doc = parseXml(xml, limits)
  try {
    return use(doc)
  } finally {
    doc.dispose()
  }
}

/**
 * Validates a whole document (its root must be a global element of the XSD) or one element of it
 * (a SOAP Body child), against the published XSD. [] when valid; else one `{ line, message }` per
 * problem libxml2 reports.
 */
export function xsdErrors(node: XmlDocument | XmlElement): FieldError[] {
  return schemaErrors(validator, node)
}

/** Problems of a document or element against a compiled schema, [] when valid (see xsdErrors). */
export function schemaErrors(schema: XsdValidator, node: XmlDocument | XmlElement): FieldError[] {
  try {
    // Two overloads, no union signature: hence the two identical-looking calls.
    if (node instanceof XmlDocument) schema.validate(node)
    else schema.validate(node)
    return []
  } catch (err) {
    if (err instanceof XmlValidateError) {
      const errors = toFieldErrors(err.details)
      return errors.length > 0 ? errors : [{ message: tidy(err.message) || 'does not match the XSD' }]
    }
    throw err
  }
}

/**
 * The element children of a libxml2 element, in document order (text and comments skipped). It
 * stops at a processing instruction: libxml2-wasm's PI nodes have no `next`. Only SOAP envelopes
 * are walked this way, after readSoapRequest has refused any PI in them.
 */
export function childElements(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = []
  for (let node = element.firstChild; node; node = node.next) {
    if (node instanceof XmlElement) out.push(node)
  }
  return out
}
