/**
 * The SOAP floor: the least a server can do and still XSD-validate SubmitFeedback with the
 * gateway's validator (libxml2-wasm, the published XSD). node:http without a framework, no auth,
 * no safety gate, no rules, no state, no audit: parse, validate the Body's operation element,
 * queue.add, a fixed response envelope. It is not a target; it tells what the SOAP target asks of
 * the gateway: a gateway doing strictly more cannot be faster than this floor.
 */
import { createServer } from 'node:http'
import { ParseOption, XmlDocument, XmlElement, XmlXPath } from 'libxml2-wasm'
import { scanXml } from '../../src/validation/xml-scan.js'
import { xsdErrors } from '../../src/validation/xsd-validator.js'
import { isMain, need } from '../lib/main.js'
import { serveLocal, type LocalServer } from './local-http.js'
import { BASELINE_JOB_OPTIONS, feedbackQueue } from './rest-baseline.js'

const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_IGNORE_ENC
const OPERATION = XmlXPath.compile('/*/*[1]/*[1]')

const respond = (messageId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:gw="urn:blinker-gateway:v1"><soap:Body>` +
  `<gw:SubmitFeedbackResponse><gw:messageId>${messageId}</gw:messageId><gw:receivedAt>${new Date().toISOString()}</gw:receivedAt>` +
  `<gw:status>RECEIVED</gw:status></gw:SubmitFeedbackResponse></soap:Body></soap:Envelope>\n`

/**
 * The operation element's children as plain strings, or undefined when the body is not valid.
 * Fields are read from the gateway's own scanner, not by walking libxml2-wasm's nodes: each node
 * wrapper built under load sends V8 into an optimise-and-abort loop on the wrapper's constructor
 * (seen with --trace-opt), which burns background threads.
 */
function readValid(xml: string): Record<string, string> | undefined {
  let doc: XmlDocument
  try {
    doc = XmlDocument.fromString(xml, { option: PARSE_OPTIONS })
  } catch {
    return undefined
  }
  try {
    const op = doc.get(OPERATION)
    if (!(op instanceof XmlElement) || xsdErrors(op).length > 0) return undefined
  } finally {
    doc.dispose()
  }
  const operation = scanXml(xml).root.children[0]?.children[0]
  const out: Record<string, string> = {}
  for (const field of operation?.children ?? []) out[field.name] = field.text
  return out
}

export type SoapFloor = LocalServer

/** A listening floor server at /soap on 127.0.0.1:port (0 picks one). */
export async function soapFloor(redisUrl: string, prefix: string, port: number): Promise<SoapFloor> {
  const jobs = feedbackQueue(redisUrl, prefix)
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/soap') {
      res.statusCode = req.url === '/health' ? 200 : 404
      res.end()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const args = readValid(Buffer.concat(chunks).toString('utf8'))
      if (!args?.messageId) {
        res.statusCode = 500
        res.end('invalid')
        return
      }
      const messageId = args.messageId.toLowerCase()
      jobs.queue.add('forward', args, { ...BASELINE_JOB_OPTIONS, jobId: messageId }).then(
        () => {
          res.setHeader('content-type', 'text/xml; charset=utf-8')
          res.end(respond(messageId))
        },
        () => {
          res.statusCode = 500
          res.end()
        },
      )
    })
  })
  return serveLocal(server, port, () => jobs.close())
}

if (isMain(import.meta.url)) {
  const floor = await soapFloor(need('REDIS_URL'), need('BENCH_PREFIX'), Number(need('PORT')))
  process.once('SIGTERM', () => void floor.close().then(() => process.exit(0)))
}
