/**
 * The names of the conformance scenarios, shared by the runner (which runs them) and the gateway
 * (which decides whether a recorded run is a full pass). A full pass needs every REQUIRED one;
 * the SOAP ones are recorded when run (`--soap`) but a REST-only software house does not need them.
 */
export const REQUIRED_SCENARIOS = [
  'pull-and-acknowledge',
  'push-signature',
  'each-feedback-code',
  'code-not-for-flow',
  'comment-required',
  'idempotent-resend',
  'conflicting-resend',
  'closed-blinker',
  'refused-reopens',
  'wrong-cpas',
  'invalid-message',
  'invalid-xml',
] as const

export const SOAP_SCENARIOS = ['soap-pull-and-acknowledge', 'soap-feedback', 'soap-code-not-for-flow'] as const

export type ScenarioName = (typeof REQUIRED_SCENARIOS)[number] | (typeof SOAP_SCENARIOS)[number]

/**
 * The scenarios of a run the GATEWAY judges (POST /acceptance/v1/conformance/runs): the party's own
 * software does each on blinkers the gateway created, and the gateway reads the outcome from its
 * own records. Only a run with every one of them passed opens production (requireConformancePass).
 */
export const JUDGED_SCENARIOS = [
  'pull-and-acknowledge',
  'each-feedback-code',
  'code-not-for-flow',
  'comment-required',
  'idempotent-resend',
  'conflicting-resend',
  'closed-blinker',
  'refused-reopens',
  'wrong-cpas',
  'invalid-message',
  'invalid-xml',
] as const

export type JudgedScenarioName = (typeof JUDGED_SCENARIOS)[number]
