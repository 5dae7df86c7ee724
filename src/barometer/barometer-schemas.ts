/**
 * JSON Schemas of the barometer routes, for validation of the parameters and for the OpenAPI
 * document (answers are serialized as they are: the schemas below describe them, contract 9).
 */
import { BAROMETER_DOMAINS } from './indicators.js'
import { NA_REASONS, TRENDS } from './scores.js'
import { SCORES } from './thresholds.js'

export const cycleQuery = {
  type: 'object',
  properties: {
    cycle: { type: 'string', maxLength: 20, description: '`YYYY-YYYY` (two calendar years starting on an even year, from 2016-2017 to the running one) or `current` (the default).' },
  },
  additionalProperties: false,
} as const

export const reportQuery = {
  type: 'object',
  properties: { ...cycleQuery.properties, lang: { enum: ['fr', 'nl', 'en'], description: 'Language of the report (else the Accept-Language header, else French).' } },
  additionalProperties: false,
} as const

export const partyParams = {
  type: 'object',
  required: ['partyId'],
  properties: { partyId: { type: 'string', pattern: '^(?:[a-z0-9][a-z0-9-]{0,62}|excel:[0-9]{10})$', description: "A software house's party id, or `excel:{kbo}` for a CPAS on Excel lists." } },
  additionalProperties: false,
} as const

const trend = { enum: [...TRENDS], description: 'Against the previous evaluation of the cycle (by score); absent for the first evaluation or when either is NOT_APPLICABLE.' }
const reason = { enum: [...NA_REASONS], description: 'Why NOT_APPLICABLE: notForKind (not an indicator of this kind of party), approvedOnly (a domain for approved software houses only), noValue (nothing counted), smallN (n under the minimum of the thresholds file).' }

const indicator = {
  type: 'object',
  required: ['indicator', 'value', 'n', 'score'],
  properties: {
    indicator: { type: 'string' },
    value: { type: ['number', 'null'], description: 'A share 0..1, or days (unit).' },
    n: { type: 'integer', description: 'The count the value is measured on (its denominator).' },
    score: { enum: [...SCORES] },
    unit: { enum: ['share', 'days'] },
    reason,
    provisional: { const: true, description: 'Needs a whole year processed (cross-checks) and the cycle has not ended.' },
    trend,
  },
}

const domain = {
  type: 'object',
  required: ['domain', 'score', 'indicators'],
  properties: { domain: { enum: [...BAROMETER_DOMAINS] }, score: { enum: [...SCORES] }, reason, trend, indicators: { type: 'array', items: indicator } },
}

const evaluationView = {
  type: 'object',
  required: ['id', 'end', 'complete'],
  properties: { id: { type: 'string', description: 'The semester it ends: YYYYH1 or YYYYH2.' }, end: { type: 'string', format: 'date', description: "The semester's last day." }, complete: { type: 'boolean', description: 'false for the running semester (to date).' } },
}

export const cycleSchema = {
  type: 'object',
  required: ['id', 'start', 'end', 'final'],
  properties: {
    id: { type: 'string' },
    start: { type: 'string', format: 'date', description: 'First day.' },
    end: { type: 'string', format: 'date', description: 'Last day (inclusive).' },
    final: { type: 'boolean', description: 'The cycle has ended: this is the final evaluation. false: an interim one (cross-checks provisional).' },
    asOf: { type: 'string', format: 'date-time' },
    evaluations: { type: 'array', items: evaluationView, description: 'The interim evaluations so far, cumulative from the cycle start to each semester end.' },
  },
}

const barometerProps = {
  partyId: { type: 'string' },
  kind: { enum: ['softwareHouse', 'excelCpas'] },
  approved: { type: 'boolean', description: 'A software house with a full conformance pass recorded in acceptance that is a party of production.' },
  evaluation: { type: 'string', description: 'The evaluation `domains` are of (the latest).' },
  domains: { type: 'array', items: domain },
}

export const barometerSchema = {
  type: 'object',
  required: ['partyId', 'approved', 'domains'],
  properties: {
    ...barometerProps,
    evaluations: { type: 'array', description: 'Every evaluation of the cycle, oldest first, each with its domains and trend.', items: { ...evaluationView, properties: { ...evaluationView.properties, domains: { type: 'array', items: domain } } } },
    cycle: cycleSchema,
    thresholdsVersion: { type: 'string' },
  },
}

export const barometerListSchema = {
  type: 'object',
  required: ['cycle', 'thresholdsVersion', 'parties'],
  properties: {
    cycle: cycleSchema,
    thresholdsVersion: { type: 'string', description: 'The version of GET /schemas/barometer-thresholds.json the scores are judged by.' },
    thresholdsStatus: { enum: ['provisional', 'final'] },
    parties: { type: 'array', items: { type: 'object', required: ['partyId', 'approved', 'domains'], properties: barometerProps } },
  },
}
