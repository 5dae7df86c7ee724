/**
 * JSON Schemas of the judged-run and operator conformance routes: request bodies (validated by
 * the routes) and answers (for the OpenAPI document; answers are JSON.stringify'd).
 */
import { JUDGED_SCENARIOS } from './conformance/scenario-names.js'

const instant = { $ref: 'common.schema.json#/$defs/instant' } as const
const verdict = { type: 'string', enum: ['RUNNING', 'PASSED', 'FAILED', 'EXPIRED'] } as const

export const startRunBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cpasKbo: { $ref: 'common.schema.json#/$defs/kbo', description: 'The CPAS the run blinkers are created for; default the first you serve.' },
    deadlineMinutes: { type: 'integer', minimum: 5, maximum: 1440, description: 'Time to do everything; default 60.' },
  },
} as const

export const runIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } },
} as const

const runBlinker = {
  type: 'object',
  required: ['blinkerId', 'flow'],
  properties: {
    blinkerId: { type: 'string' },
    flow: { type: 'string' },
    code: { type: 'integer', description: 'The feedback code to send (for code-not-for-flow and comment-required: the one the gateway must refuse).' },
    commentRequired: { type: 'boolean', description: 'The code needs a comment: send one.' },
    secondCode: { type: 'integer', description: 'conflicting-resend: the other content under the same messageId; refused-reopens: the new feedback after the reopening.' },
  },
} as const

export const runView = {
  type: 'object',
  required: ['id', 'partyId', 'cpasKbo', 'startedAt', 'deadline', 'gatewayVersion', 'verdict', 'judgedAt', 'scenarios'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    partyId: { type: 'string' },
    cpasKbo: { type: 'string' },
    startedAt: instant,
    deadline: instant,
    gatewayVersion: { type: 'string' },
    verdict,
    judgedAt: { oneOf: [instant, { type: 'null' }], description: 'When the verdict became final (it no longer changes); null while RUNNING.' },
    scenarios: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'todo', 'actions', 'blinkers', 'status', 'reason'],
        properties: {
          name: { type: 'string', enum: [...JUDGED_SCENARIOS] },
          todo: { type: 'string', description: 'What your software must do, in words.' },
          actions: { type: 'array', items: { type: 'string' }, description: 'The same as steps, in order (receive, acknowledge, feedback, resend-same-message, sandbox-decision-accepted, …).' },
          blinkers: { type: 'array', items: runBlinker },
          refusal: { type: 'object', required: ['status', 'code'], properties: { status: { type: 'integer' }, code: { type: 'string' } }, description: 'The refusal the gateway must answer you during the run.' },
          cpasKbo: { type: 'string', description: 'wrong-cpas: a CPAS you do not serve.' },
          status: { type: 'string', enum: ['PASSED', 'FAILED', 'PENDING'] },
          reason: { type: 'string', description: 'What the gateway saw in its records, or what is still missing.' },
        },
      },
    },
  },
} as const

const revocation = {
  type: 'object',
  required: ['at', 'by', 'reason', 'runId'],
  properties: { at: instant, by: { type: 'string' }, reason: { type: 'string' }, runId: { type: 'string' } },
} as const

export const statusList = {
  type: 'object',
  required: ['parties'],
  properties: {
    parties: {
      type: 'array',
      items: {
        type: 'object',
        required: ['partyId', 'requireConformancePass', 'latestRun', 'pass', 'revoked'],
        properties: {
          partyId: { type: 'string' },
          name: { type: 'string' },
          requireConformancePass: { type: 'boolean', description: 'Production refuses the party until a judged pass.' },
          latestRun: {
            oneOf: [
              { type: 'object', required: ['id', 'startedAt', 'deadline', 'verdict', 'judgedAt'], properties: { id: { type: 'string' }, startedAt: instant, deadline: instant, verdict, judgedAt: { oneOf: [instant, { type: 'null' }] } } },
              { type: 'null' },
            ],
          },
          pass: {
            oneOf: [{ type: 'object', required: ['runId', 'passedAt', 'gatewayVersion'], properties: { runId: { type: 'string' }, passedAt: instant, gatewayVersion: { type: 'string' } } }, { type: 'null' }],
            description: 'The latest judged full pass (what opens production), null when none or revoked.',
          },
          revoked: { oneOf: [revocation, { type: 'null' }], description: 'The latest revocation of a pass.' },
        },
      },
    },
  },
} as const

export const revokeParams = {
  type: 'object',
  required: ['partyId'],
  properties: { partyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
} as const

export const revokeBody = {
  type: 'object',
  required: ['by', 'reason'],
  additionalProperties: false,
  properties: {
    // A letter at least: an id of digits only could be a NISS, and this goes to the audit trail.
    by: { type: 'string', pattern: '^(?=.*[A-Za-z])[A-Za-z0-9._@-]{2,64}$', description: 'The person revoking (their login or e-mail), recorded in the audit trail.' },
    reason: { type: 'string', minLength: 3, maxLength: 500 },
  },
} as const

export const revokeResult = {
  type: 'object',
  required: ['partyId', 'revoked'],
  properties: { partyId: { type: 'string' }, revoked: revocation },
} as const
