/**
 * The two custom formats of the published JSON Schemas, `kbo` and `niss`, for an integrator's own
 * ajv (or ajv-cli, through packages/client/ajv-plugin.cjs). The checks are the gateway's own
 * (src/domain/identifiers.ts, compiled into the package), so a document this ajv accepts is one
 * the gateway accepts. The standard formats the schemas also use (date, date-time, uuid, uri)
 * come from ajv-formats, as in the gateway: `addFormats(ajv)` from 'ajv-formats' first.
 *
 *   import addFormats from 'ajv-formats'
 *   import { addBlinkerFormats } from '@blinker-gateway/client/formats'
 *   addBlinkerFormats(addFormats(new Ajv2020()))
 */
import { isValidKbo, isValidNiss } from '../domain/identifiers.js'

export { isValidKbo, isValidNiss }

/** The part of an ajv instance this module needs (no dependency on ajv's types). */
export interface FormatHost {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown
}

/** The formats by name, as ajv format definitions. */
export const BLINKER_FORMATS = {
  kbo: { type: 'string', validate: isValidKbo },
  niss: { type: 'string', validate: isValidNiss },
} as const

/** Adds `kbo` and `niss` to an ajv instance; returns it (chains like ajv-formats). */
export function addBlinkerFormats<A extends FormatHost>(ajv: A): A {
  for (const [name, format] of Object.entries(BLINKER_FORMATS)) ajv.addFormat(name, format)
  return ajv
}
