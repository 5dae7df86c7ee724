/**
 * Standard tools accept every published XML example: `xmllint --noout --nonet --schema` (Debian's
 * libxml2-utils, installed by scripts/ensure-xmllint.sh when missing) with the XSD the index
 * names — soap-envelope.xsd for the envelopes, blinker-gateway.xsd for bare messages and operation
 * elements — and with the copies a live gateway serves at /schemas/ (the import resolves next to
 * them). On documents changed in one place, xmllint and the gateway's judge (POST /validate) agree,
 * refusals and SOAP 1.1's laxness alike; only the mod-97 check digits are the gateway's alone.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { judgeXml } from '../../src/validation/xml-judge.js'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const DIR = resolve(ROOT, 'schemas/examples')
const XMLLINT = process.env.XMLLINT_PATH ?? '/usr/bin/xmllint'

interface Example {
  file: string
  element?: string
  xsd?: string
}
const manifest = JSON.parse(readFileSync(`${DIR}/index.json`, 'utf8')) as { operations: { examples: Example[] }[] }
const xmlExamples = manifest.operations.flatMap((o) => o.examples).filter((e) => e.file.endsWith('.xml'))

function xmllint(schema: string, file: string): { status: number | null; stderr: string } {
  const r = spawnSync(XMLLINT, ['--noout', '--nonet', '--schema', schema, file], { encoding: 'utf8', timeout: 20_000 })
  return { status: r.status, stderr: r.stderr }
}

t.before(() => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-xmllint.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
})

t.test('xmllint validates every published XML example with the XSD the index names', async (t) => {
  t.ok(xmlExamples.length >= 16, `${xmlExamples.length} XML examples`)
  for (const e of xmlExamples) {
    const file = `${DIR}/${e.file}`
    const r = xmllint(resolve(ROOT, 'schemas', e.xsd as string), file)
    t.equal(r.status, 0, `${e.file} with ${e.xsd}: ${r.stderr}`)
    t.match(r.stderr, `${file} validates`, e.file)
  }
})

t.test('the files a live gateway serves validate on their own', async (t) => {
  const gw = await startGateway(t)
  const dir = t.testdir({})
  for (const name of ['soap-envelope.xsd', 'blinker-gateway.xsd']) {
    const res = await gw.app.inject({ method: 'GET', url: `/schemas/${name}` })
    t.equal(res.statusCode, 200, `GET /schemas/${name}`)
    writeFileSync(`${dir}/${name}`, res.body)
  }
  for (const e of xmlExamples) {
    const r = xmllint(`${dir}/${e.xsd}`, `${DIR}/${e.file}`)
    t.equal(r.status, 0, `${e.file} against the served ${e.xsd}: ${r.stderr}`)
  }
})

t.test('xmllint and the gateway agree on changed documents', async (t) => {
  const dir = t.testdir({})
  const envelope = readFileSync(`${DIR}/soap/SubmitFeedback.request.xml`, 'utf8')
  const fault = readFileSync(`${DIR}/soap/SubmitFeedback.fault.response.xml`, 'utf8')
  const bare = readFileSync(`${DIR}/xml/GetBlinkersRequest.xml`, 'utf8')
  const feedbackElement = readFileSync(`${DIR}/xml/feedback.xml`, 'utf8').replace(/^<\?xml[^>]*>\n<!--[^>]*>\n/, '')
  const wsse = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'
  const cases: { name: string; xml: string; xsd: string; valid: boolean }[] = [
    { name: 'two Bodies', xml: envelope.replace('</soapenv:Body>', '</soapenv:Body><soapenv:Body/>'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'an element after the Body', xml: envelope.replace('</soapenv:Body>', '</soapenv:Body><x:trailer xmlns:x="urn:x"/>'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'Header after the Body', xml: envelope.replace('</soapenv:Body>', '</soapenv:Body><soapenv:Header/>'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'an empty Body', xml: envelope.replace(/<gw:SubmitFeedbackRequest>[\s\S]*<\/gw:SubmitFeedbackRequest>/, ''), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'a bare message in the Body', xml: envelope.replace(/<gw:SubmitFeedbackRequest>[\s\S]*<\/gw:SubmitFeedbackRequest>/, feedbackElement), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'an unknown gw element in the Body', xml: envelope.replaceAll('SubmitFeedbackRequest', 'SubmitFeedbackRequestX'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'children out of order', xml: envelope.replace('<gw:messageId>', '<gw:comment>early</gw:comment><gw:messageId>'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'a bad instant in the Body', xml: envelope.replace('2026-11-24T10:20:00+01:00', '2026-11-24T10:20:00'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'an unqualified header entry', xml: envelope.replace('<soapenv:Body>', '<soapenv:Header><token>x</token></soapenv:Header><soapenv:Body>'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'a Fault without faultstring', xml: fault.replace(/<faultstring>[^<]*<\/faultstring>/, ''), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'a Fault detail with a bad code', xml: fault.replace('GW_ERR_CODE_NOT_FOR_FLOW', 'NOT_A_CODE'), xsd: 'soap-envelope.xsd', valid: false },
    { name: 'a bare element, bad limit', xml: bare.replace('<gw:limit>10<', '<gw:limit>501<'), xsd: 'blinker-gateway.xsd', valid: false },
    { name: 'a WS-Security header (lax)', xml: envelope.replace('<soapenv:Body>', `<soapenv:Header><wsse:Security xmlns:wsse="${wsse}" soapenv:mustUnderstand="1"><wsse:Anything/></wsse:Security></soapenv:Header><soapenv:Body>`), xsd: 'soap-envelope.xsd', valid: true },
    { name: 'foreign attributes on Envelope and Body (lax)', xml: envelope.replace('<soapenv:Body>', '<soapenv:Body xmlns:x="urn:x" x:id="b1">').replace('<soapenv:Envelope ', '<soapenv:Envelope xmlns:y="urn:y" y:trace="1" '), xsd: 'soap-envelope.xsd', valid: true },
    { name: 'unknown detail content (lax)', xml: fault.replace('</detail>', '<x:more xmlns:x="urn:x">anything</x:more></detail>'), xsd: 'soap-envelope.xsd', valid: true },
    { name: 'a Fault with a faultactor', xml: fault.replace('</faultstring>', '</faultstring><faultactor>urn:blinker-gateway</faultactor>'), xsd: 'soap-envelope.xsd', valid: true },
  ]
  for (const [i, c] of cases.entries()) {
    const file = `${dir}/case-${i}.xml`
    writeFileSync(file, c.xml)
    const lint = xmllint(resolve(ROOT, 'schemas', c.xsd), file)
    t.equal(lint.status === 0, c.valid, `xmllint: ${c.name} ${c.valid ? 'valid' : 'invalid'} (${lint.stderr.trim().split('\n')[0]?.replace(`${dir}/`, '')})`)
    const judged = judgeXml(c.xml)
    t.equal(judged.errors.length === 0, c.valid, `gateway: ${c.name} ${c.valid ? 'valid' : 'invalid'} ${JSON.stringify(judged.errors)}`)
  }
})

t.test('check digits are the gateway\'s alone: xmllint accepts, the gateway does not', async (t) => {
  const dir = t.testdir({})
  // 0207151616 with its last digit changed: ten digits as the XSD says, wrong mod 97.
  const xml = readFileSync(`${DIR}/soap/SubmitFeedback.request.xml`, 'utf8').replace('<gw:cpasKbo>0207151616<', '<gw:cpasKbo>0207151617<')
  writeFileSync(`${dir}/kbo.xml`, xml)
  t.equal(xmllint(resolve(ROOT, 'schemas/soap-envelope.xsd'), `${dir}/kbo.xml`).status, 0, 'xmllint: the pattern holds')
  t.match(judgeXml(xml).errors, [{ path: '/cpasKbo', message: /mod-97/ }], 'gateway: the check digits do not')
})
