/**
 * Documentation of the routes that were written before the OpenAPI document existed: summary,
 * description, tags, success responses, request bodies validated in the service (not by a route
 * schema) and the route-specific errors. Keyed by `METHOD /path` with `/{env}` for the environment
 * prefix. The OpenAPI transform (openapi.ts) fills in from here only what the route's own schema
 * does not say, so a route that documents itself always wins (but for `body`, which is here only
 * where the route checks a wrapper and the service the items); new routes document themselves.
 * Kept apart from the route files so documentation and behaviour could be written in parallel.
 */
import type { ErrorCode } from '../errors.js'
import { EXAMPLES } from './examples.js'

export interface ResponseDoc {
  description: string
  /** JSON Schema (or `$ref` to a published one); absent for bodiless answers (204). */
  schema?: object
  /** Default application/json. */
  contentType?: string
  example?: unknown
}

export interface RouteDoc {
  summary: string
  description: string
  tags: string[]
  /** Success (2xx) answers by status. */
  responses: Record<number, ResponseDoc>
  /** Errors this route can answer beyond the generic ones (auth, parameters, body, overload). */
  errors?: ErrorCode[]
  /** Request body for the document when the service, not a route schema, validates it. */
  body?: object
  bodyExample?: unknown
  /** Request content types; default application/json. */
  consumes?: string[]
}

export const TAGS = [
  { name: 'publication', description: 'The back office publishes blinkers; their lifecycle.' },
  { name: 'mailbox', description: 'Software houses pull blinkers, or receive them by push.' },
  { name: 'feedback', description: 'Software houses send feedback and cancellation codes.' },
  { name: 'inspection', description: "The inspection service's inbox and decisions." },
  { name: 'soap', description: 'SOAP 1.1 adapter of the same operations (see the WSDL).' },
  { name: 'operator', description: 'People running the gateway: dead letters, conformance status and revocations.' },
  { name: 'public', description: 'No credential: published schemas and the message validator.' },
  { name: 'operations', description: 'Health, readiness and Prometheus metrics.' },
  { name: 'follow-up', description: 'The inspection follows CPAS above 10 % up: visits, improvement plans, trajectories toward 5 %.' },
  { name: 'barometer', description: 'The quality barometer: the same indicators for every software house and Excel-list CPAS, scored good / less good / bad over a two-year cycle.' },
  { name: 'sandbox', description: 'Acceptance only: a software house makes its own test blinkers, resets them, plays the inspection on them.' },
  { name: 'conformance', description: "Acceptance only: runs the gateway judges from its own records (what opens production), and the runner's self-reports (information)." },
] as const

const json = (schemaFile: string) => ({ $ref: schemaFile })
const statusBody = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } }

const deadLetter = {
  type: 'object',
  required: ['queue', 'jobId', 'attempts', 'reason', 'data'],
  properties: {
    queue: { type: 'string' },
    jobId: { type: 'string' },
    party: { type: 'string' },
    attempts: { type: 'integer' },
    failedAt: { type: 'string', format: 'date-time' },
    reason: { type: 'string' },
    data: { type: 'object', description: 'The job as queued (the blinker delivery or the feedback forward).' },
  },
}

const SOAP_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <GetBlinkersRequest xmlns="urn:blinker-gateway:v1"><cpasKbo>0212344876</cpasKbo><limit>100</limit></GetBlinkersRequest>
  </soap:Body>
</soap:Envelope>`

export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'GET /schemas': {
    summary: 'Index of the published files',
    description: 'Every JSON Schema, the XSD, the WSDL, the feedback-code catalogue and the flow catalogue, with their links. Also served at /schemas/ (same answer; documented once).',
    tags: ['public'],
    responses: { 200: { description: 'The index', schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, href: { type: 'string' }, type: { type: 'string' } } } } } } } },
  },
  'GET /schemas/:file': {
    summary: 'One published file',
    description:
      'A JSON Schema, an XSD (blinker-gateway.xsd for the messages, soap-envelope.xsd for whole SOAP 1.1 envelopes; it imports the first by a relative schemaLocation, so both validate from one folder), the WSDL, feedback-codes.json (the code catalogue) or flows.json (the flow catalogue: every flow with its code, status `active` (v1) or `provisional` (announced; delivered only to software houses that accept it), source institution and labels in fr, nl and en, plus the catalogue version), as published.',
    tags: ['public'],
    responses: { 200: { description: 'The file (application/json or application/xml)', schema: { type: 'object' } } },
    errors: ['GW_ERR_NOT_FOUND'],
  },
  'POST /validate': {
    summary: 'Validate a blinker or feedback message, a SOAP operation element or a SOAP envelope',
    description:
      'JSON or XML by content type, judged by the same validators as the live endpoints. Query `type=blinker|feedback`: required for JSON; optional for XML, which may be a bare `<blinker>`/`<feedback>`, a bare `<Operation>Request`/`<Operation>Response` element of urn:blinker-gateway:v1, or a whole SOAP 1.1 envelope, judged against /schemas/soap-envelope.xsd and then by its Body element (given with XML, `type` requires the element found to carry that message: feedback = `<feedback>` or `<SubmitFeedbackRequest>`). The answer\'s `found` says what the body was. A well-formed message that breaks the schema answers 200 with valid=false and one error per problem (JSON path or XML line).',
    tags: ['public'],
    body: { oneOf: [json('blinker.schema.json'), json('feedback.schema.json')] },
    bodyExample: EXAMPLES.feedback.value,
    consumes: ['application/json', 'application/xml', 'text/xml', 'application/soap+xml'],
    responses: {
      200: {
        description: 'The verdict',
        schema: {
          type: 'object',
          required: ['valid', 'errors'],
          properties: {
            valid: { type: 'boolean' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, line: { type: 'integer' }, message: { type: 'string' } } } },
            found: {
              type: 'object',
              description: 'What the body was; absent when XML has a root of no accepted form (the errors say which are).',
              required: ['syntax', 'form'],
              properties: {
                syntax: { type: 'string', enum: ['json', 'xml'] },
                form: { type: 'string', enum: ['message', 'operation', 'envelope'], description: 'message: a bare blinker or feedback (every JSON body); operation: a bare <Operation>Request/Response element; envelope: a SOAP 1.1 envelope, judged by its Body element.' },
                element: { type: 'string', description: 'The element judged: the root, or the envelope Body element (Fault for a Fault).' },
                operation: { type: 'string', description: 'The SOAP operation of an <Operation>Request/Response element.' },
              },
            },
          },
        },
        example: { valid: false, errors: [{ path: '/cpasKbo', line: 7, message: 'must be a valid enterprise number (10 digits, mod-97 check)' }], found: { syntax: 'xml', form: 'envelope', element: 'SubmitFeedbackRequest', operation: 'SubmitFeedback' } },
      },
    },
    errors: ['GW_ERR_BAD_PARAMETER', 'GW_ERR_MALFORMED_JSON', 'GW_ERR_MALFORMED_XML', 'GW_ERR_XML_FORBIDDEN'],
  },
  'GET /health/live': {
    summary: 'Liveness',
    description: 'The process answers. For the orchestrator restart probe.',
    tags: ['operations'],
    responses: { 200: { description: 'Alive', schema: statusBody, example: { status: 'ok' } } },
  },
  'GET /health/ready': {
    summary: 'Readiness',
    description: 'Redis answers a PING within a second and the event loop is not saturated; workers per queue are reported (not required: WORKERS=none processes are ready without them). 503 with the same body when a check fails.',
    tags: ['operations'],
    responses: {
      200: {
        description: 'Ready',
        schema: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' }, workers: { type: 'object' } } },
        example: { status: 'ok', checks: { redis: 'ok', eventLoop: 'ok' }, workers: { 'acceptance/forward': 1 } },
      },
    },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    description: 'Text exposition format. HTTP counters and latency of this process; queue depths, blinkers per status and job outcomes of the whole deployment (read from Redis at scrape time).',
    tags: ['operations'],
    responses: { 200: { description: 'Metrics', contentType: 'text/plain; version=0.0.4', schema: { type: 'string' } } },
  },
  'POST /{env}/v1/blinkers': {
    summary: 'Publish blinkers',
    description:
      'Publisher only. 1–1000 blinkers; each is judged on its own (schema, identifier checksums, CPAS known to the environment, a flow of the catalogue GET /schemas/flows.json: another code is rejected with GW_ERR_BUSINESS_RULE at /blinkers/{i}/flow). Identical re-publications count as duplicates; the same blinkerId with other content is rejected. The 202 means stored. A blinker of a flow the CPAS\'s software house does not accept (acceptedFlows in the parties file; default the eight v1 flows) is accepted but goes to the CPAS\'s transition list instead of its mailbox and webhook.',
    tags: ['publication'],
    body: json('blinker-batch.schema.json'),
    bodyExample: EXAMPLES.blinkerBatch.value,
    responses: { 202: { description: 'Stored; per-item outcome', schema: json('publish-result.schema.json'), example: EXAMPLES.publishResult.value } },
  },
  'GET /{env}/v1/blinkers/:blinkerId': {
    summary: 'Read a blinker with its history',
    description: 'Software house (CPAS it serves) or inspection.',
    tags: ['publication'],
    responses: { 200: { description: 'The blinker, its status and history', schema: json('published-blinker.schema.json'), example: EXAMPLES.publishedBlinker.value } },
    errors: ['GW_ERR_UNKNOWN_BLINKER', 'GW_ERR_FORBIDDEN_CPAS'],
  },
  'POST /{env}/v1/blinkers/:blinkerId/acknowledgements': {
    summary: 'Acknowledge a blinker',
    description: 'Software house. Idempotent; moves PUBLISHED or DELIVERED to ACKNOWLEDGED.',
    tags: ['mailbox'],
    responses: { 204: { description: 'Acknowledged' } },
    errors: ['GW_ERR_UNKNOWN_BLINKER', 'GW_ERR_FORBIDDEN_CPAS', 'GW_ERR_BLINKER_CLOSED', 'GW_ERR_ILLEGAL_TRANSITION'],
  },
  'POST /{env}/v1/blinkers/:blinkerId/resolve': {
    summary: 'Close a blinker (form D received, form corrected)',
    description: 'Publisher. Closes from any open status; 409 when already closed.',
    tags: ['publication'],
    bodyExample: EXAMPLES.resolveRequest.value,
    responses: { 200: { description: 'The closed blinker', schema: json('published-blinker.schema.json') } },
    errors: ['GW_ERR_UNKNOWN_BLINKER', 'GW_ERR_BLINKER_CLOSED'],
  },
  'GET /{env}/v1/cpas/:kbo/blinkers': {
    summary: 'Pull the mailbox of a CPAS',
    description:
      'Software house, for a CPAS it serves. In publication order; `next` is always present: pass it as `after` on the next call. limit 1–500 (default 100). Marks PUBLISHED blinkers DELIVERED.',
    tags: ['mailbox'],
    responses: { 200: { description: 'One page', schema: json('blinker-page.schema.json'), example: EXAMPLES.blinkerPage.value } },
    errors: ['GW_ERR_FORBIDDEN_CPAS'],
  },
  'PUT /{env}/v1/subscriptions/self': {
    summary: 'Subscribe to push delivery',
    description:
      'Software house. Blinkers published while the subscription exists are POSTed to url, signed X-Blinker-Signature: sha256=<hex HMAC of the body>. A url whose host is or resolves to a loopback, private, link-local (metadata), CGNAT, unique-local or otherwise inside address is 400 GW_ERR_VALIDATION unless the operator allows it (WEBHOOK_ALLOW_PRIVATE_CIDRS); delivery checks again on every connection and never follows redirects.',
    tags: ['mailbox'],
    bodyExample: EXAMPLES.subscriptionRequest.value,
    responses: { 200: { description: 'The subscription (never the secret)', schema: { type: 'object', properties: { url: { type: 'string' }, updatedAt: { type: 'string' } } } } },
  },
  'GET /{env}/v1/subscriptions/self': {
    summary: 'Read the push subscription',
    description: 'Software house. 404 when the party only pulls.',
    tags: ['mailbox'],
    responses: { 200: { description: 'The subscription (never the secret)', schema: { type: 'object', properties: { url: { type: 'string' }, updatedAt: { type: 'string' } } } } },
    errors: ['GW_ERR_NOT_FOUND'],
  },
  'DELETE /{env}/v1/subscriptions/self': {
    summary: 'Stop push delivery',
    description: 'Software house. 204 also when there was none; the mailbox keeps everything.',
    tags: ['mailbox'],
    responses: { 204: { description: 'Unsubscribed' } },
  },
  'POST /{env}/v1/feedback': {
    summary: 'Send feedback (one message or a batch)',
    description:
      'Software house. One Feedback, or { feedback: [...] } with 1–1000. Same messageId and content again: 202 with the first receipt; same messageId, other content: 409. Forwarded to the inspection, retried, never lost.',
    tags: ['feedback'],
    body: { oneOf: [json('feedback.schema.json'), json('feedback-batch.schema.json')] },
    bodyExample: EXAMPLES.feedback.value,
    responses: {
      202: { description: 'Accepted (Receipt), or per-item results for a batch', schema: { oneOf: [json('receipt.schema.json'), json('feedback-batch-result.schema.json')] }, example: EXAMPLES.receipt.value },
    },
    errors: ['GW_ERR_FORBIDDEN_CPAS', 'GW_ERR_UNKNOWN_BLINKER', 'GW_ERR_MESSAGE_ID_REUSED', 'GW_ERR_BLINKER_CLOSED', 'GW_ERR_CODE_NOT_FOR_FLOW', 'GW_ERR_BUSINESS_RULE'],
  },
  'GET /{env}/v1/feedback/:messageId': {
    summary: 'Status of a feedback message',
    description: 'Software house (CPAS it serves) or inspection.',
    tags: ['feedback'],
    responses: { 200: { description: 'Status and history', schema: json('feedback-status.schema.json'), example: EXAMPLES.feedbackStatus.value } },
    errors: ['GW_ERR_UNKNOWN_MESSAGE', 'GW_ERR_FORBIDDEN_CPAS'],
  },
  'POST /{env}/v1/decisions': {
    summary: "Record the inspection's decision on a feedback",
    description: 'Inspection. ACCEPTED closes the blinker of a cancellation; REFUSED reopens it. Final: the same decision again is 200 without a second effect, the other one 409.',
    tags: ['inspection'],
    bodyExample: EXAMPLES.decisionRequest.value,
    responses: { 200: { description: 'The feedback after the decision', schema: json('decision-result.schema.json'), example: EXAMPLES.decisionResult.value } },
    errors: ['GW_ERR_UNKNOWN_MESSAGE', 'GW_ERR_ILLEGAL_TRANSITION', 'GW_ERR_BLINKER_CLOSED'],
  },
  'GET /{env}/v1/inspection/inbox': {
    summary: 'The built-in inspection inbox',
    description: 'Inspection. Forwarded feedback when INSPECTION_URL is unset, in forwarding order, paged by cursor; reading does not consume.',
    tags: ['inspection'],
    responses: { 200: { description: 'One page', schema: json('inspection-inbox.schema.json') } },
  },
  'GET /{env}/soap': {
    summary: 'The WSDL of this environment',
    description: 'Add ?wsdl. The soap:address is this environment (PUBLIC_BASE_URL or the request Host).',
    tags: ['soap'],
    responses: { 200: { description: 'WSDL 1.1', contentType: 'text/xml', schema: { type: 'string' } } },
    errors: ['GW_ERR_METHOD_NOT_ALLOWED'],
  },
  'POST /{env}/soap': {
    summary: 'SOAP 1.1 operations (document/literal)',
    description:
      'GetBlinkers, AcknowledgeBlinker, SubmitFeedback, GetFeedbackStatus; SOAPAction urn:blinker-gateway:v1#<Operation>. The messages are described by the WSDL (GET /{env}/soap?wsdl) and the XSD (GET /schemas/blinker-gateway.xsd); every body is validated against the XSD first. Errors are SOAP 1.1 Faults with the same GW_ERR code in detail and the same HTTP status as REST.',
    tags: ['soap'],
    body: { type: 'string', description: 'A SOAP 1.1 envelope; see the WSDL.' },
    bodyExample: SOAP_EXAMPLE,
    // application/soap+xml only so that a SOAP 1.2 client hears GW_ERR_SOAP_ENVELOPE (this is 1.1), not a bare 415.
    consumes: ['text/xml', 'application/soap+xml'],
    responses: { 200: { description: 'The <Operation>Response envelope', contentType: 'text/xml', schema: { type: 'string' } } },
    errors: [
      'GW_ERR_MALFORMED_XML',
      'GW_ERR_XML_FORBIDDEN',
      'GW_ERR_SOAP_ENVELOPE',
      'GW_ERR_SOAP_ACTION',
      'GW_ERR_VALIDATION',
      'GW_ERR_FORBIDDEN_CPAS',
      'GW_ERR_UNKNOWN_BLINKER',
      'GW_ERR_UNKNOWN_MESSAGE',
      'GW_ERR_MESSAGE_ID_REUSED',
      'GW_ERR_BLINKER_CLOSED',
      'GW_ERR_CODE_NOT_FOR_FLOW',
      'GW_ERR_BUSINESS_RULE',
    ],
  },
  'GET /{env}/v1/operator/dead-letters': {
    summary: 'List dead letters',
    description: 'Operator. Failed jobs of every queue (or one), oldest failure first, filtered by party and failure time.',
    tags: ['operator'],
    responses: { 200: { description: 'The dead letters', schema: { type: 'object', properties: { deadLetters: { type: 'array', items: deadLetter } } } } },
    errors: ['GW_ERR_NOT_FOUND'],
  },
  'GET /{env}/v1/operator/dead-letters/:queue/:jobId': {
    summary: 'Inspect one dead letter',
    description: 'Operator. 404 when that job is not dead (never failed, or replayed).',
    tags: ['operator'],
    responses: { 200: { description: 'The dead letter', schema: deadLetter } },
    errors: ['GW_ERR_NOT_FOUND'],
  },
  'POST /{env}/v1/operator/dead-letters/replay': {
    summary: 'Replay dead letters',
    description: 'Operator. Moves matching dead letters back to their queue under the same job id (idempotent); dryRun only lists them.',
    tags: ['operator'],
    bodyExample: EXAMPLES.replayRequest.value,
    responses: {
      200: {
        description: 'What was (or would be) replayed',
        schema: {
          type: 'object',
          properties: {
            dryRun: { type: 'boolean' },
            replayed: { type: 'array', items: { type: 'object', properties: { queue: { type: 'string' }, jobId: { type: 'string' } } } },
            skipped: { type: 'array', items: { type: 'object', properties: { queue: { type: 'string' }, jobId: { type: 'string' } } } },
          },
        },
      },
    },
    errors: ['GW_ERR_NOT_FOUND'],
  },
}
