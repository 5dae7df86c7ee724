/**
 * The canonical model (contract section 3). REST bodies, SOAP elements and stored records all map
 * to these types; the JSON Schemas in schemas/ and the XSD describe the same fields in the same
 * order (FIELD_ORDER below drives the XML mapping).
 */

export const REGIMES = ['DIS', 'LAW_1965'] as const
export type Regime = (typeof REGIMES)[number]

export const FORM_TYPES = ['B', 'C', 'D'] as const
export type FormType = (typeof FORM_TYPES)[number]

/**
 * The eight flows of v1 (common.schema.json#/$defs/flow, XSD gw:Flow): every software house
 * receives them. Later flows are catalogue data (schemas/flows.json, src/flows/).
 */
export const FLOWS = [
  'FAMILY_ALLOWANCES',
  'UNEMPLOYMENT',
  'WORK_INCOME_DIMONA',
  'WORK_INCOME_DMFA',
  'PENSION',
  'CADASTRAL_INCOME',
  'INSURABILITY',
  'DISABILITY_ALLOWANCES',
] as const
/** A v1 flow. */
export type Flow = (typeof FLOWS)[number]
/**
 * A blinker's flow: a code of the flow catalogue (schemas/flows.json) — a v1 Flow or one added
 * later without a new message version (the schemas accept the code's shape; publication checks
 * the catalogue, src/flows/flow-catalogue.ts). The v1 names stay literals for the editor's sake.
 */
export type CatalogueFlow = Flow | (string & Record<never, never>)

/** Contract section 4. */
export const BLINKER_STATUSES = [
  'PUBLISHED',
  'DELIVERED',
  'ACKNOWLEDGED',
  'FEEDBACK_RECEIVED',
  'FORWARDED',
  'REOPENED',
  'CLOSED',
] as const
export type BlinkerStatus = (typeof BLINKER_STATUSES)[number]

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

/** A blinker as the publisher sends it. */
export interface Blinker {
  blinkerId: string
  cpasKbo: string
  regime: Regime
  beneficiary: Beneficiary
  form: SubsidyForm
  /**
   * Typed as a v1 Flow; at run time a published blinker may carry any code of the flow catalogue
   * (CatalogueFlow), so look flows up in maps with a fallback, never in a Record<Flow, …> alone.
   */
  flow: Flow
  finding: Finding
  detectedAt: string
}

/** One recorded transition: when, to what, and why. */
export interface HistoryEntry {
  at: string
  status: string
  cause: string
  by?: string
}

/** A blinker as read back (REST GET, mailbox, SOAP GetBlinkers). */
export interface PublishedBlinker extends Blinker {
  status: BlinkerStatus
  publishedAt: string
  history?: HistoryEntry[]
}

export interface Feedback {
  messageId: string
  blinkerId: string
  cpasKbo: string
  code: number
  comment?: string
  sentAt: string
}

export const FEEDBACK_STATUSES = ['RECEIVED', 'FORWARDED', 'ACCEPTED', 'REFUSED', 'DEAD_LETTERED'] as const
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number]

export interface Receipt {
  messageId: string
  receivedAt: string
  status: FeedbackStatus
}

/** Field order of each structure, as in the XSD sequences. */
export const FIELD_ORDER = {
  blinker: ['blinkerId', 'cpasKbo', 'regime', 'beneficiary', 'form', 'flow', 'finding', 'detectedAt', 'status', 'publishedAt'],
  beneficiary: ['niss', 'lastName', 'firstName'],
  form: ['type', 'reference', 'periodStart', 'periodEnd'],
  finding: ['periodStart', 'periodEnd', 'amountCents', 'sourceKbo', 'description'],
  feedback: ['messageId', 'blinkerId', 'cpasKbo', 'code', 'comment', 'sentAt'],
  receipt: ['messageId', 'receivedAt', 'status'],
} as const
