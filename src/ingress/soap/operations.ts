/**
 * The SOAP operations of contract section 6 and the registry their handlers plug into. The adapter
 * (soap-routes.ts) does the XML: it hands a handler the request already XSD-validated and mapped to
 * model field names, and serializes what the handler returns. A handler calls the same service
 * function as the REST route, so both syntaxes obey the same rules and idempotency.
 *
 *   registerSoapOperation('SubmitFeedback', {
 *     roles: ['software-house'],
 *     handle: (feedback, { party, envCtx }) => submitFeedback(envCtx, party, feedback),
 *   })
 */
import type { FastifyRequest } from 'fastify'
import type { EnvContext } from '../../context.js'
import type { BlinkerStatus, Feedback, FeedbackStatus, PublishedBlinker, Receipt } from '../../domain/model.js'
import type { Party, Role } from '../../parties/parties.js'

/** Input and output of each operation, with the model's (= JSON) field names. */
export interface SoapOperationTypes {
  GetBlinkers: {
    input: { cpasKbo: string; after?: string; limit?: number }
    /** `blinkers` becomes repeated `<blinker>` elements; `next` null or absent = last page. */
    output: { blinkers: PublishedBlinker[]; next?: string | null }
  }
  AcknowledgeBlinker: {
    input: { blinkerId: string }
    output: { blinkerId: string; status: BlinkerStatus }
  }
  SubmitFeedback: {
    input: Feedback
    output: Receipt
  }
  GetFeedbackStatus: {
    input: { messageId: string }
    output: { messageId: string; blinkerId: string; code: number; status: FeedbackStatus }
  }
}

export type SoapOperationName = keyof SoapOperationTypes

export const SOAP_OPERATIONS = ['GetBlinkers', 'AcknowledgeBlinker', 'SubmitFeedback', 'GetFeedbackStatus'] as const satisfies readonly SoapOperationName[]

export const SOAP_ACTION_PREFIX = 'urn:blinker-gateway:v1#'

export const isSoapOperationName = (name: string): name is SoapOperationName => (SOAP_OPERATIONS as readonly string[]).includes(name)

export interface SoapCallContext {
  /** The authenticated caller (the route has already checked the token and environment). */
  party: Party
  envCtx: EnvContext
  /** For logging and request id; the body is already consumed. */
  request: FastifyRequest
}

export interface SoapOperation<N extends SoapOperationName = SoapOperationName> {
  /** Roles allowed on this operation (checked before `handle`, after the XSD). */
  roles: readonly Role[]
  /** Throws GatewayError for every refusal; the adapter renders it as a Fault. */
  handle(input: SoapOperationTypes[N]['input'], ctx: SoapCallContext): Promise<SoapOperationTypes[N]['output']>
}

type Registry = { [N in SoapOperationName]?: SoapOperation<N> }
const registry: Registry = {}

/**
 * Plugs the handler of one operation in. Registering the same operation twice is a programming
 * error (two modules claiming it) and throws.
 */
export function registerSoapOperation<N extends SoapOperationName>(name: N, operation: SoapOperation<N>): void {
  if (registry[name]) throw new Error(`SOAP operation ${name} is already registered`)
  ;(registry as Record<N, SoapOperation<N>>)[name] = operation
}

/**
 * Tests only: sets (or, with undefined, removes) an operation's handler whatever was there, and
 * returns the function that puts the previous one back.
 */
export function replaceSoapOperation<N extends SoapOperationName>(name: N, operation: SoapOperation<N> | undefined): () => void {
  const previous = registry[name]
  const set = (op: SoapOperation<N> | undefined) => {
    if (op) (registry as Record<N, SoapOperation<N>>)[name] = op
    else delete registry[name]
  }
  set(operation)
  return () => set(previous as SoapOperation<N> | undefined)
}

/** The registered handler, or undefined while nobody has implemented the operation yet. */
export function soapOperation<N extends SoapOperationName>(name: N): SoapOperation<N> | undefined {
  return registry[name] as SoapOperation<N> | undefined
}
