/**
 * Examples shown in the OpenAPI document. Each names the published schema it must satisfy, and
 * tests/docs/openapi.test.ts validates every one of them with the gateway's own validator, so the
 * documentation can never show a message the gateway would refuse.
 */
import type { Blinker } from '../domain/model.js'

export interface DocExample {
  /** Published schema file the value must satisfy. */
  schema: string
  value: unknown
}

/** The sample blinker of the documentation; tests and the bench derive their fixtures from it. */
export const EXAMPLE_BLINKER: Blinker = {
  blinkerId: 'CLI-2026-000000001',
  cpasKbo: '0212344876',
  regime: 'DIS',
  beneficiary: { niss: '85073003328', lastName: 'Dupont', firstName: 'Marie' },
  form: { type: 'B', reference: 'B-2026-0001', periodStart: '2026-01-01', periodEnd: '2026-01-31' },
  flow: 'WORK_INCOME_DIMONA',
  finding: { periodStart: '2026-01-05', amountCents: 123456, sourceKbo: '0207151616', description: 'Dimona declaration for January' },
  detectedAt: '2026-02-10T08:30:00+01:00',
}

const publishedBlinker = {
  ...EXAMPLE_BLINKER,
  status: 'FEEDBACK_RECEIVED',
  publishedAt: '2026-02-10T09:00:00.000Z',
  history: [
    { at: '2026-02-10T09:00:00.000Z', status: 'PUBLISHED', cause: 'published', by: 'publisher' },
    { at: '2026-02-10T09:05:00.000Z', status: 'DELIVERED', cause: 'pulled', by: 'alpha' },
    { at: '2026-02-12T08:00:03.000Z', status: 'FEEDBACK_RECEIVED', cause: 'feedback:131', by: 'alpha' },
  ],
}

const feedback = {
  messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  blinkerId: 'CLI-2026-000000001',
  cpasKbo: '0212344876',
  code: 131,
  sentAt: '2026-02-12T09:00:00+01:00',
}

const receipt = { messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', receivedAt: '2026-02-12T08:00:03.000Z', status: 'RECEIVED' }

export const EXAMPLES = {
  blinkerBatch: { schema: 'blinker-batch.schema.json', value: { blinkers: [EXAMPLE_BLINKER] } },
  publishResult: {
    schema: 'publish-result.schema.json',
    value: { accepted: 1, duplicates: 0, rejected: [{ index: 1, errors: [{ path: '/cpasKbo', message: 'must be a valid enterprise number (10 digits, mod-97 check)', code: 'GW_ERR_VALIDATION' }] }] },
  },
  publishedBlinker: { schema: 'published-blinker.schema.json', value: publishedBlinker },
  blinkerPage: {
    schema: 'blinker-page.schema.json',
    value: { blinkers: [{ ...EXAMPLE_BLINKER, status: 'DELIVERED', publishedAt: '2026-02-10T09:00:00.000Z' }], next: 'MTc3MDcxNDAwMDAwMC0w' },
  },
  resolveRequest: { schema: 'resolve-request.schema.json', value: { reason: 'FORM_D_RECEIVED' } },
  feedback: { schema: 'feedback.schema.json', value: feedback },
  feedbackBatch: {
    schema: 'feedback-batch.schema.json',
    value: { feedback: [feedback, { ...feedback, messageId: '9b2f1c1e-7f0a-4c53-8d4e-2f7f5f0c9a11', code: 999, comment: 'Income already deducted in the January decision' }] },
  },
  receipt: { schema: 'receipt.schema.json', value: receipt },
  feedbackBatchResult: {
    schema: 'feedback-batch-result.schema.json',
    value: { receipts: [receipt], rejected: [{ index: 1, errors: [{ path: '/comment', message: 'is required for code 999', code: 'GW_ERR_BUSINESS_RULE' }] }] },
  },
  feedbackStatus: {
    schema: 'feedback-status.schema.json',
    value: {
      messageId: feedback.messageId,
      blinkerId: feedback.blinkerId,
      code: 131,
      status: 'FORWARDED',
      history: [
        { at: '2026-02-12T08:00:03.000Z', status: 'RECEIVED', cause: 'received', by: 'alpha' },
        { at: '2026-02-12T08:00:04.000Z', status: 'FORWARDED', cause: 'forwarded', by: 'inspection' },
      ],
    },
  },
  decisionRequest: { schema: 'decision-request.schema.json', value: { messageId: feedback.messageId, decision: 'ACCEPTED' } },
  decisionResult: {
    schema: 'decision-result.schema.json',
    value: {
      messageId: feedback.messageId,
      blinkerId: feedback.blinkerId,
      code: 131,
      decision: 'ACCEPTED',
      status: 'ACCEPTED',
      blinkerStatus: 'CLOSED',
      history: [
        { at: '2026-02-12T08:00:03.000Z', status: 'RECEIVED', cause: 'received', by: 'alpha' },
        { at: '2026-02-12T08:00:04.000Z', status: 'FORWARDED', cause: 'forwarded', by: 'inspection' },
        { at: '2026-02-13T10:00:00.000Z', status: 'ACCEPTED', cause: 'decision:ACCEPTED', by: 'inspection' },
      ],
    },
  },
  subscriptionRequest: { schema: 'subscription-request.schema.json', value: { url: 'https://software-house.example/blinkers', secret: 'a-long-shared-secret-0123456789' } },
  replayRequest: { schema: 'dead-letter-replay-request.schema.json', value: { queue: 'forward', since: '2026-02-01T00:00:00Z', dryRun: true } },
} as const satisfies Record<string, DocExample>
