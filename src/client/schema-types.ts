/**
 * GENERATED from schemas/*.schema.json by packages/client/scripts/generate-types.mjs: do not edit.
 * Run `npm run client:types` after changing a schema (tests/client/schema-types.test.ts fails
 * while this file is stale).
 */

export type Regime = 'DIS' | 'LAW_1965'
export type FormType = 'B' | 'C' | 'D'
/**
 * A code of the flow catalogue (GET /schemas/flows.json): a v1 flow (#/$defs/flow) or a flow added later, so a flow is added without a new message version. Membership of the catalogue is a business rule (422 GW_ERR_BUSINESS_RULE at publication), like a feedback code's.
 */
export type CatalogueFlow = string
export type BlinkerStatus = 'PUBLISHED' | 'DELIVERED' | 'ACKNOWLEDGED' | 'FEEDBACK_RECEIVED' | 'FORWARDED' | 'REOPENED' | 'CLOSED'
export type FeedbackStatus = 'RECEIVED' | 'FORWARDED' | 'ACCEPTED' | 'REFUSED' | 'DEAD_LETTERED'
export type Decision = 'ACCEPTED' | 'REFUSED'
/**
 * The eight flows of v1 (what every software house receives). A blinker's `flow` is a catalogueFlow: these, or a later code of flows.json.
 */
export type Flow =
  | 'FAMILY_ALLOWANCES'
  | 'UNEMPLOYMENT'
  | 'WORK_INCOME_DIMONA'
  | 'WORK_INCOME_DMFA'
  | 'PENSION'
  | 'CADASTRAL_INCOME'
  | 'INSURABILITY'
  | 'DISABILITY_ALLOWANCES'

/**
 * Blinker (publisher to gateway to software house)
 */
export interface Blinker {
  blinkerId: string
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  cpasKbo: string
  regime: Regime
  beneficiary: Beneficiary
  form: SubsidyForm
  flow: CatalogueFlow
  finding: Finding
  /**
   * RFC 3339 instant with an offset.
   */
  detectedAt: string
}
export interface Beneficiary {
  /**
   * National register number YYMMDDSSSCC; CC = 97 - (first nine mod 97), or with 2 prepended for births from 2000; bis numbers valid.
   */
  niss: string
  lastName?: string
  firstName?: string
}
export interface SubsidyForm {
  type: FormType
  reference: string
  periodStart: string
  periodEnd?: string
}
export interface Finding {
  periodStart: string
  periodEnd?: string
  amountCents?: number
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  sourceKbo?: string
  description: string
}
/**
 * Blinker as read back: the published fields plus status, publishedAt and (on GET) history
 */
export interface PublishedBlinker {
  blinkerId: string
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  cpasKbo: string
  regime: Regime
  beneficiary: Beneficiary
  form: SubsidyForm
  flow: CatalogueFlow
  finding: Finding
  /**
   * RFC 3339 instant with an offset.
   */
  detectedAt: string
  status: BlinkerStatus
  /**
   * RFC 3339 instant with an offset.
   */
  publishedAt: string
  history?: HistoryEntry[]
}
export interface HistoryEntry {
  /**
   * RFC 3339 instant with an offset.
   */
  at: string
  status: string
  cause: string
  by?: string
}
/**
 * GET /{env}/v1/cpas/{kbo}/blinkers answer: a mailbox page in publication order. `next` is always present: pass it as `after` on the next call; a page shorter than `limit` means the mailbox is drained for now
 */
export interface BlinkerPage {
  /**
   * @maxItems 500
   */
  blinkers: PublishedBlinker[]
  /**
   * Opaque cursor.
   */
  next: string
}
/**
 * POST /{env}/v1/blinkers body: 1 to 1000 blinkers, each judged on its own
 */
export interface BlinkerBatch {
  /**
   * @minItems 1
   * @maxItems 1000
   */
  blinkers: Blinker[]
}
/**
 * POST /{env}/v1/blinkers answer (202): how many were stored, how many were identical re-publications, and why the others were refused
 */
export interface PublishResult {
  accepted: number
  duplicates: number
  rejected: {
    /**
     * Position in the request's blinkers array.
     */
    index: number
    /**
     * @minItems 1
     */
    errors: {
      path: string
      message: string
      /**
       * GW_ERR_VALIDATION, GW_ERR_BUSINESS_RULE (CPAS unknown to the environment) or GW_ERR_BLINKER_ID_REUSED.
       */
      code: string
    }[]
  }[]
}
/**
 * Feedback (software house to gateway to inspection)
 */
export interface Feedback {
  messageId: string
  blinkerId: string
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  cpasKbo: string
  /**
   * A code of feedback-codes.json; membership and flow are business rules (422).
   */
  code: number
  comment?: string
  /**
   * RFC 3339 instant with an offset.
   */
  sentAt: string
}
/**
 * POST /{env}/v1/feedback batch body: 1 to 1000 feedback messages, each judged on its own
 */
export interface FeedbackBatch {
  /**
   * @minItems 1
   * @maxItems 1000
   */
  feedback: Feedback[]
}
/**
 * Receipt of an accepted feedback
 */
export interface Receipt {
  messageId: string
  /**
   * RFC 3339 instant with an offset.
   */
  receivedAt: string
  status: FeedbackStatus
}
/**
 * POST /{env}/v1/feedback batch answer (202): receipts of the accepted messages (first receipts for re-sent ones), in body order, and the refused ones by index with their errors
 */
export interface FeedbackBatchResult {
  receipts: Receipt[]
  rejected: RejectedItem[]
}
export interface RejectedItem {
  index: number
  /**
   * @minItems 1
   */
  errors: ItemError[]
}
export interface ItemError {
  path: string
  message: string
  code: string
}
/**
 * GET /{env}/v1/feedback/{messageId} answer (200): a feedback message's status and history
 */
export interface FeedbackStatusView {
  messageId: string
  blinkerId: string
  /**
   * A code of feedback-codes.json; membership and flow are business rules (422).
   */
  code: number
  status: FeedbackStatus
  history: HistoryEntry[]
}
/**
 * POST /{env}/v1/decisions body: the inspection's decision on one feedback message
 */
export interface DecisionRequest {
  messageId: string
  decision: Decision
  reason?: string
}
/**
 * POST /{env}/v1/decisions answer (200): the feedback after the decision and the blinker's status
 */
export interface DecisionResult {
  messageId: string
  blinkerId: string
  /**
   * A code of feedback-codes.json; membership and flow are business rules (422).
   */
  code: number
  decision: 'ACCEPTED' | 'REFUSED'
  status: FeedbackStatus
  blinkerStatus: BlinkerStatus
  history: HistoryEntry[]
}
/**
 * PUT /{env}/v1/subscriptions/self body: the software house's webhook and the secret that signs each delivery (X-Blinker-Signature: sha256=<hex HMAC-SHA256 of the body>)
 */
export interface SubscriptionRequest {
  url: string
  secret: string
}
/**
 * The feedback-code catalogue (feedback-codes.json)
 */
export interface FeedbackCatalogue {
  version: string
  note?: string
  /**
   * @minItems 1
   */
  codes: FeedbackCode[]
}
export interface FeedbackCode {
  /**
   * A code of feedback-codes.json; membership and flow are business rules (422).
   */
  code: number
  kind: 'JUSTIFIED' | 'UNJUSTIFIED'
  flows: 'ALL' | CatalogueFlow[]
  provisional: boolean
  commentRequired?: boolean
  labels: {
    fr: string
    nl: string
    en: string
  }
}
/**
 * POST /acceptance/v1/sandbox/blinkers: generate test blinkers for a CPAS the caller serves
 */
export interface SandboxBlinkersRequest {
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  cpasKbo: string
  /**
   * How many blinkers; default one per flow asked (8 with every flow).
   */
  count?: number
  /**
   * Flows to draw from, in turn; default every flow.
   *
   * @minItems 1
   */
  flows?: Flow[]
}
/**
 * The sandbox blinkers just published (each also waits in the CPAS mailbox, and is pushed when subscribed)
 */
export interface SandboxBlinkersResult {
  blinkers: Blinker[]
}
/**
 * POST /acceptance/v1/sandbox/mailbox/reset: delete the sandbox blinkers of a CPAS the caller serves
 */
export interface SandboxResetRequest {
  /**
   * Enterprise number (KBO/BCE), 10 digits; last two = 97 - (first eight mod 97).
   */
  cpasKbo: string
}
/**
 * What a sandbox mailbox reset did
 */
export interface SandboxResetResult {
  /**
   * Sandbox blinkers removed (record, history, mailbox entry).
   */
  deleted: number
  /**
   * Sandbox blinkers kept because a feedback on them is still being forwarded (FEEDBACK_RECEIVED); reset again later.
   */
  kept: string[]
  /**
   * Mailbox cursor at the end of the mailbox: pass it as `after` to read only blinkers created from now on.
   */
  next: string
}
/**
 * POST /acceptance/v1/conformance/results: one run of the conformance runner, as it reports it
 */
export interface ConformanceRun {
  runner: {
    name: string
    version: string
  }
  /**
   * RFC 3339 instant with an offset.
   */
  startedAt: string
  /**
   * RFC 3339 instant with an offset.
   */
  finishedAt: string
  /**
   * The SOAP scenarios ran too.
   */
  soap: boolean
  /**
   * Base URL the runner called.
   */
  target?: string
  /**
   * @minItems 1
   * @maxItems 200
   */
  scenarios: ConformanceScenarioResult[]
}
export interface ConformanceScenarioResult {
  name: string
  passed: boolean
  detail?: string
  durationMs?: number
}
/**
 * A conformance run as the gateway recorded it for a software house
 */
export interface ConformanceRecord {
  partyId: string
  /**
   * RFC 3339 instant with an offset.
   */
  receivedAt: string
  gatewayVersion: string
  /**
   * Every required scenario is present and passed.
   */
  fullPass: boolean
  /**
   * The scenarios a full pass needs (this gateway version).
   */
  required: string[]
  failed: string[]
  missing: string[]
  run: ConformanceRun
  /**
   * When the party's latest full pass was recorded (it unlocks production when requireConformancePass is set), or null.
   */
  lastFullPassAt: string | null
}
/**
 * Error answer (RFC 9457 application/problem+json)
 */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  errors?: FieldError[]
}
export interface FieldError {
  path?: string
  line?: number
  message: string
}
