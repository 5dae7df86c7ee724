/**
 * schemas/examples/: every file is listed in index.json, every JSON sample is valid against the
 * schema named there, every XML sample is judged valid by the gateway's own XML judge (the one of
 * POST /validate) as the form the index says (an envelope in soap/, a bare message or operation
 * element in xml/) with the element it names, every SOAP envelope's body element (or Fault detail)
 * is valid against blinker-gateway.xsd, every SOAP operation has a bare request element, and every
 * listed REST operation is a route of the gateway. xmllint's verdicts: xmllint.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { SOAP_OPERATIONS } from '../../src/ingress/soap/operations.js'
import { schemaValidator, toFieldErrors } from '../../src/validation/json-schemas.js'
import { judgeXml } from '../../src/validation/xml-judge.js'
import { childElements, withXmlDocument, xsdErrors } from '../../src/validation/xsd-validator.js'
import { startGateway } from '../helpers/gateway.js'

const DIR = 'schemas/examples'
interface Example {
  file: string
  schema?: string
  element?: string
  detail?: string
  xsd?: string
}
interface Manifest {
  operations: { operation: string; examples: Example[]; noBody?: string }[]
}
const manifest = JSON.parse(readFileSync(`${DIR}/index.json`, 'utf8')) as Manifest
const listed = new Set(manifest.operations.flatMap((o) => o.examples.map((e) => e.file)))

t.test('every file is listed, every listed file exists', async (t) => {
  const onDisk = ['rest', 'soap', 'xml'].flatMap((d) => readdirSync(`${DIR}/${d}`).map((f) => `${d}/${f}`)).sort()
  t.same([...listed].sort(), onDisk)
})

t.test('JSON samples are valid against their schemas', async (t) => {
  for (const op of manifest.operations) {
    for (const e of op.examples.filter((x) => x.schema)) {
      const validate = schemaValidator(e.schema as string)
      const ok = validate(JSON.parse(readFileSync(`${DIR}/${e.file}`, 'utf8')))
      t.ok(ok, `${op.operation}: ${e.file} against ${e.schema} ${JSON.stringify(toFieldErrors(validate.errors))}`)
    }
  }
})

t.test('SOAP samples: envelopes whose body is valid against the XSD', async (t) => {
  for (const op of manifest.operations) {
    for (const e of op.examples.filter((x) => x.element && x.file.startsWith('soap/'))) {
      const xml = readFileSync(`${DIR}/${e.file}`, 'utf8')
      const { name, errors } = withXmlDocument(xml, (doc) => {
        t.equal(doc.root.name, 'Envelope', `${e.file} is a SOAP envelope`)
        const body = childElements(doc.root).find((c) => c.name === 'Body')
        let element = body && childElements(body)[0]
        if (element?.name === 'Fault') element = childElements(childElements(element).find((c) => c.name === 'detail') ?? element)[0]
        return { name: element?.name, errors: element ? xsdErrors(element) : [{ message: 'empty body' }] }
      })
      t.equal(name, e.detail ?? e.element, `${e.file}: <${e.detail ?? e.element}>`)
      t.same(errors, [], `${e.file} is valid against blinker-gateway.xsd`)
    }
  }
})

t.test('XML samples: the gateway\'s judge finds what the index says, and no problem', async (t) => {
  const xml = manifest.operations.flatMap((o) => o.examples).filter((e) => e.file.endsWith('.xml'))
  t.ok(xml.length >= 16, 'ten envelopes, six bare elements')
  for (const e of xml) {
    const envelope = e.file.startsWith('soap/')
    t.equal(e.xsd, envelope ? 'soap-envelope.xsd' : 'blinker-gateway.xsd', `${e.file}: the xsd that validates it`)
    const { found, errors } = judgeXml(readFileSync(`${DIR}/${e.file}`, 'utf8'))
    const form = envelope ? 'envelope' : ['blinker', 'feedback'].includes(e.element as string) ? 'message' : 'operation'
    t.match(found, { syntax: 'xml', form, element: e.element }, `${e.file}: ${form} <${e.element}>`)
    t.same(errors, [], `${e.file} is valid`)
  }
  const bare = new Set(xml.filter((e) => e.file.startsWith('xml/')).map((e) => e.element))
  for (const name of SOAP_OPERATIONS) t.ok(bare.has(`${name}Request`), `a bare ${name}Request`)
  for (const name of ['blinker', 'feedback']) t.ok(bare.has(name), `a bare ${name}`)
})

t.test('every operation of the contract has samples, and is a real route', async (t) => {
  const ops = new Set(manifest.operations.map((o) => o.operation))
  for (const name of SOAP_OPERATIONS) t.ok(ops.has(`SOAP ${name}`), `SOAP ${name}`)
  for (const op of ['POST /v1/blinkers', 'GET /v1/cpas/{kbo}/blinkers', 'POST /v1/feedback', 'GET /v1/feedback/{messageId}', 'POST /v1/decisions', 'PUT /v1/subscriptions/self']) t.ok(ops.has(op), op)
  const gw = await startGateway(t)
  // REST operations are `METHOD /path`; the others are SOAP operations and the XML message files.
  for (const op of manifest.operations.filter((o) => /^(GET|POST|PUT|PATCH|DELETE) \//.test(o.operation))) {
    const [method, path] = op.operation.split(' ') as [string, string]
    const url = `/acceptance${path.replace(/\{(\w+)\}/g, ':$1')}`
    t.ok(gw.app.hasRoute({ method: method as 'GET', url }), `${method} ${url} is a route`)
    t.ok(op.examples.length > 0 || op.noBody, `${op.operation} has samples or says why not`)
  }
})
