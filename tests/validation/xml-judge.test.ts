/**
 * judgeXml (POST /validate and the CLI): a bare message, a bare operation element or a whole SOAP
 * 1.1 envelope, each recognised and said in `found`; the envelope judged against the published
 * soap-envelope.xsd and its Body's element by the same checks as the live endpoints; the safety
 * gate before anything else. Documents are built here from the example files, with one change
 * each, so every expected error follows from that change.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { SOAP11_NS } from '../../src/ingress/soap/envelope.js'
import { describeFound, judgeXml } from '../../src/validation/xml-judge.js'
import { SOAP11_ENVELOPE_NS } from '../../src/validation/xsd-validator.js'

const example = (file: string) => readFileSync(`schemas/examples/${file}`, 'utf8')
const lineOf = (xml: string, needle: string) => xml.slice(0, xml.indexOf(needle)).split('\n').length
const FEEDBACK_ENVELOPE = example('soap/SubmitFeedback.request.xml')
// 0207151616 with its check digits changed: still ten digits (the XSD pattern), wrong mod 97.
const BAD_KBO = '0207151617'

t.test('the namespace constant of validation is the SOAP adapter\'s', async (t) => {
  t.equal(SOAP11_ENVELOPE_NS, SOAP11_NS)
})

t.test('every form is recognised and said', async (t) => {
  const cases: [string, object][] = [
    ['xml/feedback.xml', { syntax: 'xml', form: 'message', element: 'feedback' }],
    ['xml/blinker.xml', { syntax: 'xml', form: 'message', element: 'blinker' }],
    ['xml/GetBlinkersRequest.xml', { syntax: 'xml', form: 'operation', element: 'GetBlinkersRequest', operation: 'GetBlinkers' }],
    ['soap/SubmitFeedback.response.xml', { syntax: 'xml', form: 'envelope', element: 'SubmitFeedbackResponse', operation: 'SubmitFeedback' }],
    ['soap/SubmitFeedback.fault.response.xml', { syntax: 'xml', form: 'envelope', element: 'Fault' }],
  ]
  for (const [file, found] of cases) t.same(judgeXml(example(file)), { found, errors: [] }, file)
  // A Response element taken out of its envelope is an operation element too.
  const bare = example('soap/GetFeedbackStatus.response.xml').replace(/^[\s\S]*<soap:Body>/, '').replace(/<\/soap:Body>[\s\S]*$/, '').replace('<gw:GetFeedbackStatusResponse>', '<gw:GetFeedbackStatusResponse xmlns:gw="urn:blinker-gateway:v1">')
  t.same(judgeXml(bare), { found: { syntax: 'xml', form: 'operation', element: 'GetFeedbackStatusResponse', operation: 'GetFeedbackStatus' }, errors: [] })
  t.equal(describeFound({ syntax: 'xml', form: 'envelope', element: 'Fault' }), '<Fault> in a SOAP 1.1 envelope')
  t.equal(describeFound({ syntax: 'xml', form: 'envelope' }), 'SOAP 1.1 envelope without a Body element the gateway knows')
  t.equal(describeFound({ syntax: 'xml', form: 'operation', element: 'GetBlinkersRequest' }), 'bare <GetBlinkersRequest> element')
  t.equal(describeFound({ syntax: 'xml', form: 'message', element: 'blinker' }), 'bare <blinker> message')
  t.equal(describeFound({ syntax: 'json', form: 'message', element: 'blinker' }), 'blinker')
})

t.test('an envelope: the Body element gets the live checks, with lines', async (t) => {
  const xml = FEEDBACK_ENVELOPE.replace('<gw:cpasKbo>0207151616<', `<gw:cpasKbo>${BAD_KBO}<`)
  const verdict = judgeXml(xml)
  t.same(verdict.found, { syntax: 'xml', form: 'envelope', element: 'SubmitFeedbackRequest', operation: 'SubmitFeedback' })
  t.match(verdict.errors, [{ path: '/cpasKbo', line: lineOf(xml, '<gw:cpasKbo>'), message: /enterprise number/ }])
  t.equal(verdict.errors.length, 1)

  const late = FEEDBACK_ENVELOPE.replace('<gw:sentAt>', '<gw:comment>late</gw:comment><gw:sentAt>').replace('<gw:code>131</gw:code>', '<gw:code>131</gw:code>')
  t.same(judgeXml(late).errors, [], 'an optional comment in its place is fine')
  const misplaced = FEEDBACK_ENVELOPE.replace('<gw:messageId>', '<gw:comment>early</gw:comment><gw:messageId>')
  t.match(judgeXml(misplaced).errors, [{ line: lineOf(misplaced, '<gw:comment>'), message: /comment.*not expected/ }], 'the XSD sequence, through the envelope schema')
})

t.test('an envelope: what the published envelope schema refuses', async (t) => {
  const twoBodies = FEEDBACK_ENVELOPE.replace('</soapenv:Body>', '</soapenv:Body><soapenv:Body/>')
  t.match(judgeXml(twoBodies).errors, [{ message: /soap:Body.*not expected/ }])
  const messageInBody = FEEDBACK_ENVELOPE.replace(/<gw:SubmitFeedbackRequest>[\s\S]*<\/gw:SubmitFeedbackRequest>/, example('xml/feedback.xml').replace(/^<\?xml[^>]*>\n<!--[^>]*>\n/, ''))
  const inBody = judgeXml(messageInBody)
  t.same(inBody.found, { syntax: 'xml', form: 'envelope' }, 'a bare message is no Body element the gateway knows')
  t.match(inBody.errors, [{ message: /feedback.*not expected/ }])
  const empty = FEEDBACK_ENVELOPE.replace(/<gw:SubmitFeedbackRequest>[\s\S]*<\/gw:SubmitFeedbackRequest>/, '')
  t.match(judgeXml(empty).errors, [{ message: /soap:Body.*[Mm]issing child/ }])
  const unqualifiedHeader = FEEDBACK_ENVELOPE.replace('<soapenv:Body>', '<soapenv:Header><token>x</token></soapenv:Header><soapenv:Body>')
  t.match(judgeXml(unqualifiedHeader).errors, [{ message: /token.*not expected/ }], 'SOAP 1.1: header entries are namespace-qualified')
  const pi = FEEDBACK_ENVELOPE.replace('<soapenv:Body>', '<?audit x?><soapenv:Body>')
  t.match(judgeXml(pi).errors, [{ line: lineOf(pi, '<?audit'), message: /processing instructions/ }])
  const badDetail = example('soap/SubmitFeedback.fault.response.xml').replace('<gw:code>GW_ERR_CODE_NOT_FOR_FLOW<', '<gw:code>NOT_A_CODE<')
  t.match(judgeXml(badDetail), { found: { element: 'Fault' }, errors: [{ message: /code.*pattern/ }] }, 'the Fault detail is checked (lax, but declared)')
})

t.test('an envelope: lax where SOAP 1.1 is lax', async (t) => {
  const wsse = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'
  const wsu = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd'
  const header = `<soapenv:Header><wsse:Security xmlns:wsse="${wsse}" soapenv:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>x</wsse:Username></wsse:UsernameToken></wsse:Security></soapenv:Header>`
  const xml = FEEDBACK_ENVELOPE.replace('<soapenv:Body>', `${header}<soapenv:Body xmlns:wsu="${wsu}" wsu:Id="id-1">`).replace('<soapenv:Envelope ', '<soapenv:Envelope xmlns:x="urn:x" x:trace="1" ')
  t.same(judgeXml(xml).errors, [], 'a WS-Security header, wsu:Id on the Body, a foreign attribute on the Envelope')
})

t.test('type given: the element found must carry it', async (t) => {
  t.same(judgeXml(FEEDBACK_ENVELOPE, 'feedback').errors, [], 'a SubmitFeedbackRequest envelope carries a feedback')
  t.same(judgeXml(example('xml/SubmitFeedbackRequest.xml'), 'feedback').errors, [])
  const wrongEnvelope = judgeXml(example('soap/GetBlinkers.request.xml'), 'feedback')
  t.match(wrongEnvelope, { found: { form: 'envelope', element: 'GetBlinkersRequest' }, errors: [{ line: 4, message: /Body must hold feedback or SubmitFeedbackRequest.*found GetBlinkersRequest/ }] })
  const wrongRoot = judgeXml(example('xml/feedback.xml'), 'blinker')
  t.match(wrongRoot, { found: { form: 'message', element: 'feedback' }, errors: [{ line: 3, message: /root element must be blinker in namespace/ }] })
})

t.test('operation elements: identifiers checked as the endpoint does', async (t) => {
  const request = example('xml/GetBlinkersRequest.xml').replace('0207151616', BAD_KBO)
  t.match(judgeXml(request).errors, [{ path: '/cpasKbo', line: lineOf(request, '<gw:cpasKbo>'), message: /enterprise number/ }])
  const page = example('soap/GetBlinkers.response.xml').replace('<gw:niss>76022546408<', '<gw:niss>76022546409<')
  t.match(judgeXml(page).errors, [{ path: '/blinkers/0/beneficiary/niss', line: lineOf(page, '<gw:niss>'), message: /national register number/ }])
  const period = example('soap/GetBlinkers.response.xml').replace('<gw:periodEnd>2026-10-31</gw:periodEnd></gw:form>', '<gw:periodEnd>2026-09-30</gw:periodEnd></gw:form>')
  t.match(judgeXml(period).errors, [{ path: '/blinkers/0/form/periodEnd', message: /before periodStart/ }])
})

t.test('not a form the gateway knows', async (t) => {
  t.match(judgeXml('<receipt xmlns="urn:blinker-gateway:v1"/>'), { found: undefined, errors: [{ line: 1, message: /root element must be blinker, feedback or an <Operation>Request/ }] })
  t.match(judgeXml('<feedback/>'), { found: undefined, errors: [{ message: /found feedback$/ }] }, 'no namespace')
  t.match(judgeXml('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>'), { found: undefined, errors: [{ message: /SOAP 1\.2/ }] })
  t.match(judgeXml('<x85073003328 xmlns="urn:x"/>').errors, [{ message: /found \{urn:x\}x\[niss\]$/ }], 'a NISS in an element name is not echoed')
})

t.test('the safety gate comes first, in an envelope too', async (t) => {
  const doctype = FEEDBACK_ENVELOPE.replace('?>\n', '?>\n<!DOCTYPE soapenv:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
  t.throws(() => judgeXml(doctype), { code: 'GW_ERR_XML_FORBIDDEN', errors: [{ line: 2 }] })
  t.throws(() => judgeXml(FEEDBACK_ENVELOPE.replace('</gw:code>', '</gw:cod>')), { code: 'GW_ERR_MALFORMED_XML' })
})
