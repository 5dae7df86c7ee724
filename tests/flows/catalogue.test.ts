/**
 * The flow catalogue (GET /schemas/flows.json): every flow, three languages, the provisional flags
 * and sources of the three flows the seed announces; the labels are the i18n catalogues' texts;
 * and the message schemas carry a provisional flow without a new version while every v1 flow keeps
 * its named v1 type (JSON Schema `flow`, XSD gw:Flow).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { FLOWS } from '../../src/domain/model.js'
import { CATALOGUE_FLOWS, catalogueEntry, isCatalogueFlow } from '../../src/flows/flow-catalogue.js'
import { schemaValidator } from '../../src/validation/json-schemas.js'
import { validateMessage } from '../../src/validation/validate-message.js'
import { messageToXmlDocument } from '../../src/validation/xml-mapping.js'
import { readXmlMessage, validateXmlMessage } from '../../src/validation/xml-message.js'
import { blinker } from '../helpers/blinkers.js'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const LANGS = ['fr', 'nl', 'en'] as const
/** The i18n catalogues, read as files (not through the code under test). */
const texts = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(resolve(ROOT, `src/i18n/${l}.json`), 'utf8')) as { flows: Record<string, string> }]))

/** What the seed announces (section 6, "Ajouter de nouveaux flux"), written out independently. */
const ANNOUNCED = [
  { code: 'DETENTION', source: 'FPS_JUSTICE', sourceFr: 'SPF Justice' },
  { code: 'WORK_INCAPACITY', source: 'MUTUAL_INSURERS', sourceFr: 'Mutualités' },
  { code: 'GUARANTORS', source: 'FPS_FOREIGN_AFFAIRS', sourceFr: 'SPF Affaires étrangères' },
]

interface Served {
  version: string
  flows: { code: string; status: string; since: string; labels: Record<string, string>; source: { id: string; labels: Record<string, string> } }[]
}

t.test('GET /schemas/flows.json: every flow, its status, source and labels in three languages', async (t) => {
  const gw = await startGateway(t)
  const res = await gw.app.inject({ method: 'GET', url: '/schemas/flows.json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const doc = res.json() as Served
  t.ok(schemaValidator('flows.schema.json')(doc), 'the document matches schemas/flows.schema.json')
  t.match(doc.version, /^\d{4}-\d{2}-\d{2}$/, 'the catalogue carries its version')

  t.same(doc.flows.map((f) => f.code), [...FLOWS, ...ANNOUNCED.map((a) => a.code)], 'the eight v1 flows, then the three announced ones')
  for (const f of doc.flows.slice(0, 8)) t.match(f, { status: 'active', since: 'v1' }, `${f.code} is active since v1`)
  for (const a of ANNOUNCED) {
    const f = doc.flows.find((x) => x.code === a.code)
    t.match(f, { status: 'provisional', since: doc.version, source: { id: a.source } }, `${a.code}: provisional, from ${a.source}`)
    t.match(f?.source.labels.fr, a.sourceFr)
  }
  t.equal(doc.flows.filter((f) => f.status === 'provisional').length, 3, 'exactly three provisional flows')

  for (const f of doc.flows) {
    for (const l of LANGS) {
      t.equal(f.labels[l], texts[l]?.flows[f.code], `${f.code} ${l}: the label is the i18n text`)
      t.ok(f.source.labels[l], `${f.code} ${l}: the source is named`)
    }
    t.not(f.labels.nl, f.labels.fr, `${f.code}: Dutch differs from French`)
  }
  for (const l of LANGS) t.same(Object.keys(texts[l]?.flows ?? {}).sort(), doc.flows.map((f) => f.code).sort(), `${l}: the i18n flows namespace names exactly the catalogue's flows`)

  const index = (await gw.app.inject({ method: 'GET', url: '/schemas/' })).json() as { files: { name: string; href: string }[] }
  t.match(index.files, [], 'the index')
  t.ok(index.files.some((f) => f.name === 'flows.json' && f.href === '/schemas/flows.json'), 'the index lists flows.json')
  t.ok(index.files.some((f) => f.name === 'flows.schema.json'), 'and its schema')
})

t.test('the module reads the same catalogue', async (t) => {
  const file = JSON.parse(readFileSync(resolve(ROOT, 'schemas/flows.json'), 'utf8')) as Served
  t.same(CATALOGUE_FLOWS, file.flows.map((f) => f.code))
  t.ok(isCatalogueFlow('DETENTION'))
  t.notOk(isCatalogueFlow('SALARY'))
  t.notOk(isCatalogueFlow('detention'))
  t.equal(catalogueEntry('GUARANTORS')?.source.id, 'FPS_FOREIGN_AFFAIRS')
})

t.test('the schemas: a provisional flow travels in v1 messages; the v1 types stay', async (t) => {
  const common = JSON.parse(readFileSync(resolve(ROOT, 'schemas/common.schema.json'), 'utf8')) as { $defs: Record<string, { enum?: string[]; pattern?: string }> }
  const xsd = readFileSync(resolve(ROOT, 'schemas/blinker-gateway.xsd'), 'utf8')
  const wsdl = readFileSync(resolve(ROOT, 'wsdl/blinker-gateway.wsdl'), 'utf8')
  t.same(common.$defs.flow?.enum, [...FLOWS], 'JSON Schema: the v1 enum is kept as it was')
  t.match(xsd, /<xs:element name="flow" type="gw:CatalogueFlow"\/>/, 'XSD: the blinker\'s flow element takes a catalogue code')
  const xsdPattern = /<xs:simpleType name="CatalogueFlow">\s*<xs:restriction base="xs:string">\s*<xs:pattern value="([^"]+)"\/>/.exec(xsd)?.[1]
  t.equal(`^${xsdPattern}$`, common.$defs.catalogueFlow?.pattern, 'the XSD pattern is the JSON Schema one')
  t.match(wsdl, /<xs:simpleType name="CatalogueFlow">/, 'the WSDL embeds the new type')

  for (const flow of [...FLOWS, 'DETENTION', 'WORK_INCAPACITY', 'GUARANTORS']) {
    const b = blinker(undefined, { flow: flow as (typeof FLOWS)[number] })
    t.same(validateMessage('blinker', b), [], `${flow}: valid JSON`)
    const xml = messageToXmlDocument('blinker', b)
    t.same(validateXmlMessage('blinker', xml), [], `${flow}: valid XML`)
    t.equal((readXmlMessage('blinker', xml).value as { flow?: string } | undefined)?.flow, flow, `${flow}: the XML maps back`)
  }
  for (const bad of ['salary', 'WORK-INCOME', 'X', `A${'B'.repeat(40)}`]) {
    const b = blinker(undefined, { flow: bad as (typeof FLOWS)[number] })
    t.match(validateMessage('blinker', b), [{ path: '/flow' }], `${bad}: not a code, refused by the JSON Schema`)
    t.not(validateXmlMessage('blinker', messageToXmlDocument('blinker', b)).length, 0, `${bad}: refused by the XSD`)
  }
})
