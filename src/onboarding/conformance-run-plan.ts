/**
 * What a gateway-judged conformance run asks of a software house: which sandbox blinkers it
 * creates for each scenario, what the party's software must do with each (receive, acknowledge,
 * send this code, re-send, provoke this refusal), and what the judge (conformance-judge.ts) will
 * look for in the gateway's records. Pure: the blinkers come from the sandbox service, the codes
 * from the published catalogue, so a code added there is covered by the next run.
 */
import { codeAppliesTo, loadCatalogue, type FeedbackCode, type FeedbackKind } from '../domain/feedback-codes.js'
import { FLOWS, type Blinker, type Flow } from '../domain/model.js'
import type { ErrorCode } from '../errors.js'
import type { JudgedScenarioName } from './conformance/scenario-names.js'

/** The steps a scenario asks for, in order (the `todo` text says the same in words). */
export type RunAction =
  | 'receive'
  | 'acknowledge'
  | 'feedback'
  | 'feedback-without-comment'
  | 'resend-same-message'
  | 'resend-same-messageId-other-code'
  | 'sandbox-decision-accepted'
  | 'sandbox-decision-refused'
  | 'feedback-again'
  | 'call-unserved-cpas'
  | 'send-invalid-feedback'
  | 'send-malformed-soap'

export interface RunBlinker {
  blinkerId: string
  flow: Flow
  /** The feedback code to send first (for code-not-for-flow and comment-required: the one to be refused). */
  code?: number
  /** The code needs a comment: send one. */
  commentRequired?: boolean
  /** The second code: the other content of conflicting-resend, the new feedback of refused-reopens. */
  secondCode?: number
}

export interface ExpectedRefusal {
  status: number
  code: ErrorCode
}

export interface PlannedScenario {
  name: JudgedScenarioName
  /** What the party's software must do, in words. */
  todo: string
  actions: RunAction[]
  blinkers: RunBlinker[]
  /** The refusal the gateway must see from the party during the run. */
  refusal?: ExpectedRefusal
  /** wrong-cpas: a valid enterprise number the party does not serve. */
  cpasKbo?: string
}

const CODES: readonly FeedbackCode[] = loadCatalogue().codes

function codeFor(flow: Flow, kind: FeedbackKind): FeedbackCode {
  const found = CODES.find((c) => c.kind === kind && !c.commentRequired && codeAppliesTo(c, flow))
  // The catalogue has JUSTIFIED codes for ALL flows and 170 (UNJUSTIFIED, ALL): a catalogue that
  // loses them is a deployment error, not the caller's.
  if (!found) throw new Error(`the feedback-code catalogue has no ${kind} code without comment for ${flow}`)
  return found
}

/** A flow-specific code and a flow it does not apply to (code-not-for-flow). */
function codeNotForFlow(): { code: FeedbackCode; flow: Flow } {
  for (const code of CODES) {
    if (code.flows === 'ALL' || code.commentRequired) continue
    const flow = FLOWS.find((f) => !codeAppliesTo(code, f))
    if (flow) return { code, flow }
  }
  throw new Error('the feedback-code catalogue has no flow-specific code')
}

const commentCode = (): FeedbackCode => {
  const found = CODES.find((c) => c.commentRequired)
  if (!found) throw new Error('the feedback-code catalogue has no code with commentRequired')
  return found
}

/** The flow each catalogue code is tried on: its first flow, or the flows in turn for ALL. */
const flowOfCode = (c: FeedbackCode, i: number): Flow => (c.flows === 'ALL' ? (FLOWS[i % FLOWS.length] as Flow) : ((c.flows.find((f) => (FLOWS as readonly string[]).includes(f)) ?? FLOWS[0]) as Flow))

/** The flows of the blinkers a run needs, in the order buildPlan consumes them. */
export function blinkerFlows(): Flow[] {
  const nff = codeNotForFlow()
  return [
    'WORK_INCOME_DIMONA', // pull-and-acknowledge
    ...CODES.map(flowOfCode), // each-feedback-code
    nff.flow, // code-not-for-flow
    'WORK_INCOME_DMFA', // comment-required
    'PENSION', // idempotent-resend
    'PENSION', // conflicting-resend
    'WORK_INCOME_DMFA', // closed-blinker
    'WORK_INCOME_DIMONA', // refused-reopens
  ]
}

/** The scenarios over the blinkers created for blinkerFlows() (same order), and an unserved KBO. */
export function buildPlan(blinkers: readonly Pick<Blinker, 'blinkerId' | 'flow'>[], unservedKbo: string): PlannedScenario[] {
  let next = 0
  const take = (): { blinkerId: string; flow: Flow } => {
    const b = blinkers[next++]
    if (!b) throw new Error('fewer sandbox blinkers than the plan needs')
    return { blinkerId: b.blinkerId, flow: b.flow }
  }
  const unjustified = (b: { flow: Flow }) => codeFor(b.flow, 'UNJUSTIFIED').code
  const justified = (b: { flow: Flow }) => codeFor(b.flow, 'JUSTIFIED').code
  const ack = take()
  const each = CODES.map((c) => ({ ...take(), code: c.code, ...(c.commentRequired ? { commentRequired: true } : {}) }))
  const nff = { ...take(), code: codeNotForFlow().code.code }
  const comment = { ...take(), code: commentCode().code }
  const idem = take()
  const conflict = take()
  const closed = take()
  const reopen = take()
  return [
    { name: 'pull-and-acknowledge', todo: 'Receive the blinker (pull your mailbox, REST or SOAP, or by push), then acknowledge it.', actions: ['receive', 'acknowledge'], blinkers: [ack] },
    {
      name: 'each-feedback-code',
      todo: 'Send one feedback message per blinker with exactly the code given (with a comment where commentRequired).',
      actions: ['feedback'],
      blinkers: each,
    },
    { name: 'code-not-for-flow', todo: "Send the code given, which does not apply to the blinker's flow: the gateway must refuse it.", actions: ['feedback'], blinkers: [nff], refusal: { status: 422, code: 'GW_ERR_CODE_NOT_FOR_FLOW' } },
    { name: 'comment-required', todo: 'Send the code given without a comment: the gateway must refuse it.', actions: ['feedback-without-comment'], blinkers: [comment], refusal: { status: 422, code: 'GW_ERR_BUSINESS_RULE' } },
    { name: 'idempotent-resend', todo: 'Send a feedback with the code given, then send the very same message again (same messageId, same content).', actions: ['feedback', 'resend-same-message'], blinkers: [{ ...idem, code: unjustified(idem) }] },
    {
      name: 'conflicting-resend',
      todo: 'Send a feedback with the code given, then the same messageId with secondCode: the gateway must refuse it.',
      actions: ['feedback', 'resend-same-messageId-other-code'],
      blinkers: [{ ...conflict, code: unjustified(conflict), secondCode: justified(conflict) }],
      refusal: { status: 409, code: 'GW_ERR_MESSAGE_ID_REUSED' },
    },
    {
      name: 'closed-blinker',
      todo: 'Send a feedback with the code given, decide ACCEPTED on it (POST /v1/sandbox/decisions), then send another feedback: the gateway must refuse it.',
      actions: ['feedback', 'sandbox-decision-accepted', 'feedback-again'],
      blinkers: [{ ...closed, code: unjustified(closed) }],
      refusal: { status: 409, code: 'GW_ERR_BLINKER_CLOSED' },
    },
    {
      name: 'refused-reopens',
      todo: 'Send a feedback with the code given, decide REFUSED on it (POST /v1/sandbox/decisions), then send a new feedback with secondCode.',
      actions: ['feedback', 'sandbox-decision-refused', 'feedback-again'],
      blinkers: [{ ...reopen, code: unjustified(reopen), secondCode: justified(reopen) }],
    },
    { name: 'wrong-cpas', todo: 'Call the mailbox of (or send a feedback for) the CPAS given, which you do not serve: the gateway must refuse it.', actions: ['call-unserved-cpas'], blinkers: [], cpasKbo: unservedKbo, refusal: { status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' } },
    { name: 'invalid-message', todo: 'Send a feedback that breaks its schema (e.g. a wrong check digit), REST or SOAP: the gateway must refuse it.', actions: ['send-invalid-feedback'], blinkers: [], refusal: { status: 400, code: 'GW_ERR_VALIDATION' } },
    { name: 'invalid-xml', todo: 'Send a malformed SOAP envelope to /soap: the gateway must refuse it.', actions: ['send-malformed-soap'], blinkers: [], refusal: { status: 400, code: 'GW_ERR_MALFORMED_XML' } },
  ]
}

/** Every blinker id of a plan. */
export const planBlinkerIds = (plan: readonly PlannedScenario[]): string[] => plan.flatMap((s) => s.blinkers.map((b) => b.blinkerId))
