/**
 * Feedback fixtures and helpers: valid feedback for a blinker, submission over REST and SOAP with
 * one result shape (so a test can compare the two syntaxes), and a local inspection back office
 * that de-duplicates on Idempotency-Key and counts what it received.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import type { Blinker, Feedback } from '../../src/domain/model.js'
import { soapEnvelope } from '../../src/ingress/soap/envelope.js'
import { modelToXml } from '../../src/validation/xml-mapping.js'
import { blinker, CPAS, publish } from './blinkers.js'
import { auth, TOKENS, type TestGateway } from './gateway.js'

export const A = TOKENS.acceptance

/** A valid cancellation (code 131) of a blinker, with a fresh messageId. */
export function feedbackFor(b: Pick<Blinker, 'blinkerId' | 'cpasKbo'>, overrides: Partial<Feedback> = {}): Feedback {
  return { messageId: randomUUID(), blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, code: 131, sentAt: '2026-02-12T09:00:00+01:00', ...overrides }
}

/** Publishes one blinker through the real route and returns it. */
export async function published(t: Test, gw: TestGateway, cpasKbo: string = CPAS.alpha1, overrides: Partial<Blinker> = {}): Promise<Blinker> {
  const b = blinker(cpasKbo, overrides)
  const res = await publish(gw, [b])
  t.equal(res.statusCode, 202, `blinker ${b.blinkerId} published`)
  t.equal(res.json().accepted, 1)
  return b
}

export async function postFeedback(gw: TestGateway, token: string, body: unknown, env: 'acceptance' | 'production' = 'acceptance') {
  return gw.app.inject({ method: 'POST', url: `/${env}/v1/feedback`, headers: auth(token), payload: body as object })
}

export async function getStatus(gw: TestGateway, token: string, messageId: string) {
  return gw.app.inject({ method: 'GET', url: `/acceptance/v1/feedback/${messageId}`, headers: auth(token) })
}

export async function decideOn(gw: TestGateway, messageId: string, decision: 'ACCEPTED' | 'REFUSED', reason?: string, token: string = A.inspection) {
  return gw.app.inject({ method: 'POST', url: '/acceptance/v1/decisions', headers: auth(token), payload: reason ? { messageId, decision, reason } : { messageId, decision } })
}

export async function blinkerState(gw: TestGateway, blinkerId: string) {
  const res = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${blinkerId}`, headers: auth(A.inspection) })
  return res.json() as { status: string; history: { status: string; cause: string; by?: string }[] }
}

/** One outcome shape for both syntaxes: HTTP status, GW_ERR code (if an error), receipt fields. */
export interface Outcome {
  status: number
  code?: string
  receipt?: { messageId: string; receivedAt: string; status: string }
}

export async function submitRest(gw: TestGateway, token: string, f: unknown): Promise<Outcome> {
  const res = await postFeedback(gw, token, f)
  const body = res.json()
  return res.statusCode === 202 ? { status: 202, receipt: body } : { status: res.statusCode, code: body.code }
}

export async function soapCall(gw: TestGateway, token: string, operation: string, input: object) {
  return gw.app.inject({
    method: 'POST',
    url: '/acceptance/soap',
    headers: { ...auth(token), 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:blinker-gateway:v1#${operation}"` },
    payload: soapEnvelope(modelToXml(`${operation}Request` as never, input, { declareNamespace: false })),
  })
}

const text = (xml: string, name: string): string | undefined => new RegExp(`<(?:[\\w]+:)?${name}>([^<]*)</`).exec(xml)?.[1]

export async function submitSoap(gw: TestGateway, token: string, f: Feedback): Promise<Outcome> {
  const res = await soapCall(gw, token, 'SubmitFeedback', f)
  if (res.statusCode !== 200) return { status: res.statusCode, code: text(res.body, 'code') ?? 'none' }
  return { status: 202, receipt: { messageId: text(res.body, 'messageId') ?? '', receivedAt: text(res.body, 'receivedAt') ?? '', status: text(res.body, 'status') ?? '' } }
}

export interface BackOffice {
  url: string
  /** Every request, in arrival order, with the status answered. */
  calls: { key: string; status: number; body: { feedback: Feedback; blinker: Blinker & { status: string }; softwareHouse: string } }[]
  /** Distinct Idempotency-Keys taken (2xx): the effect. */
  taken: Map<string, number>
  /** Answer per request; default 200. */
  answer: (key: string, callNo: number) => number
}

/** A local inspection back office on port 0: POST /feedback, de-duplicating on Idempotency-Key. */
export async function backOffice(t: Test, answer: BackOffice['answer'] = () => 200): Promise<BackOffice> {
  const office: BackOffice = { url: '', calls: [], taken: new Map(), answer }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '')
      if (req.method !== 'POST' || req.url !== '/feedback' || !key) {
        res.writeHead(404).end()
        return
      }
      const status = office.answer(key, office.calls.length)
      office.calls.push({ key, status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      if (status >= 200 && status < 300) office.taken.set(key, (office.taken.get(key) ?? 0) + 1)
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  office.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  })
  return office
}

/** Worker settings for tests: quick backoff, few attempts, short timeout. */
export const workerEnv = (url: string): Record<string, string> => ({ INSPECTION_URL: url, FORWARD_BACKOFF_MS: '50', FORWARD_ATTEMPTS: '4', FORWARD_TIMEOUT_MS: '500' })
