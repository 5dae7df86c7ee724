/**
 * Judging one message: the published schema, then the few cross-field rules a schema cannot say
 * (a period does not end before it starts). JSON and XML entries both end here, so a fixture gets
 * the same verdict whichever syntax carries it.
 */
import type { FieldError } from '../errors.js'
import type { Blinker } from '../domain/model.js'
import { schemaValidator, toFieldErrors } from './json-schemas.js'

export const MESSAGE_TYPES = {
  blinker: 'blinker.schema.json',
  feedback: 'feedback.schema.json',
} as const
export type MessageType = keyof typeof MESSAGE_TYPES

function periodErrors(value: { periodStart?: unknown; periodEnd?: unknown } | undefined, path: string): FieldError[] {
  if (!value || typeof value.periodStart !== 'string' || typeof value.periodEnd !== 'string') return []
  return value.periodEnd < value.periodStart ? [{ path: `${path}/periodEnd`, message: 'must not be before periodStart' }] : []
}

/** Problems with a message, [] when it is valid. `basePath` prefixes paths (batch items). */
export function validateMessage(type: MessageType, value: unknown, basePath = ''): FieldError[] {
  const validate = schemaValidator(MESSAGE_TYPES[type])
  if (!validate(value)) return toFieldErrors(validate.errors, basePath)
  if (type === 'blinker') {
    const b = value as Blinker
    return [...periodErrors(b.form, `${basePath}/form`), ...periodErrors(b.finding, `${basePath}/finding`)]
  }
  return []
}
