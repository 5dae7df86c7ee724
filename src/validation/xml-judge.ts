/**
 * Judging any XML an integrator holds (POST /validate, `blinker-gateway validate`): a bare message
 * (`<blinker>`, `<feedback>`), a bare SOAP operation element (`<Operation>Request` or
 * `<Operation>Response` of urn:blinker-gateway:v1), or a whole SOAP 1.1 envelope, which is judged
 * against the published schemas/soap-envelope.xsd (so the verdict is xmllint's with that file) and
 * then by its Body's element. The verdict says which of these was found.
 *
 * Order: safety gate and parse (withXmlDocument: a DOCTYPE or entity is refused before any parser
 * sees the text) → what the root is → the expected message type, when the caller named one → XSD →
 * the checks an XSD cannot express (mod-97 check digits, a period that ends before it starts),
 * the same validateMessage the JSON side and the live endpoints use.
 */
import type { XmlDocument } from 'libxml2-wasm'
import type { FieldError } from '../errors.js'
import { maskNissText } from '../security/niss-scrub.js'
import { envelopeXsdErrors } from './envelope-validator.js'
import { schemaValidator, toFieldErrors } from './json-schemas.js'
import { validateMessage, type MessageType } from './validate-message.js'
import { XML_SHAPES, xmlToModel, type XmlShape } from './xml-mapping.js'
import { elementAt } from './xml-message.js'
import { scanXml, type ScannedElement } from './xml-scan.js'
import { SOAP11_ENVELOPE_NS, withXmlDocument, XML_NS, xsdErrors } from './xsd-validator.js'

const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope'

export const FOUND_FORMS = ['message', 'operation', 'envelope'] as const
export type FoundForm = (typeof FOUND_FORMS)[number]

/** What a validated body turned out to be (the additive `found` of POST /validate's answer). */
export interface Found {
  /** How it was read: JSON or XML (by the declared content type, or the file's first character). */
  syntax: 'json' | 'xml'
  /**
   * `message`: a bare blinker or feedback (every JSON message); `operation`: a bare
   * `<Operation>Request`/`<Operation>Response` element; `envelope`: a SOAP 1.1 Envelope, judged
   * by the element in its Body.
   */
  form: FoundForm
  /** The element judged: the root, or the Body's element (`Fault` for a Fault); absent when the Body holds none the gateway knows. */
  element?: string
  /** The SOAP operation of an `<Operation>Request`/`Response` element, e.g. SubmitFeedback. */
  operation?: string
}

export interface XmlVerdict {
  /** Undefined when the root is none of the accepted forms (the errors say what is accepted). */
  found?: Found
  /** [] when valid. */
  errors: FieldError[]
}

/** The operation elements of contract section 6, in the mapping's table of shapes. */
const OPERATION_ELEMENTS: ReadonlySet<string> = new Set(XML_SHAPES.filter((s) => /[a-z](Request|Response)$/.test(s)))
const MESSAGE_ELEMENTS: ReadonlySet<string> = new Set(['blinker', 'feedback'])

/** The message type an element carries, for `?type=` / `--type`; other elements carry none. */
const CARRIES: Readonly<Record<string, MessageType>> = { blinker: 'blinker', feedback: 'feedback', SubmitFeedbackRequest: 'feedback' }
const EXPECTED_ELEMENTS: Readonly<Record<MessageType, string>> = { blinker: 'blinker', feedback: 'feedback or SubmitFeedbackRequest' }

const operationOf = (element: string): string | undefined =>
  OPERATION_ELEMENTS.has(element) ? element.replace(/(Request|Response)$/, '') : undefined

function foundOf(form: FoundForm, element: string | undefined): Found {
  const operation = element === undefined ? undefined : operationOf(element)
  return { syntax: 'xml', form, ...(element !== undefined ? { element } : {}), ...(operation ? { operation } : {}) }
}

// An element name is the caller's text: a NISS may hide in it.
const shown = (e: ScannedElement): string => maskNissText(e.namespaceUri ? `{${e.namespaceUri}}${e.name}` : e.name)

/** Model-path errors of checks after the XSD, given the line of the element they name. */
function located(root: ScannedElement, errors: FieldError[], prefix = ''): FieldError[] {
  return errors.map((e) => {
    const line = elementAt(root, e.path)?.line
    const path = prefix === '' ? e.path : `${prefix}${e.path ?? ''}`
    return { ...(path !== undefined ? { path } : {}), ...(line !== undefined ? { line } : {}), message: e.message }
  })
}

type PublishedFields = Record<string, unknown> & { status?: unknown; publishedAt?: unknown }

/**
 * What the gateway checks after the XSD, per element: every kbo and niss the XSD holds sits in a
 * blinker, a feedback or GetBlinkersRequest's cpasKbo. Elements not listed need nothing more.
 */
const AFTER_XSD: Partial<Record<XmlShape, (element: ScannedElement) => FieldError[]>> = {
  blinker: (el) => located(el, validateMessage('blinker', xmlToModel(el, 'blinker'))),
  feedback: (el) => located(el, validateMessage('feedback', xmlToModel(el, 'feedback'))),
  SubmitFeedbackRequest: (el) => located(el, validateMessage('feedback', xmlToModel(el, 'SubmitFeedbackRequest'))),
  GetBlinkersRequest: (el) => {
    const kbo = schemaValidator('common.schema.json#/$defs/kbo')
    const { cpasKbo } = xmlToModel<{ cpasKbo: string }>(el, 'GetBlinkersRequest')
    return kbo(cpasKbo) ? [] : located(el, toFieldErrors(kbo.errors, '/cpasKbo'))
  },
  GetBlinkersResponse: (el) => {
    const { blinkers } = xmlToModel<{ blinkers: PublishedFields[] }>(el, 'GetBlinkersResponse')
    const elements = el.children.filter((c) => c.name === 'blinker')
    return blinkers.flatMap((b, i) => {
      // status and publishedAt are the XSD's (PublishedBlinker); the rest is a blinker message.
      const { status: _status, publishedAt: _publishedAt, ...message } = b
      return located(elements[i] as ScannedElement, validateMessage('blinker', message), `/blinkers/${i}`)
    })
  },
}

const afterXsd = (element: ScannedElement): FieldError[] => AFTER_XSD[element.name as XmlShape]?.(element) ?? []

function judgeEnvelope(doc: XmlDocument, envelope: ScannedElement, firstPiLine: number | undefined, expected: MessageType | undefined): XmlVerdict {
  const body = envelope.children.find((c) => c.name === 'Body' && c.namespaceUri === SOAP11_ENVELOPE_NS)
  const inner = body?.children.length === 1 ? body.children[0] : undefined
  const known =
    inner !== undefined &&
    ((inner.namespaceUri === SOAP11_ENVELOPE_NS && inner.name === 'Fault') || (inner.namespaceUri === XML_NS && OPERATION_ELEMENTS.has(inner.name)))
  const found = foundOf('envelope', known ? inner.name : undefined)
  if (firstPiLine !== undefined) {
    return { found, errors: [{ line: firstPiLine, message: 'A SOAP message must not contain processing instructions (SOAP 1.1 section 3)' }] }
  }
  if (expected && (!known || CARRIES[inner.name] !== expected)) {
    const what = known ? inner.name : inner ? shown(inner) : 'no single element'
    return { found, errors: [{ line: (inner ?? body ?? envelope).line, message: `the envelope's Body must hold ${EXPECTED_ELEMENTS[expected]} of ${XML_NS}, found ${what}` }] }
  }
  const errors = envelopeXsdErrors(doc)
  // Valid against the envelope schema means the Body holds one known element.
  if (errors.length > 0 || !known || inner.name === 'Fault') return { found, errors }
  return { found, errors: afterXsd(inner) }
}

/**
 * Judges one XML document of any accepted form. `expected` (from `?type=` or `--type`) requires
 * the element found to carry that message type: blinker → `<blinker>`; feedback → `<feedback>` or
 * `<SubmitFeedbackRequest>`, bare or in an envelope. Throws GatewayError GW_ERR_XML_FORBIDDEN or
 * GW_ERR_MALFORMED_XML when the text is not acceptable XML at all.
 */
export function judgeXml(xml: string, expected?: MessageType): XmlVerdict {
  return withXmlDocument(xml, (doc) => {
    // libxml2 has accepted the text; its scanned tree is read instead of the document's nodes.
    const { root, firstPiLine } = scanXml(xml)
    if (root.name === 'Envelope' && root.namespaceUri === SOAP11_ENVELOPE_NS) return judgeEnvelope(doc, root, firstPiLine, expected)
    if (root.name === 'Envelope' && root.namespaceUri === SOAP12_NS) {
      return { errors: [{ line: root.line, message: `SOAP 1.2 envelope; the gateway speaks SOAP 1.1 (namespace ${SOAP11_ENVELOPE_NS})` }] }
    }
    const ours = root.namespaceUri === XML_NS && (MESSAGE_ELEMENTS.has(root.name) || OPERATION_ELEMENTS.has(root.name))
    if (expected && (!ours || CARRIES[root.name] !== expected)) {
      const message = `root element must be ${EXPECTED_ELEMENTS[expected]} in namespace ${XML_NS} (bare or in a SOAP 1.1 envelope), found ${shown(root)}`
      return { ...(ours ? { found: foundOf(MESSAGE_ELEMENTS.has(root.name) ? 'message' : 'operation', root.name) } : {}), errors: [{ line: root.line, message }] }
    }
    if (!ours) {
      const message = `root element must be blinker, feedback or an <Operation>Request/<Operation>Response element of ${XML_NS}, or a SOAP 1.1 Envelope; found ${shown(root)}`
      return { errors: [{ line: root.line, message }] }
    }
    const found = foundOf(MESSAGE_ELEMENTS.has(root.name) ? 'message' : 'operation', root.name)
    const errors = xsdErrors(doc)
    return { found, errors: errors.length > 0 ? errors : afterXsd(root) }
  })
}

/** A few words for people: "<SubmitFeedbackRequest> in a SOAP 1.1 envelope", "bare <blinker> message". */
export function describeFound(found: Found): string {
  if (found.syntax === 'json') return found.element ?? 'message'
  if (found.form === 'envelope') return found.element ? `<${found.element}> in a SOAP 1.1 envelope` : 'SOAP 1.1 envelope without a Body element the gateway knows'
  return found.form === 'operation' ? `bare <${found.element}> element` : `bare <${found.element}> message`
}
