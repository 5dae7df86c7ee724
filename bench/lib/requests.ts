/**
 * What the load generator sends: a serializable description (it crosses the process boundary to
 * load-child.ts) turned into a factory that builds request number i. Every feedback carries a
 * fresh messageId and every published blinker a fresh blinkerId, so the gateway does real work
 * (no idempotent short-cut) and the baselines add real jobs (no jobId collision).
 */
import { randomUUID } from 'node:crypto'
import { EXAMPLE_BLINKER } from '../../src/docs/examples.js'

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
export const GW_NS = 'urn:blinker-gateway:v1'

/** A blinker the feedback can be about. */
export interface Target {
  blinkerId: string
  cpasKbo: string
}

interface Common {
  path: string
  /** Bearer token; omitted for the baselines (they have no auth). */
  token?: string
  expectStatus: number
  /** A substring the answer must contain to count as ok (e.g. `"rejected":[]`). */
  expectBody?: string
}

export type RequestSpec = Common &
  (
    | { kind: 'feedback'; targets: Target[] }
    | { kind: 'feedback-batch'; targets: Target[]; size: number; wrap?: boolean }
    | { kind: 'soap-feedback'; targets: Target[] }
    | { kind: 'publish'; cpasKbo: string; size: number; year: number; firstSeq: number }
    | { kind: 'mailbox'; cursors: string[]; limit: number }
  )

export interface BuiltRequest {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

const SENT_AT = '2026-02-12T09:00:00+01:00'

/** A valid cancellation (code 131, WORK_INCOME_* flows) with a fresh messageId. */
export const feedbackFor = (t: Target) => ({ messageId: randomUUID(), blinkerId: t.blinkerId, cpasKbo: t.cpasKbo, code: 131, sentAt: SENT_AT })

/** A valid blinker (the documentation's sample, flow WORK_INCOME_DIMONA) with id CLI-{year}-{seq}. */
export const blinkerFor = (cpasKbo: string, year: number, seq: number) => ({ ...EXAMPLE_BLINKER, blinkerId: `CLI-${year}-${String(seq).padStart(9, '0')}`, cpasKbo })

/** SubmitFeedbackRequest in a SOAP 1.1 envelope, children in the gateway's namespace (XSD order). */
export function soapFeedback(t: Target): string {
  const f = feedbackFor(t)
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns:gw="${GW_NS}"><soapenv:Body>` +
    `<gw:SubmitFeedbackRequest><gw:messageId>${f.messageId}</gw:messageId><gw:blinkerId>${f.blinkerId}</gw:blinkerId>` +
    `<gw:cpasKbo>${f.cpasKbo}</gw:cpasKbo><gw:code>${f.code}</gw:code><gw:sentAt>${f.sentAt}</gw:sentAt></gw:SubmitFeedbackRequest>` +
    `</soapenv:Body></soapenv:Envelope>`
  )
}

const pick = <T>(items: readonly T[], i: number): T => {
  const item = items[i % items.length]
  if (item === undefined) throw new Error('empty target list')
  return item
}

/** Request number i of a spec. */
export function requestFactory(spec: RequestSpec): (i: number) => BuiltRequest {
  const auth: Record<string, string> = spec.token ? { authorization: `Bearer ${spec.token}` } : {}
  const json = { ...auth, 'content-type': 'application/json' }
  switch (spec.kind) {
    case 'feedback':
      return (i) => ({ method: 'POST', path: spec.path, headers: json, body: JSON.stringify(feedbackFor(pick(spec.targets, i))) })
    case 'feedback-batch':
      return (i) => {
        const items = Array.from({ length: spec.size }, (_, k) => feedbackFor(pick(spec.targets, i * spec.size + k)))
        return { method: 'POST', path: spec.path, headers: json, body: JSON.stringify(spec.wrap === false ? items : { feedback: items }) }
      }
    case 'soap-feedback': {
      const headers = { ...auth, 'content-type': 'text/xml; charset=utf-8', soapaction: `"${GW_NS}#SubmitFeedback"` }
      return (i) => ({ method: 'POST', path: spec.path, headers, body: soapFeedback(pick(spec.targets, i)) })
    }
    case 'publish':
      return (i) => {
        const first = spec.firstSeq + i * spec.size
        const items = Array.from({ length: spec.size }, (_, k) => blinkerFor(spec.cpasKbo, spec.year, first + k))
        return { method: 'POST', path: spec.path, headers: json, body: JSON.stringify({ blinkers: items }) }
      }
    case 'mailbox':
      return (i) => {
        const cursor = pick(spec.cursors, i)
        const query = `limit=${spec.limit}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`
        return { method: 'GET', path: `${spec.path}?${query}`, headers: auth }
      }
  }
}
