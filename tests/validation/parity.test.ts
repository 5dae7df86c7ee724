/**
 * One set of fixtures, two syntaxes: every NAME.json / NAME.xml pair must get the verdict the
 * manifest states from validateMessage (JSON) and validateXmlMessage (XML), and valid XML must map
 * to exactly the JSON object, and serialize back to XML that maps to it again.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import type { MessageType } from '../../src/validation/validate-message.js'
import { validateMessage } from '../../src/validation/validate-message.js'
import { messageToXmlDocument } from '../../src/validation/xml-mapping.js'
import { readXmlMessage, validateXmlMessage } from '../../src/validation/xml-message.js'

const DIR = resolve(import.meta.dirname, '../fixtures/messages')

interface Fixture {
  name: string
  type: MessageType
  valid: boolean
  about: string
  path?: string
}

const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as { fixtures: Fixture[] }
const read = (file: string) => readFileSync(`${DIR}/${file}`, 'utf8')

t.test('the manifest lists every fixture file, each with both syntaxes', async (t) => {
  const names = new Set(manifest.fixtures.map((f) => f.name))
  t.equal(names.size, manifest.fixtures.length, 'names are unique')
  const files = readdirSync(DIR).filter((f) => f !== 'manifest.json').sort()
  const expected = [...names].flatMap((n) => [`${n}.json`, `${n}.xml`]).sort()
  t.same(files, expected, 'exactly NAME.json + NAME.xml per manifest entry')
  for (const type of ['blinker', 'feedback'] as const) {
    const ofType = manifest.fixtures.filter((f) => f.type === type)
    t.ok(ofType.filter((f) => f.valid).length >= 5, `${type}: at least 5 valid fixtures`)
    t.ok(ofType.filter((f) => !f.valid).length >= 8, `${type}: at least 8 invalid fixtures`)
  }
  t.ok(manifest.fixtures.filter((f) => f.valid).length >= 12, 'at least 12 valid fixtures')
  t.ok(manifest.fixtures.filter((f) => !f.valid).length >= 20, 'at least 20 invalid fixtures')
})

for (const fx of manifest.fixtures) {
  t.test(`${fx.name} (${fx.type}, ${fx.valid ? 'valid' : 'invalid'}): ${fx.about}`, async (t) => {
    const json = JSON.parse(read(`${fx.name}.json`)) as unknown
    const xml = read(`${fx.name}.xml`)
    const jsonErrors = validateMessage(fx.type, json)
    const xmlErrors = validateXmlMessage(fx.type, xml)
    t.equal(jsonErrors.length === 0, fx.valid, `JSON verdict ${JSON.stringify(jsonErrors)}`)
    t.equal(xmlErrors.length === 0, fx.valid, `XML verdict ${JSON.stringify(xmlErrors)}`)
    if (fx.valid) {
      const mapped = readXmlMessage(fx.type, xml)
      t.same(mapped.value, json, 'the XML maps to exactly the JSON object')
      t.strictSame(Object.keys(mapped.value ?? {}), Object.keys(json as object), 'same fields in the same order')
      const again = readXmlMessage(fx.type, messageToXmlDocument(fx.type, json as object))
      t.same(again.errors, [], 'the JSON serialized to XML is valid')
      t.same(again.value, json, 'and maps back to the same object')
    } else {
      t.ok(
        jsonErrors.some((e) => e.path === fx.path),
        `JSON reports ${fx.path} (got ${jsonErrors.map((e) => e.path).join(', ')})`,
      )
      t.ok(
        xmlErrors.every((e) => typeof e.line === 'number' && e.line > 1),
        'every XML error carries the line of the offending element',
      )
    }
  })
}

t.test('the documented differences between the syntaxes (manifest `about`)', async (t) => {
  const json = JSON.parse(read('feedback-minimal.json')) as Record<string, unknown>
  const xml = read('feedback-minimal.xml')

  const reordered = Object.fromEntries(Object.entries(json).reverse())
  t.same(validateMessage('feedback', reordered), [], 'JSON: key order is free')
  const swapped = xml.replace(/(<blinkerId>.*<\/blinkerId>)(\s*)(<cpasKbo>.*<\/cpasKbo>)/, '$3$2$1')
  t.not(swapped, xml)
  t.match(validateXmlMessage('feedback', swapped), [{ line: 4, message: /cpasKbo.*not expected/ }], 'XML: element order is the XSD sequence')

  const spaced = xml.replace('<code>2</code>', '<code> 2 </code>').replace(/<sentAt>(.*)<\/sentAt>/, '<sentAt>\n    $1\n  </sentAt>')
  const trimmed = readXmlMessage('feedback', spaced)
  t.same(trimmed.errors, [], 'XML: whitespace around integers and instants collapses')
  t.same(trimmed.value, json, 'and is trimmed away in the model')
  t.not(validateMessage('feedback', { ...json, sentAt: ` ${String(json.sentAt)}` }).length, 0, 'JSON: the same whitespace is an error')

  // A standalone document may hold comments, PIs and CDATA between and inside fields (SOAP may
  // not hold PIs: tests/ingress/soap.test.ts); the model is the same.
  const decorated = xml
    .replace('<blinkerId>', '<?editor note?><!-- the blinker --><blinkerId>')
    .replace(/<cpasKbo>(\d{4})/, '<cpasKbo><![CDATA[$1]]><?x?>')
  t.not(decorated, xml)
  t.same(readXmlMessage('feedback', decorated), { errors: [], value: json }, 'XML: PIs, comments and CDATA leave the model unchanged')
})
