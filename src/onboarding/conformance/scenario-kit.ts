/**
 * What every conformance scenario works with: the typed client, the party's CPAS, the code
 * catalogue, fresh sandbox blinkers, and `expect…` helpers whose failures say precisely what was
 * expected and what came back (status and GW_ERR code).
 */
import { randomUUID } from 'node:crypto'
import type { Blinker, BlinkerGatewayClient, CatalogueFlow, FeedbackCatalogue, FeedbackCode, Feedback, Flow, RawAnswer } from '../../client/index.js'

export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure'
}

export interface PushOptions {
  /** Address the local webhook listens on; default 127.0.0.1. */
  host: string
  /** Port; default 0 (any free one). */
  port: number
  /** URL the gateway must call, when it differs from http://host:port (a tunnel, a proxy). */
  publicUrl?: string
  /** How long to wait for the push; default 15 000 ms. */
  timeoutMs: number
}

export interface ScenarioContext {
  client: BlinkerGatewayClient
  partyId: string
  /** The CPAS the scenarios work on (the first the party serves, or --cpas). */
  cpasKbo: string
  /** A valid enterprise number the party does not serve. */
  otherKbo: string
  catalogue: FeedbackCatalogue
  push: PushOptions
  /** Mailbox cursor at the end of the mailbox after the initial reset. */
  cursor: string
}

export interface Scenario {
  name: string
  /** One line: what it proves. */
  summary: string
  run(ctx: ScenarioContext): Promise<void>
}

export const fail = (message: string): never => {
  throw new ScenarioFailure(message)
}

/** The GW_ERR code of an answer: a problem document's `code`, or a SOAP Fault's detail code. */
export function answerCode(a: RawAnswer): string | undefined {
  const body = a.body
  if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') return (body as { code: string }).code
  return /<(?:\w+:)?code>([^<]*)</.exec(a.text)?.[1]
}

/** The answer must have this status (and this GW_ERR code, for errors). */
export function expectAnswer(what: string, a: RawAnswer, status: number, code?: string): void {
  const got = answerCode(a)
  if (a.status !== status || (code !== undefined && got !== code)) {
    const detail = typeof a.body === 'object' && a.body !== null && 'detail' in a.body ? ` (${String((a.body as { detail: unknown }).detail)})` : ''
    fail(`${what}: expected ${status}${code ? ` ${code}` : ''}, got ${a.status}${got ? ` ${got}` : ''}${detail}`)
  }
}

export function expectEqual<T>(what: string, got: T, expected: T): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`)
}

/** One fresh sandbox blinker of a flow (default: the first flow of the catalogue's code 131). */
export async function sandboxBlinker(ctx: ScenarioContext, flow: Flow = 'WORK_INCOME_DIMONA'): Promise<Blinker> {
  const [b] = await ctx.client.createSandboxBlinkers({ cpasKbo: ctx.cpasKbo, count: 1, flows: [flow] })
  return b ?? fail('the sandbox created no blinker')
}

/** A valid feedback for a blinker. */
export const feedbackFor = (b: Pick<Blinker, 'blinkerId' | 'cpasKbo'>, code: number, comment?: string): Feedback => ({
  messageId: randomUUID(),
  blinkerId: b.blinkerId,
  cpasKbo: b.cpasKbo,
  code,
  ...(comment !== undefined ? { comment } : {}),
  sentAt: new Date().toISOString(),
})

export const appliesTo = (c: FeedbackCode, flow: CatalogueFlow): boolean => c.flows === 'ALL' || c.flows.includes(flow)

/** A code of this kind valid for the flow (no comment needed), or a failure naming the gap. */
export function codeFor(ctx: ScenarioContext, flow: CatalogueFlow, kind: FeedbackCode['kind']): FeedbackCode {
  return ctx.catalogue.codes.find((c) => c.kind === kind && !c.commentRequired && appliesTo(c, flow)) ?? fail(`the catalogue has no ${kind} code for ${flow}`)
}

/** POST /v1/feedback, raw (the scenario judges the answer). */
export const postFeedback = (ctx: ScenarioContext, body: unknown): Promise<RawAnswer> => ctx.client.send('POST', ctx.client.envPath('/v1/feedback'), { json: body })
