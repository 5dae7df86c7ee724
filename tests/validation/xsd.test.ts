/**
 * The published XSD and WSDL: a second XSD engine (xmllint, when installed) agrees on the valid
 * fixtures; the WSDL embeds exactly the XSD; enums, patterns and limits are those of the JSON
 * Schemas and the model, so the two syntaxes cannot drift apart unnoticed.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { XmlDocument, type XmlElement } from 'libxml2-wasm'
import t from 'tap'
import { BLINKER_STATUSES, FEEDBACK_STATUSES, FLOWS, FORM_TYPES, REGIMES } from '../../src/domain/model.js'
import { SOAP_ACTION_PREFIX, SOAP_OPERATIONS } from '../../src/ingress/soap/operations.js'
import { WSDL_ADDRESS_PLACEHOLDER, WSDL_FILE } from '../../src/ingress/soap/wsdl.js'
import { XML_SHAPES, xmlShapeFields } from '../../src/validation/xml-mapping.js'
import { XSD_FILE } from '../../src/validation/xsd-validator.js'

const ROOT = resolve(import.meta.dirname, '../..')
const FIXTURES = resolve(ROOT, 'tests/fixtures/messages')
const XS = { xs: 'http://www.w3.org/2001/XMLSchema' }
const WSDL_NS = { wsdl: 'http://schemas.xmlsoap.org/wsdl/', soap: 'http://schemas.xmlsoap.org/wsdl/soap/', xs: XS.xs }

const xsdText = readFileSync(XSD_FILE, 'utf8')
const wsdlText = readFileSync(WSDL_FILE, 'utf8')
const common = JSON.parse(readFileSync(resolve(ROOT, 'schemas/common.schema.json'), 'utf8')) as {
  $defs: Record<string, { pattern?: string; enum?: string[]; minimum?: number; maximum?: number }>
}
const jsonSchema = (file: string) =>
  JSON.parse(readFileSync(resolve(ROOT, 'schemas', file), 'utf8')) as { properties: Record<string, { properties?: Record<string, { minLength?: number; maxLength?: number }>; minLength?: number; maxLength?: number }> }

function withDoc<T>(text: string, use: (doc: XmlDocument) => T): T {
  const doc = XmlDocument.fromString(text)
  try {
    return use(doc)
  } finally {
    doc.dispose()
  }
}

const facet = (doc: XmlDocument, type: string, name: string): string[] =>
  doc.find(`/xs:schema/xs:simpleType[@name='${type}']/xs:restriction/xs:${name}/@value`, XS).map((a) => a.content)

t.test('xmllint agrees that every valid XML fixture matches the XSD', async (t) => {
  const manifest = JSON.parse(readFileSync(`${FIXTURES}/manifest.json`, 'utf8')) as { fixtures: { name: string; valid: boolean }[] }
  const files = manifest.fixtures.filter((f) => f.valid).map((f) => `${FIXTURES}/${f.name}.xml`)
  t.ok(files.length >= 12, 'at least 12 valid fixtures')
  const version = spawnSync('xmllint', ['--version'], { encoding: 'utf8' })
  if (version.error) {
    t.comment('xmllint is not installed (apt-get install libxml2-utils): second-engine check not run')
    return
  }
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD_FILE, ...files], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  t.equal(run.stderr.match(/ validates$/gm)?.length, files.length, 'each file validates')
})

t.test('the WSDL embeds the XSD verbatim (node scripts/sync-wsdl.js)', async (t) => {
  const schema = xsdText.slice(xsdText.indexOf('<xs:schema')).trim()
  const begin = wsdlText.indexOf('<!-- BEGIN schemas/blinker-gateway.xsd')
  const end = wsdlText.indexOf('<!-- END schemas/blinker-gateway.xsd -->')
  t.ok(begin > 0 && end > begin, 'markers present')
  const embedded = wsdlText.slice(wsdlText.indexOf('\n', begin) + 1, end).trim()
  t.equal(embedded, schema, 'embedded schema differs from schemas/blinker-gateway.xsd: run node scripts/sync-wsdl.js')
})

t.test('the WSDL: four document/literal operations, their actions, elements and a placeholder address', async (t) => {
  withDoc(wsdlText, (doc) => {
    const ops = doc.find('/wsdl:definitions/wsdl:binding/wsdl:operation', WSDL_NS) as XmlElement[]
    t.same(ops.map((o) => o.attr('name')?.value), [...SOAP_OPERATIONS])
    for (const op of ops) {
      const name = op.attr('name')?.value ?? ''
      t.equal(doc.get(`/wsdl:definitions/wsdl:binding/wsdl:operation[@name='${name}']/soap:operation/@soapAction`, WSDL_NS)?.content, `${SOAP_ACTION_PREFIX}${name}`)
      for (const dir of ['Request', 'Response']) {
        const element = doc.get(`/wsdl:definitions/wsdl:message[@name='${name}${dir}']/wsdl:part/@element`, WSDL_NS)?.content
        t.equal(element, `gw:${name}${dir}`, `${name}${dir} message part`)
        t.ok(doc.get(`//xs:schema/xs:element[@name='${name}${dir}']`, WSDL_NS), `element ${name}${dir} declared`)
      }
    }
    t.equal(doc.find('//soap:body[@use="literal"]', WSDL_NS).length, 8, 'every input and output is literal')
    t.equal(doc.get('//soap:binding/@style', WSDL_NS)?.content, 'document')
    t.equal(doc.get('//soap:address/@location', WSDL_NS)?.content, WSDL_ADDRESS_PLACEHOLDER)
  })
})

t.test('XSD enumerations are the model constants', async (t) => {
  withDoc(xsdText, (doc) => {
    t.same(facet(doc, 'Regime', 'enumeration'), [...REGIMES])
    t.same(facet(doc, 'FormType', 'enumeration'), [...FORM_TYPES])
    t.same(facet(doc, 'Flow', 'enumeration'), [...FLOWS])
    t.same(facet(doc, 'BlinkerStatus', 'enumeration'), [...BLINKER_STATUSES])
    t.same(facet(doc, 'FeedbackStatus', 'enumeration'), [...FEEDBACK_STATUSES])
    t.same(common.$defs.flow?.enum, [...FLOWS], 'and so are the JSON Schema enums')
  })
})

t.test('XSD patterns, ranges and lengths are those of the JSON Schemas', async (t) => {
  withDoc(xsdText, (doc) => {
    const anchored = (type: string) => `^${facet(doc, type, 'pattern')[0]}$`
    t.equal(anchored('Kbo'), common.$defs.kbo?.pattern)
    t.equal(anchored('Niss'), common.$defs.niss?.pattern)
    t.equal(anchored('BlinkerId'), common.$defs.blinkerId?.pattern)
    t.equal(anchored('MessageId'), common.$defs.messageId?.pattern)
    t.equal(anchored('Date'), common.$defs.date?.pattern)
    t.equal(anchored('Instant'), common.$defs.instant?.pattern)
    t.same([facet(doc, 'AmountCents', 'minInclusive'), facet(doc, 'AmountCents', 'maxInclusive')].map(Number), [common.$defs.amountCents?.minimum, common.$defs.amountCents?.maximum])
    t.same([facet(doc, 'FeedbackCode', 'minInclusive'), facet(doc, 'FeedbackCode', 'maxInclusive')].map(Number), [common.$defs.feedbackCode?.minimum, common.$defs.feedbackCode?.maximum])
    const lengths = (type: string) => [facet(doc, type, 'minLength'), facet(doc, type, 'maxLength')].map(Number)
    const blinker = jsonSchema('blinker.schema.json').properties
    const feedback = jsonSchema('feedback.schema.json').properties
    t.same(lengths('Description'), [blinker.finding?.properties?.description?.minLength, blinker.finding?.properties?.description?.maxLength])
    t.same(lengths('Reference'), [blinker.form?.properties?.reference?.minLength, blinker.form?.properties?.reference?.maxLength])
    t.same(lengths('Comment'), [feedback.comment?.minLength, feedback.comment?.maxLength])
    t.same(lengths('Name'), [(common.$defs.name as { minLength?: number }).minLength, (common.$defs.name as { maxLength?: number }).maxLength])
  })
})

t.test('XSD sequences follow the JSON field order', async (t) => {
  withDoc(xsdText, (doc) => {
    const sequence = (type: string) => doc.find(`/xs:schema/xs:complexType[@name='${type}']/xs:sequence/xs:element/@name`, XS).map((a) => a.content)
    const props = (file: string) => Object.keys(jsonSchema(file).properties)
    t.same(sequence('Blinker'), props('blinker.schema.json'))
    t.same(sequence('Feedback'), props('feedback.schema.json'))
    t.same(sequence('Receipt'), props('receipt.schema.json'))
    const blinker = jsonSchema('blinker.schema.json').properties
    t.same(sequence('Beneficiary'), Object.keys(blinker.beneficiary?.properties ?? {}))
    t.same(sequence('SubsidyForm'), Object.keys(blinker.form?.properties ?? {}))
    t.same(sequence('Finding'), Object.keys(blinker.finding?.properties ?? {}))
    const extension = doc.find("/xs:schema/xs:complexType[@name='PublishedBlinker']//xs:extension/xs:sequence/xs:element/@name", XS).map((a) => a.content)
    t.same([...sequence('Blinker'), ...extension], props('published-blinker.schema.json').filter((p) => p !== 'history'), 'PublishedBlinker = Blinker + status, publishedAt')
  })
})

t.test('the XML mapping tables name the XSD elements in XSD order', async (t) => {
  withDoc(xsdText, (doc) => {
    const sequence = (type: string) => doc.find(`/xs:schema/xs:complexType[@name='${type}']//xs:sequence/xs:element/@name`, XS).map((a) => a.content)
    const element = (name: string) => {
      const type = doc.get(`/xs:schema/xs:element[@name='${name}']/@type`, XS)?.content
      return type ? sequence(type.replace(/^gw:/, '')) : doc.find(`/xs:schema/xs:element[@name='${name}']/xs:complexType/xs:sequence/xs:element/@name`, XS).map((a) => a.content)
    }
    const xsdNames: Record<string, string[]> = {
      // The mapping reads and writes both Blinker and PublishedBlinker (= Blinker + extension).
      blinker: [...sequence('Blinker'), ...sequence('PublishedBlinker')],
      beneficiary: sequence('Beneficiary'),
      form: sequence('SubsidyForm'),
      finding: sequence('Finding'),
      receipt: sequence('Receipt'),
      fieldError: sequence('FieldError'),
    }
    for (const shape of XML_SHAPES) {
      const expected = xsdNames[shape] ?? element(shape)
      t.ok(expected.length > 0, `${shape} found in the XSD`)
      t.same(xmlShapeFields(shape), expected, shape)
    }
  })
})
