/**
 * Request and answer schemas of the follow-up routes (contract section 9). Requests are checked
 * by the route (400 before any Redis access: GW_ERR_VALIDATION for the body, GW_ERR_BAD_PARAMETER
 * for the path and query); answers are documented, not filtered.
 */
import { PERIOD_PATTERN } from '../statistics/statistics-service.js'
import { FINDINGS, FOLLOW_UP_ID_PATTERN, FOLLOW_UP_STATUSES } from './model.js'

const kbo = { $ref: 'common.schema.json#/$defs/kbo' }
const date = { $ref: 'common.schema.json#/$defs/date' }
const text = (max: number, description: string) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S', description })
const period = { type: 'string', pattern: PERIOD_PATTERN, description: 'Calendar year YYYY, as in GET /v1/statistics: the trajectory starts there.' }
const status = { enum: [...FOLLOW_UP_STATUSES] }

export const cpasParams = { type: 'object', required: ['kbo'], properties: { kbo }, additionalProperties: false } as const

export const followUpParams = {
  type: 'object',
  required: ['kbo', 'id'],
  properties: { kbo, id: { type: 'string', pattern: FOLLOW_UP_ID_PATTERN, description: 'Follow-up id, FU-000001 …' } },
  additionalProperties: false,
} as const

export const listQuery = {
  type: 'object',
  properties: {
    status: { ...status, description: 'Only follow-ups in this status; absent: all.' },
    limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$', description: 'Follow-ups per page, 1–500. Absent (and no `after`): every follow-up in one answer.' },
    after: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,96}$', description: 'The `next` of the previous page (opaque). A cursor this list did not give out is 400. Without `limit`, pages of 500.' },
  },
  additionalProperties: false,
} as const

export const openBody = {
  type: 'object',
  required: ['reason', 'period'],
  properties: { reason: text(2000, 'Why the follow-up is opened (e.g. "above 10 % in 2016").'), period },
  additionalProperties: false,
} as const

const visit = {
  type: 'object',
  required: ['date', 'inspector', 'findings'],
  properties: {
    date: { ...date, description: 'Day of the on-site visit.' },
    inspector: text(200, 'The inspector who visited.'),
    findings: {
      type: 'array',
      maxItems: FINDINGS.length,
      uniqueItems: true,
      items: { enum: [...FINDINGS] },
      description:
        'Causes found (seed section 3): FORM_B_PARTNER_INCOME_MISSING (form B without the partner\'s income), ISP_EXEMPTION_NOT_DECLARED (employment income under the ISP exemption, neither completed nor the ISP declared), EX_PARTNER_ON_FORM (an ex-partner still on form B), FORM_INCOME_NOT_UPDATED, BLINKERS_NOT_PROCESSED (blinkers not examined or no feedback sent), FLOW_DATA_LATE (the flow was late or incomplete), OTHER (say what in notes).',
    },
    notes: { type: 'string', maxLength: 4000, description: 'Free text; required with OTHER.' },
  },
  additionalProperties: false,
  if: { required: ['findings'], properties: { findings: { type: 'array', contains: { const: 'OTHER' } } } },
  then: { required: ['notes'], properties: { notes: { type: 'string', pattern: '\\S' } } },
} as const

const action = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid', description: 'Absent: a new action (text, owner and dueDate required). Present: that action is updated with the fields given.' },
    text: text(1000, 'What the CPAS (or the inspection) will do.'),
    owner: text(200, 'Who does it.'),
    dueDate: date,
    done: { type: 'boolean', description: 'Default false for a new action.' },
  },
  additionalProperties: false,
  minProperties: 1,
} as const

export const patchBody = {
  type: 'object',
  properties: {
    visits: { type: 'array', minItems: 1, maxItems: 20, items: visit, description: 'Visits to add.' },
    actions: { type: 'array', minItems: 1, maxItems: 50, items: action, description: 'Actions to add (no id) or update (id).' },
    status: { ...status, description: 'The next status: one step forward only (OPEN → PLAN_AGREED → MONITORING → CLOSED); PLAN_AGREED needs at least one action.' },
  },
  additionalProperties: false,
  minProperties: 1,
} as const

const trajectoryPoint = {
  type: 'object',
  required: ['period', 'rate'],
  properties: {
    period: { type: 'string' },
    rate: { type: ['number', 'null'], description: 'filesWithBlinker / files, both regimes together; null without files.' },
    files: { type: 'integer' },
    filesWithBlinker: { type: 'integer' },
  },
}

// Answers as stored (model.ts); every required property is also described, so the OpenAPI
// document's types are complete (redocly's no-required-schema-properties-undefined).
const stamp = { type: 'string', format: 'date-time' }
const storedVisit = {
  type: 'object',
  required: ['id', 'date', 'inspector', 'findings', 'addedAt', 'addedBy'],
  properties: { id: { type: 'string' }, date, inspector: { type: 'string' }, findings: { type: 'array', items: { enum: [...FINDINGS] } }, notes: { type: 'string' }, addedAt: stamp, addedBy: { type: 'string' } },
}
const storedAction = {
  type: 'object',
  required: ['id', 'text', 'owner', 'dueDate', 'done', 'updatedAt', 'updatedBy'],
  properties: { id: { type: 'string' }, text: { type: 'string' }, owner: { type: 'string' }, dueDate: date, done: { type: 'boolean' }, doneAt: stamp, updatedAt: stamp, updatedBy: { type: 'string' } },
}

export const followUpSchema = {
  type: 'object',
  required: ['id', 'cpasKbo', 'status', 'openedAt', 'openedBy', 'reason', 'period', 'visits', 'actions', 'trajectory', 'targetMet', 'history'],
  properties: {
    id: { type: 'string', pattern: FOLLOW_UP_ID_PATTERN },
    cpasKbo: kbo,
    status,
    openedAt: { type: 'string', format: 'date-time' },
    openedBy: { type: 'string', description: 'The person (when logged in on the pages) or the party.' },
    reason: { type: 'string' },
    period: { type: 'string' },
    visits: { type: 'array', items: storedVisit },
    actions: { type: 'array', items: storedAction },
    trajectory: { type: 'array', items: trajectoryPoint, description: "The CPAS's rate per period from the follow-up's period on, from the statistics counters." },
    targetMet: { type: 'boolean', description: 'The latest rated period is under 5 %.' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'by', 'change'],
        properties: {
          at: stamp,
          by: { type: 'string', description: 'The person (id) when logged in on the pages, else the party.' },
          byName: { type: 'string', description: "The person's display name, when a logged-in person made the change." },
          change: { enum: ['opened', 'visit-added', 'action-added', 'action-updated', 'status-changed'] },
        },
      },
      description: 'Every change: at, by (byName), change (opened, visit-added, action-added, action-updated, status-changed) and what it names.',
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

export const followUpList = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: followUpSchema } } } as const

/** GET /v1/follow-ups: the list, or a page of it with `next` while more remain. */
export const followUpPage = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: followUpSchema }, next: { type: 'string', description: 'Pass as `after` to continue; absent at the end of the list (and when no `limit` or `after` was given).' } },
} as const
