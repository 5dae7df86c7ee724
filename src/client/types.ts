/**
 * The REST API's messages as TypeScript types, for a software house's Node code. Every message
 * with a published JSON Schema comes from schema-types.ts, which is GENERATED from
 * schemas/*.schema.json (packages/client/scripts/generate-types.mjs; tests/client/schema-types.test.ts
 * fails while it is stale), so nothing here restates a schema by hand. Only the few answers that
 * have no published schema are declared below. Self-contained: nothing imported from the gateway.
 */
import type { FeedbackBatchResult } from './schema-types.js'

export type * from './schema-types.js'

/** One refused item of a feedback batch (the generated RejectedItem under its older name). */
export type RejectedFeedback = FeedbackBatchResult['rejected'][number]

/** GET / PUT /{env}/v1/subscriptions/self answer (no published schema). */
export interface Subscription {
  url: string
  updatedAt: string
}

/** GET /acceptance/v1/sandbox/profile answer (no published schema). */
export interface SandboxProfile {
  partyId: string
  cpas: string[]
  requireConformancePass: boolean
}
