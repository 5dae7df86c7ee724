/**
 * A plain-object element tree read straight from XML text that libxml2 has already parsed.
 *
 * Why: walking a libxml2-wasm document costs one or more WASM calls and a UTF-8 decode per node
 * and per property (name, namespace, content, next sibling). That was a third of a SOAP
 * SubmitFeedback's CPU (BENCHMARKS.md); this scan of the same text costs a few microseconds.
 * libxml2 stays the judge: it parses (well-formedness) and validates (XSD) first, and this scanner
 * only ever reads text it accepted, so it does not check well-formedness itself. The safety gate
 * has refused DTDs, so the only references are the five predefined entities and character
 * references. tests/validation/xml-scan.test.ts holds it to libxml2's own tree (names,
 * namespaces, lines, text) over generated documents.
 */

export interface ScannedElement {
  /** Local name (without prefix). */
  name: string
  /** Namespace URI, '' when the element is in no namespace. */
  namespaceUri: string
  /** Line of the start tag's closing `>`, as libxml2 numbers it (its `line` property). */
  line: number
  /** Element children in document order. */
  children: ScannedElement[]
  /**
   * Character data directly inside the element (text and CDATA, comments and PIs left out), line
   * ends normalized and references decoded: the `content` of a leaf element.
   */
  text: string
}

export interface ScannedDocument {
  root: ScannedElement
  /**
   * Line of the first processing instruction (the XML declaration is not one), undefined when
   * there is none. SOAP 1.1 forbids them, and libxml2-wasm cannot step past one when walking its
   * tree, so a DOM walk would silently miss the siblings after it.
   */
  firstPiLine: number | undefined
}

const XML_PREFIX_NS = 'http://www.w3.org/XML/1998/namespace'

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g
const LINE_END = /\r\n?/g

function decodeReference(_match: string, ref: string): string {
  if (ref.charCodeAt(0) !== 35 /* # */) return PREDEFINED[ref] ?? ''
  return String.fromCodePoint(ref.charCodeAt(1) === 120 /* x */ ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10))
}

/** Character data as the parser reports it: \r\n and \r become \n, then references are decoded. */
function charData(raw: string): string {
  const normalized = raw.includes('\r') ? raw.replace(LINE_END, '\n') : raw
  return normalized.includes('&') ? normalized.replace(REFERENCE, decodeReference) : normalized
}

/** An attribute value after normalization (XML 1.0 section 3.3.3, CDATA attributes). */
const attributeValue = (raw: string): string => charData(raw.replace(LINE_END, ' ').replace(/[\t\n]/g, ' '))

// Sticky patterns for the inside of a start tag.
const TAG_NAME = /[^\s/>]+/y
const ATTRIBUTE = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y
const TAG_END = /\s*(\/?)>/y

type Namespaces = Record<string, string>

interface Open {
  element: ScannedElement
  namespaces: Namespaces
}

// `<?xml` then a space or `?`: the declaration (libxml2 accepts it only at the very start).
const DECLARATION = /<\?xml[\s?]/y

/**
 * The element tree of `xml`, which must be text libxml2 parsed without error (the caller parses
 * first). Throws only if that contract is broken.
 */
export function scanXml(xml: string): ScannedDocument {
  const stack: Open[] = []
  let root: ScannedElement | undefined
  let firstPiLine: number | undefined
  let namespaces: Namespaces = { xml: XML_PREFIX_NS, '': '' }
  let line = 1
  let counted = 0
  // Lines up to `index`, from where the last count stopped. libxml2 counts \n only (a lone \r
  // ends a line in the content it reports, not in its line numbers).
  const lineAt = (index: number): number => {
    for (let i = counted; i < index; i++) if (xml.charCodeAt(i) === 10) line++
    counted = index
    return line
  }
  const text = (s: string) => {
    const top = stack[stack.length - 1]
    if (top) top.element.text += s
  }

  let pos = 0
  for (;;) {
    const lt = xml.indexOf('<', pos)
    if (lt < 0) break
    if (lt > pos && stack.length > 0) text(charData(xml.slice(pos, lt)))
    const next = xml.charCodeAt(lt + 1)
    if (next === 33 /* ! */) {
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9)
        const raw = xml.slice(lt + 9, end)
        text(raw.includes('\r') ? raw.replace(LINE_END, '\n') : raw)
        pos = end + 3
      } else {
        pos = xml.indexOf('-->', lt + 4) + 3
      }
    } else if (next === 63 /* ? */) {
      DECLARATION.lastIndex = lt
      if (firstPiLine === undefined && !DECLARATION.test(xml)) firstPiLine = lineAt(lt)
      pos = xml.indexOf('?>', lt + 2) + 2
    } else if (next === 47 /* / */) {
      stack.pop()
      namespaces = stack[stack.length - 1]?.namespaces ?? namespaces
      pos = xml.indexOf('>', lt + 2) + 1
    } else {
      pos = startTag(lt + 1)
    }
  }
  if (!root) throw new Error('xml-scan: no root element (the text was not parsed first)')
  return { root, firstPiLine }

  function startTag(from: number): number {
    TAG_NAME.lastIndex = from
    const qname = TAG_NAME.exec(xml)?.[0] ?? ''
    let at = from + qname.length
    let declared: Namespaces | undefined
    for (;;) {
      ATTRIBUTE.lastIndex = at
      const attr = ATTRIBUTE.exec(xml)
      if (!attr) break
      at = ATTRIBUTE.lastIndex
      const attrName = attr[1] as string
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        declared ??= Object.create(namespaces) as Namespaces
        declared[attrName === 'xmlns' ? '' : attrName.slice(6)] = attributeValue(attr[2] ?? attr[3] ?? '')
      }
    }
    TAG_END.lastIndex = at
    const end = TAG_END.exec(xml)
    if (!end) throw new Error(`xml-scan: unterminated start tag at offset ${from}`)
    const scope = declared ?? namespaces
    const colon = qname.indexOf(':')
    const element: ScannedElement = {
      name: colon < 0 ? qname : qname.slice(colon + 1),
      namespaceUri: scope[colon < 0 ? '' : qname.slice(0, colon)] ?? '',
      line: lineAt(TAG_END.lastIndex - 1),
      children: [],
      text: '',
    }
    const parent = stack[stack.length - 1]
    if (parent) parent.element.children.push(element)
    else root ??= element
    if (end[1] !== '/') {
      stack.push({ element, namespaces: scope })
      namespaces = scope
    }
    return TAG_END.lastIndex
  }
}
