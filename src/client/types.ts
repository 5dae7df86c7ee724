/**
 * The REST API's messages as TypeScript types, for a software house's Node code. Self-contained
 * (nothing imported from the gateway), so the client folder can be copied out as is. Kept in step
 * with the published JSON Schemas by tests/client/schema-types.test.ts: each *_FIELDS list below
 * must name exactly the properties of its schema, and the compile-time checks under each list make
 * the list name exactly the fields of its type.
 */

export type Regime = 'DIS' | 'LAW_1965'
export type FormType = 'B' | 'C' | 'D'
export type Flow =
  | 'FAMILY_ALLOWANCES'
  | 'UNEMPLOYMENT'
  | 'WORK_INCOME_DIMONA'
  | 'WORK_INCOME_DMFA'
  | 'PENSION'
  | 'CADASTRAL_INCOME'
  | 'INSURABILITY'
  | 'DISABILITY_ALLOWANCES'
export type BlinkerStatus = 'PUBLISHED' | 'DELIVERED' | 'ACKNOWLEDGED' | 'FEEDBACK_RECEIVED' | 'FORWARDED' | 'REOPENED' | 'CLOSED'
export type FeedbackStatus = 'RECEIVED' | 'FORWARDED' | 'ACCEPTED' | 'REFUSED' | 'DEAD_LETTERED'
export type Decision = 'ACCEPTED' | 'REFUSED'

export interface Beneficiary {
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
  sourceKbo?: string
  description: string
}

export interface Blinker {
  blinkerId: string
  cpasKbo: string
  regime: Regime
  beneficiary: Beneficiary
  form: SubsidyForm
  flow: Flow
  finding: Finding
  detectedAt: string
}

export interface HistoryEntry {
  at: string
  status: string
  cause: string
  by?: string
}

/** A blinker as read back: mailbox pages, GET /v1/blinkers/{id} (with history), push bodies. */
export interface PublishedBlinker extends Blinker {
  status: BlinkerStatus
  publishedAt: string
  history?: HistoryEntry[]
}

export interface BlinkerPage {
  blinkers: PublishedBlinker[]
  /** Always present: pass it as `after` next time. */
  next: string
}

export interface Feedback {
  messageId: string
  blinkerId: string
  cpasKbo: string
  code: number
  comment?: string
  sentAt: string
}

export interface Receipt {
  messageId: string
  receivedAt: string
  status: FeedbackStatus
}

export interface ItemError {
  path?: string
  line?: number
  message: string
  code: string
}

export interface FeedbackBatchResult {
  receipts: Receipt[]
  rejected: { index: number; errors: ItemError[] }[]
}

export interface FeedbackStatusView {
  messageId: string
  blinkerId: string
  code: number
  status: FeedbackStatus
  history: HistoryEntry[]
}

export interface DecisionRequest {
  messageId: string
  decision: Decision
  reason?: string
}

export interface DecisionResult {
  messageId: string
  blinkerId: string
  code: number
  decision: Decision
  status: FeedbackStatus
  blinkerStatus: BlinkerStatus
  history: HistoryEntry[]
}

export interface Subscription {
  url: string
  updatedAt: string
}

export interface FeedbackCode {
  code: number
  kind: 'JUSTIFIED' | 'UNJUSTIFIED'
  flows: 'ALL' | Flow[]
  provisional: boolean
  commentRequired?: boolean
  labels: { fr: string; nl: string; en: string }
}

export interface FeedbackCatalogue {
  version: string
  note?: string
  codes: FeedbackCode[]
}

export interface SandboxProfile {
  partyId: string
  cpas: string[]
  requireConformancePass: boolean
}

export interface SandboxBlinkersRequest {
  cpasKbo: string
  count?: number
  flows?: Flow[]
}

export interface SandboxResetResult {
  deleted: number
  kept: string[]
  next: string
}

export interface ConformanceScenarioResult {
  name: string
  passed: boolean
  detail?: string
  durationMs?: number
}

export interface ConformanceRun {
  runner: { name: string; version: string }
  startedAt: string
  finishedAt: string
  soap: boolean
  target?: string
  scenarios: ConformanceScenarioResult[]
}

export interface ConformanceRecord {
  partyId: string
  receivedAt: string
  gatewayVersion: string
  fullPass: boolean
  required: string[]
  failed: string[]
  missing: string[]
  run: ConformanceRun
  lastFullPassAt: string | null
}

/** RFC 9457 problem document of the gateway. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  errors?: { path?: string; line?: number; message: string }[]
}

// ---- field lists pinned to the schemas (runtime) and to the types (compile time) ----

/** `Exact<T, L>` is `true` only when the list L names every key of T and nothing else. */
type Exact<T, L extends readonly PropertyKey[]> = [Exclude<keyof T, L[number]>, Exclude<L[number], keyof T>] extends [never, never] ? true : false
const exact = <_ extends true>(): void => undefined

export const BLINKER_FIELDS = ['blinkerId', 'cpasKbo', 'regime', 'beneficiary', 'form', 'flow', 'finding', 'detectedAt'] as const
exact<Exact<Blinker, typeof BLINKER_FIELDS>>()
export const PUBLISHED_BLINKER_FIELDS = [...BLINKER_FIELDS, 'status', 'publishedAt', 'history'] as const
exact<Exact<PublishedBlinker, typeof PUBLISHED_BLINKER_FIELDS>>()
export const BENEFICIARY_FIELDS = ['niss', 'lastName', 'firstName'] as const
exact<Exact<Beneficiary, typeof BENEFICIARY_FIELDS>>()
export const FORM_FIELDS = ['type', 'reference', 'periodStart', 'periodEnd'] as const
exact<Exact<SubsidyForm, typeof FORM_FIELDS>>()
export const FINDING_FIELDS = ['periodStart', 'periodEnd', 'amountCents', 'sourceKbo', 'description'] as const
exact<Exact<Finding, typeof FINDING_FIELDS>>()
export const FEEDBACK_FIELDS = ['messageId', 'blinkerId', 'cpasKbo', 'code', 'comment', 'sentAt'] as const
exact<Exact<Feedback, typeof FEEDBACK_FIELDS>>()
export const RECEIPT_FIELDS = ['messageId', 'receivedAt', 'status'] as const
exact<Exact<Receipt, typeof RECEIPT_FIELDS>>()
export const BLINKER_PAGE_FIELDS = ['blinkers', 'next'] as const
exact<Exact<BlinkerPage, typeof BLINKER_PAGE_FIELDS>>()
export const FEEDBACK_BATCH_RESULT_FIELDS = ['receipts', 'rejected'] as const
exact<Exact<FeedbackBatchResult, typeof FEEDBACK_BATCH_RESULT_FIELDS>>()
export const FEEDBACK_STATUS_FIELDS = ['messageId', 'blinkerId', 'code', 'status', 'history'] as const
exact<Exact<FeedbackStatusView, typeof FEEDBACK_STATUS_FIELDS>>()
export const DECISION_REQUEST_FIELDS = ['messageId', 'decision', 'reason'] as const
exact<Exact<DecisionRequest, typeof DECISION_REQUEST_FIELDS>>()
export const DECISION_RESULT_FIELDS = ['messageId', 'blinkerId', 'code', 'decision', 'status', 'blinkerStatus', 'history'] as const
exact<Exact<DecisionResult, typeof DECISION_RESULT_FIELDS>>()
export const SANDBOX_BLINKERS_REQUEST_FIELDS = ['cpasKbo', 'count', 'flows'] as const
exact<Exact<SandboxBlinkersRequest, typeof SANDBOX_BLINKERS_REQUEST_FIELDS>>()
export const SANDBOX_RESET_RESULT_FIELDS = ['deleted', 'kept', 'next'] as const
exact<Exact<SandboxResetResult, typeof SANDBOX_RESET_RESULT_FIELDS>>()
export const CONFORMANCE_RUN_FIELDS = ['runner', 'startedAt', 'finishedAt', 'soap', 'target', 'scenarios'] as const
exact<Exact<ConformanceRun, typeof CONFORMANCE_RUN_FIELDS>>()
export const CONFORMANCE_RECORD_FIELDS = ['partyId', 'receivedAt', 'gatewayVersion', 'fullPass', 'required', 'failed', 'missing', 'run', 'lastFullPassAt'] as const
exact<Exact<ConformanceRecord, typeof CONFORMANCE_RECORD_FIELDS>>()
export const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'code', 'errors'] as const
exact<Exact<Problem, typeof PROBLEM_FIELDS>>()

/** Schema file → (JSON pointer of an object in it → the field list the client declares for it). */
export const SCHEMA_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'blinker.schema.json': { '': BLINKER_FIELDS, '/properties/beneficiary': BENEFICIARY_FIELDS, '/properties/form': FORM_FIELDS, '/properties/finding': FINDING_FIELDS },
  'published-blinker.schema.json': { '': PUBLISHED_BLINKER_FIELDS },
  'blinker-page.schema.json': { '': BLINKER_PAGE_FIELDS },
  'feedback.schema.json': { '': FEEDBACK_FIELDS },
  'receipt.schema.json': { '': RECEIPT_FIELDS },
  'feedback-batch-result.schema.json': { '': FEEDBACK_BATCH_RESULT_FIELDS },
  'feedback-status.schema.json': { '': FEEDBACK_STATUS_FIELDS },
  'decision-request.schema.json': { '': DECISION_REQUEST_FIELDS },
  'decision-result.schema.json': { '': DECISION_RESULT_FIELDS },
  'sandbox-blinkers-request.schema.json': { '': SANDBOX_BLINKERS_REQUEST_FIELDS },
  'sandbox-reset-result.schema.json': { '': SANDBOX_RESET_RESULT_FIELDS },
  'conformance-run.schema.json': { '': CONFORMANCE_RUN_FIELDS },
  'conformance-record.schema.json': { '': CONFORMANCE_RECORD_FIELDS },
  'problem.schema.json': { '': PROBLEM_FIELDS },
}
