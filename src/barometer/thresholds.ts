/**
 * The barometer's published thresholds (schemas/barometer-thresholds.json, served as every
 * published file at GET /schemas/barometer-thresholds.json): read and checked once at start, so a
 * wrong edit stops the gateway with a message instead of scoring with half a file.
 *
 * Checked: the file's own schema (barometer-thresholds.schema.json); bounds in the order their
 * direction needs; shares within 0..1; and, against the indicators the gateway measures
 * (checkThresholds), one entry per indicator, in its unit, and no entry for an unknown one.
 */
import { readFileSync } from 'node:fs'
import { SCHEMAS_DIR } from '../paths.js'
import { schemaValidator, toFieldErrors } from '../validation/json-schemas.js'

export const SCORES = ['GOOD', 'LESS_GOOD', 'BAD', 'NOT_APPLICABLE'] as const
export type Score = (typeof SCORES)[number]
/** A verdict: every score but NOT_APPLICABLE, best first (the index is the rank). */
export const VERDICTS = ['GOOD', 'LESS_GOOD', 'BAD'] as const
export type Verdict = (typeof VERDICTS)[number]

export interface IndicatorThreshold {
  unit: 'share' | 'days'
  direction: 'lower-is-better' | 'higher-is-better'
  good: number
  lessGood: number
  minN: number
  note?: string
}

export interface DomainRule {
  /** worst (default): the worst applicable indicator; mean: the mean rank, a half rounded toward worse. */
  rule: 'worst' | 'mean'
  /** Only approved software houses are judged on this domain; default false. */
  approvedOnly?: boolean
  note?: string
}

export interface Thresholds {
  version: string
  status: 'provisional' | 'final'
  note?: string
  domains: Record<string, DomainRule>
  indicators: Record<string, IndicatorThreshold>
}

/** What the checks need to know of a measured indicator (INDICATORS of indicators.ts). */
export interface MeasuredIndicator {
  indicator: string
  domain: string
  unit: 'share' | 'days'
}

export class ThresholdsError extends Error {
  override name = 'ThresholdsError'
}

/** The published file. */
export const THRESHOLDS_FILE = `${SCHEMAS_DIR}/barometer-thresholds.json`

/** Parses and checks a thresholds document on its own (schema, bound order, share range). */
export function parseThresholds(data: unknown, source = 'barometer-thresholds.json'): Thresholds {
  const validate = schemaValidator('barometer-thresholds.schema.json')
  if (!validate(data)) {
    const problems = toFieldErrors(validate.errors).map((e) => `${e.path} ${e.message}`)
    throw new ThresholdsError(`${source} does not match barometer-thresholds.schema.json:\n  ${problems.join('\n  ')}`)
  }
  const doc = data as Thresholds
  const problems: string[] = []
  for (const [id, th] of Object.entries(doc.indicators)) {
    const ordered = th.direction === 'lower-is-better' ? th.good <= th.lessGood : th.good >= th.lessGood
    if (!ordered) problems.push(`${id}: good ${th.good} and lessGood ${th.lessGood} are in the wrong order for ${th.direction}`)
    if (th.unit === 'share' && (th.good > 1 || th.lessGood > 1)) problems.push(`${id}: a share's bounds are within 0..1`)
  }
  if (problems.length > 0) throw new ThresholdsError(`${source}:\n  ${problems.join('\n  ')}`)
  return doc
}

/** Reads and parses the file (default the published one). */
export function readThresholds(path = THRESHOLDS_FILE): Thresholds {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ThresholdsError(`${path}: cannot read it as JSON (${(err as Error).message})`)
  }
  return parseThresholds(data, path)
}

/**
 * Checks the thresholds against what is measured: every indicator has its entry, in its unit;
 * no entry names an indicator that is not measured; every domain has its rule.
 */
export function checkThresholds(th: Thresholds, measured: readonly MeasuredIndicator[], domains: readonly string[]): Thresholds {
  const problems: string[] = []
  const ids = new Set(measured.map((m) => m.indicator))
  for (const m of measured) {
    const entry = th.indicators[m.indicator]
    if (!entry) problems.push(`indicator ${m.indicator} (${m.domain}) has no thresholds`)
    else if (entry.unit !== m.unit) problems.push(`indicator ${m.indicator} is measured in ${m.unit}, its thresholds are in ${entry.unit}`)
  }
  for (const id of Object.keys(th.indicators)) if (!ids.has(id)) problems.push(`thresholds for ${id}, which is not a measured indicator`)
  for (const d of domains) if (!th.domains[d]) problems.push(`domain ${d} has no rule`)
  for (const d of Object.keys(th.domains)) if (!domains.includes(d)) problems.push(`rule for ${d}, which is not a domain`)
  if (problems.length > 0) throw new ThresholdsError(`barometer thresholds:\n  ${problems.join('\n  ')}`)
  return th
}

/** The verdict of a value against its thresholds (n and applicability are judged by the caller). */
export function verdictOf(value: number, th: IndicatorThreshold): Verdict {
  if (th.direction === 'lower-is-better') return value <= th.good ? 'GOOD' : value <= th.lessGood ? 'LESS_GOOD' : 'BAD'
  return value >= th.good ? 'GOOD' : value >= th.lessGood ? 'LESS_GOOD' : 'BAD'
}

/** A domain's verdict from its applicable indicators' verdicts (at least one). */
export function domainVerdict(verdicts: readonly Verdict[], rule: DomainRule): Verdict {
  const ranks = verdicts.map((v) => VERDICTS.indexOf(v))
  if (rule.rule === 'mean') {
    const mean = ranks.reduce((a, b) => a + b, 0) / ranks.length
    // A half goes to the worse score: two GOOD and two BAD are not GOOD on average.
    return VERDICTS[Math.min(2, Math.floor(mean + 0.5))] as Verdict
  }
  return VERDICTS[Math.max(...ranks)] as Verdict
}
