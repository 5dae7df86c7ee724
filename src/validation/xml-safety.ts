/**
 * The gate every XML body passes before any parser sees it (contract section 7: a DOCTYPE, an
 * external entity or an entity expansion is refused without being expanded). A small scanner
 * rather than a parser option, so the refusal does not depend on how a libxml2 build treats DTDs:
 * - `<!` is allowed only as `<!--` (comment) or `<![CDATA[`; DOCTYPE, ENTITY, ELEMENT, ATTLIST,
 *   NOTATION and conditional sections are GW_ERR_XML_FORBIDDEN;
 * - `&name;` is allowed only for the five predefined entities and numeric character references;
 * - nesting depth, element count and attribute length are bounded, so a small body cannot make the
 *   parser or the validator do unbounded work (GW_ERR_MALFORMED_XML, naming the limit).
 * What is merely malformed (an unterminated comment, a bare `&`) is left to the parser, which
 * reports it with a line number.
 */
import { GatewayError } from '../errors.js'

export interface XmlSafetyLimits {
  /** Deepest element nesting accepted (a SOAP call needs about 7); default 64. */
  maxDepth?: number
  /** Most elements in one document; default 10 000. */
  maxElements?: number
  /** Longest attribute value, in UTF-16 code units; default 4096. */
  maxAttributeLength?: number
}

export const DEFAULT_XML_LIMITS: Readonly<Required<XmlSafetyLimits>> = Object.freeze({
  maxDepth: 64,
  maxElements: 10_000,
  maxAttributeLength: 4096,
})

const ALLOWED_REFERENCE = /&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y
// Any other well-formed reference: a general entity that only a DTD could declare.
const NAMED_REFERENCE = /&([A-Za-z_:\u00C0-\uFFFF][^\s&;<>"'=/]{0,99});/y
const DECLARATION_WORD = /<!(\[?[A-Za-z]*)/y

const lineAt = (xml: string, index: number): number => {
  let line = 1
  for (let i = 0; i < index; i++) if (xml.charCodeAt(i) === 10) line++
  return line
}

function forbidden(xml: string, at: number, what: string): GatewayError {
  const line = lineAt(xml, at)
  return new GatewayError('GW_ERR_XML_FORBIDDEN', `${what} is not allowed in XML sent to the gateway`, [{ line, message: `${what} is not allowed` }])
}

function overLimit(xml: string, at: number, what: string): GatewayError {
  const line = lineAt(xml, at)
  return new GatewayError('GW_ERR_MALFORMED_XML', `${what} (gateway limit)`, [{ line, message: what }])
}

/** Checks one `&` at `at`; returns the index after the reference (or after the `&`). */
function checkReference(xml: string, at: number): number {
  ALLOWED_REFERENCE.lastIndex = at
  if (ALLOWED_REFERENCE.test(xml)) return ALLOWED_REFERENCE.lastIndex
  NAMED_REFERENCE.lastIndex = at
  const named = NAMED_REFERENCE.exec(xml)
  if (named) throw forbidden(xml, at, `Entity reference &${named[1]};`)
  return at + 1 // a bare `&`: malformed, the parser will say so
}

/**
 * Throws GW_ERR_XML_FORBIDDEN or GW_ERR_MALFORMED_XML when the text must not reach a parser;
 * returns quietly otherwise (which does not mean the text is well-formed).
 */
export function assertXmlSafe(xml: string, limits: XmlSafetyLimits = {}): void {
  const { maxDepth, maxElements, maxAttributeLength } = { ...DEFAULT_XML_LIMITS, ...limits }
  let depth = 0
  let elements = 0
  let i = 0
  const n = xml.length
  while (i < n) {
    const c = xml.charCodeAt(i)
    if (c === 38 /* & */) {
      i = checkReference(xml, i)
      continue
    }
    if (c !== 60 /* < */) {
      i++
      continue
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4)
      if (end < 0) return
      i = end + 3
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9)
      if (end < 0) return
      i = end + 3
    } else if (xml.startsWith('<!', i)) {
      DECLARATION_WORD.lastIndex = i
      const word = DECLARATION_WORD.exec(xml)?.[1] ?? ''
      throw forbidden(xml, i, word === '' ? 'A markup declaration (<!)' : `<!${word.toUpperCase()}`)
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2)
      if (end < 0) return
      i = end + 2
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i + 2)
      if (end < 0) return
      depth--
      i = end + 1
    } else {
      const start = i
      i = scanStartTag(xml, i + 1, maxAttributeLength)
      if (i < 0) return
      if (xml.charCodeAt(i - 2) !== 47 /* / */) depth++
      elements++
      if (depth > maxDepth) throw overLimit(xml, start, `Elements nested deeper than ${maxDepth} levels`)
      if (elements > maxElements) throw overLimit(xml, start, `More than ${maxElements} elements`)
    }
  }
}

/**
 * Walks a start tag from just after `<` to just after its `>`, honouring quoted attribute values
 * (they may hold `>`), checking references and lengths inside them. -1 when the tag never ends.
 */
function scanStartTag(xml: string, from: number, maxAttributeLength: number): number {
  let quote = 0
  let valueStart = 0
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i)
    if (quote !== 0) {
      if (c === quote) {
        if (i - valueStart > maxAttributeLength) throw overLimit(xml, valueStart, `Attribute value longer than ${maxAttributeLength} characters`)
        quote = 0
      } else if (c === 38 /* & */) {
        i = checkReference(xml, i) - 1
      }
    } else if (c === 34 || c === 39 /* " ' */) {
      quote = c
      valueStart = i + 1
    } else if (c === 62 /* > */) {
      return i + 1
    }
  }
  if (quote !== 0 && xml.length - valueStart > maxAttributeLength) {
    throw overLimit(xml, valueStart, `Attribute value longer than ${maxAttributeLength} characters`)
  }
  return -1
}
