/**
 * The statistics query's `timelinessCpas` (comma-separated KBO numbers): the CPAS whose own
 * timeliness figures the answer adds (timeliness.measures[].perCpas). A number that fails the
 * mod-97 check, or more than MAX_TIMELINESS_CPAS of them, is 400 GW_ERR_BAD_PARAMETER.
 */
import { isValidKbo } from '../domain/identifiers.js'
import { GatewayError } from '../errors.js'
import { MAX_TIMELINESS_CPAS } from './timeliness-report.js'

/** The query-string property for the route's schema (OpenAPI documents it from there). */
export const TIMELINESS_CPAS_PARAM = {
  type: 'string',
  pattern: '^[01][0-9]{9}(,[01][0-9]{9})*$',
  description: `Up to ${MAX_TIMELINESS_CPAS} CPAS (KBO numbers, comma-separated) whose own timeliness figures are added under timeliness.measures[].perCpas; absent: none (the default answer has the figures for all CPAS together, per flow and per software house).`,
} as const

export function parseTimelinessCpas(value: string | undefined): string[] {
  if (value === undefined || value === '') return []
  const list = [...new Set(value.split(','))]
  const bad = list.filter((k) => !isValidKbo(k))
  if (bad.length > 0) {
    throw new GatewayError('GW_ERR_BAD_PARAMETER', 'timelinessCpas holds a number that is not a KBO', bad.map((k) => ({ path: 'query:/timelinessCpas', message: `${k} fails the KBO check` })))
  }
  if (list.length > MAX_TIMELINESS_CPAS) {
    throw new GatewayError('GW_ERR_BAD_PARAMETER', `timelinessCpas names ${list.length} CPAS; at most ${MAX_TIMELINESS_CPAS}`, [{ path: 'query:/timelinessCpas', message: `at most ${MAX_TIMELINESS_CPAS} CPAS` }])
  }
  return list
}
