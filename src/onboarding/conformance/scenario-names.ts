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
