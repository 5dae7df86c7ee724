/**
 * XML ⇄ canonical model. Element names are the JSON field names (contract section 3), so the
 * mapping is driven by one table of shapes built from FIELD_ORDER; only what XML cannot say by
 * itself is explicit: which fields are integers, which elements nest a structure, and which repeat
 * (a repeated `<blinker>` becomes the `blinkers` array of the REST body, so SOAP handlers can
 * return the same object the REST service returns).
 *
 * xmlToModel expects an element that already passed the XSD: it does not re-check types. It reads
 * the scanned tree of the same text (xml-scan.ts), not the libxml2 document, which is slow to walk.
 */
import { FIELD_ORDER } from '../domain/model.js'
import type { ScannedElement } from './xml-scan.js'
import { XML_NS } from './xsd-validator.js'

interface FieldSpec {
  /** Element name = JSON property name, unless `repeatedAs` renames the array. */
  name: string
  /** The element holds a nested structure of this shape. */
  shape?: XmlShape
  /** The element may repeat; the model holds all occurrences in this array property. */
  repeatedAs?: string
  /** How text becomes a model value: integer, trimmed (collapse), or as is (default). */
  value?: 'integer' | 'collapse'
}

/** Fields nesting a structure, wherever they appear (same name, same shape). */
const NESTED: Readonly<Record<string, XmlShape>> = { beneficiary: 'beneficiary', form: 'form', finding: 'finding' }

/** Numbers in the model (xs:int / xs:long in the XSD), in the shapes built by `plain`. */
const INTEGER_FIELDS: ReadonlySet<string> = new Set(['code', 'amountCents', 'limit', 'line'])

/**
 * XSD types whose whitespace facet is "collapse" (xs:date, xs:dateTime): the XSD accepts
 * ` 2026-01-01 `, JSON would not, so the mapped value is trimmed. Every other string keeps its
 * text exactly: free text as sent, and the pattern/enum types refuse surrounding spaces anyway.
 */
const COLLAPSED_FIELDS: ReadonlySet<string> = new Set(['periodStart', 'periodEnd', 'detectedAt', 'sentAt', 'receivedAt', 'publishedAt'])

const plain = (names: readonly string[]): FieldSpec[] =>
  names.map((name) => {
    if (NESTED[name]) return { name, shape: NESTED[name] }
    if (INTEGER_FIELDS.has(name)) return { name, value: 'integer' }
    return COLLAPSED_FIELDS.has(name) ? { name, value: 'collapse' } : { name }
  })

/** Every structure the mapping knows: a message, a nested part, a SOAP operation element. */
export const XML_SHAPES = [
  'blinker', 'beneficiary', 'form', 'finding', 'feedback', 'receipt',
  'GetBlinkersRequest', 'GetBlinkersResponse', 'AcknowledgeBlinkerRequest', 'AcknowledgeBlinkerResponse',
  'SubmitFeedbackRequest', 'SubmitFeedbackResponse', 'GetFeedbackStatusRequest', 'GetFeedbackStatusResponse',
  'gatewayError', 'fieldError',
] as const
export type XmlShape = (typeof XML_SHAPES)[number]

const SHAPES: Readonly<Record<XmlShape, readonly FieldSpec[]>> = {
  blinker: plain(FIELD_ORDER.blinker),
  beneficiary: plain(FIELD_ORDER.beneficiary),
  form: plain(FIELD_ORDER.form),
  finding: plain(FIELD_ORDER.finding),
  feedback: plain(FIELD_ORDER.feedback),
  receipt: plain(FIELD_ORDER.receipt),
  GetBlinkersRequest: plain(['cpasKbo', 'after', 'limit']),
  GetBlinkersResponse: [{ name: 'blinker', shape: 'blinker', repeatedAs: 'blinkers' }, { name: 'next' }],
  AcknowledgeBlinkerRequest: plain(['blinkerId']),
  AcknowledgeBlinkerResponse: plain(['blinkerId', 'status']),
  SubmitFeedbackRequest: plain(FIELD_ORDER.feedback),
  SubmitFeedbackResponse: plain(FIELD_ORDER.receipt),
  GetFeedbackStatusRequest: plain(['messageId']),
  GetFeedbackStatusResponse: plain(['messageId', 'blinkerId', 'code', 'status']),
  // Here `code` is a GW_ERR_* string, not the integer feedback code: spelled out.
  gatewayError: [{ name: 'code' }, { name: 'message' }, { name: 'error', shape: 'fieldError', repeatedAs: 'errors' }],
  fieldError: plain(['path', 'line', 'message']),
}

const BY_NAME = new Map<XmlShape, Map<string, FieldSpec>>(XML_SHAPES.map((shape) => [shape, new Map(SHAPES[shape].map((f) => [f.name, f]))]))

export const isXmlShape = (name: string): name is XmlShape => Object.hasOwn(SHAPES, name)

/** Element names of a shape, in order (tests pin them to the XSD sequences). */
export const xmlShapeFields = (shape: XmlShape): string[] => SHAPES[shape].map((f) => f.name)

function leafValue(spec: FieldSpec, text: string): string | number {
  if (spec.value === 'integer') return Number(text.trim())
  return spec.value === 'collapse' ? text.trim() : text
}

/**
 * The model object of a validated element: JSON field names, integers as numbers, optional
 * fields absent when absent, repeated elements as arrays (empty when none).
 */
export function xmlToModel<T = Record<string, unknown>>(element: ScannedElement, shape: XmlShape): T {
  const specs = BY_NAME.get(shape) as Map<string, FieldSpec>
  const out: Record<string, unknown> = {}
  for (const spec of specs.values()) if (spec.repeatedAs) out[spec.repeatedAs] = []
  for (const child of element.children) {
    const spec = specs.get(child.name)
    if (!spec || child.namespaceUri !== XML_NS) {
      // Only reachable if the XSD and this table drift apart: a bug, not a caller error.
      throw new Error(`xml-mapping: no field ${child.namespaceUri}:${child.name} in shape ${shape}`)
    }
    const value = spec.shape ? xmlToModel(child, spec.shape) : leafValue(spec, child.text)
    if (spec.repeatedAs) (out[spec.repeatedAs] as unknown[]).push(value)
    else out[spec.name] = value
  }
  return out as T
}

// XML 1.0 cannot carry these code points at all, not even as references; JSON can. They are
// replaced by U+FFFD rather than producing a document no client can parse.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Escapes character data; `\r` as a reference so that it survives XML line-end normalization. */
export const escapeXmlText = (text: string): string =>
  text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'))

/** Escapes an attribute value (double-quoted). */
export const escapeXmlAttribute = (text: string): string =>
  escapeXmlText(text).replace(/["\n\t]/g, (c) => (c === '"' ? '&quot;' : c === '\n' ? '&#10;' : '&#9;'))

export interface ToXmlOptions {
  /** Element name of the root; default the shape name. */
  element?: string
  /** Namespace prefix of every element; '' for the default namespace; default 'gw'. */
  prefix?: string
  /** Declare the namespace on the root element; default true. */
  declareNamespace?: boolean
}

/**
 * Serializes a model object as the element of `shape`, children in FIELD_ORDER order. Fields the
 * shape does not know (e.g. `history`) and null/undefined values are left out.
 */
export function modelToXml(shape: XmlShape, value: object, options: ToXmlOptions = {}): string {
  const prefix = options.prefix ?? 'gw'
  const qname = (name: string) => (prefix === '' ? name : `${prefix}:${name}`)
  const xmlns = options.declareNamespace === false ? '' : ` xmlns${prefix === '' ? '' : `:${prefix}`}="${XML_NS}"`

  const write = (name: string, s: XmlShape, v: object, rootAttrs: string): string => {
    const record = v as Record<string, unknown>
    let body = ''
    for (const spec of SHAPES[s]) {
      const raw = record[spec.repeatedAs ?? spec.name]
      if (raw === undefined || raw === null) continue
      const items = spec.repeatedAs && Array.isArray(raw) ? raw : [raw]
      for (const item of items) {
        if (spec.shape) body += write(spec.name, spec.shape, item as object, '')
        else body += `<${qname(spec.name)}>${escapeXmlText(String(item))}</${qname(spec.name)}>`
      }
    }
    return `<${qname(name)}${rootAttrs}>${body}</${qname(name)}>`
  }
  return write(options.element ?? shape, shape, value, xmlns)
}

/** A standalone message file: XML declaration, root in the default namespace. */
export function messageToXmlDocument(type: 'blinker' | 'feedback', value: object): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${modelToXml(type, value, { prefix: '' })}\n`
}
