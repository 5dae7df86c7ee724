/**
 * schemas/examples/: every file is listed in index.json, every JSON sample is valid against the
 * schema named there, every SOAP sample is an envelope whose body element (or Fault detail) is
 * valid against the published XSD, and every listed REST operation is a route of the gateway.
 */
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { SOAP_OPERATIONS } from '../../src/ingress/soap/operations.js'
import { schemaValidator, toFieldErrors } from '../../src/validation/json-schemas.js'
import { childElements, withXmlDocument, xsdErrors } from '../../src/validation/xsd-validator.js'
import { startGateway } from '../helpers/gateway.js'

const DIR = 'schemas/examples'
interface Example {
  file: string
  schema?: string
  element?: string
}
interface Manifest {
  operations: { operation: string; examples: Example[]; noBody?: string }[]
}
const manifest = JSON.parse(readFileSync(`${DIR}/index.json`, 'utf8')) as Manifest
const listed = new Set(manifest.operations.flatMap((o) => o.examples.map((e) => e.file)))

t.test('every file is listed, every listed file exists', async (t) => {
  const onDisk = ['rest', 'soap'].flatMap((d) => readdirSync(`${DIR}/${d}`).map((f) => `${d}/${f}`)).sort()
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
    for (const e of op.examples.filter((x) => x.element)) {
      const xml = readFileSync(`${DIR}/${e.file}`, 'utf8')
      const { name, errors } = withXmlDocument(xml, (doc) => {
        t.equal(doc.root.name, 'Envelope', `${e.file} is a SOAP envelope`)
        const body = childElements(doc.root).find((c) => c.name === 'Body')
        let element = body && childElements(body)[0]
        if (element?.name === 'Fault') element = childElements(childElements(element).find((c) => c.name === 'detail') ?? element)[0]
        return { name: element?.name, errors: element ? xsdErrors(element) : [{ message: 'empty body' }] }
      })
      t.equal(name, e.element, `${e.file}: <${e.element}>`)
      t.same(errors, [], `${e.file} is valid against blinker-gateway.xsd`)
    }
  }
})

t.test('every operation of the contract has samples, and is a real route', async (t) => {
  const ops = new Set(manifest.operations.map((o) => o.operation))
  for (const name of SOAP_OPERATIONS) t.ok(ops.has(`SOAP ${name}`), `SOAP ${name}`)
  for (const op of ['POST /v1/blinkers', 'GET /v1/cpas/{kbo}/blinkers', 'POST /v1/feedback', 'GET /v1/feedback/{messageId}', 'POST /v1/decisions', 'PUT /v1/subscriptions/self']) t.ok(ops.has(op), op)
  const gw = await startGateway(t)
  for (const op of manifest.operations.filter((o) => !o.operation.startsWith('SOAP'))) {
    const [method, path] = op.operation.split(' ') as [string, string]
    const url = `/acceptance${path.replace(/\{(\w+)\}/g, ':$1')}`
    t.ok(gw.app.hasRoute({ method: method as 'GET', url }), `${method} ${url} is a route`)
    t.ok(op.examples.length > 0 || op.noBody, `${op.operation} has samples or says why not`)
  }
})
