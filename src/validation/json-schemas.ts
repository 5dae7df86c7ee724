/**
 * The published JSON Schemas (schemas/*.schema.json), compiled once by one ajv instance that is
 * also Fastify's validator compiler, so route bodies and POST /validate judge alike.
 * No type coercion and no removal of unknown fields: what we forward is exactly what was sent.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { isValidKbo, isValidNiss } from '../domain/identifiers.js'
import type { FieldError } from '../errors.js'
import { SCHEMAS_DIR } from '../paths.js'

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

export const SCHEMA_FILES = readdirSync(SCHEMAS_DIR)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
    // OpenAPI annotations that Fastify route schemas carry.
    keywords: ['example'],
  })
  addFormats(ajv, ['date', 'date-time', 'uuid', 'uri'])
  ajv.addFormat('kbo', { type: 'string', validate: isValidKbo })
  ajv.addFormat('niss', { type: 'string', validate: isValidNiss })
  for (const file of SCHEMA_FILES) {
    ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS_DIR}/${file}`, 'utf8')) as object)
  }
  return ajv
}

export const ajv = createAjv()

/** The compiled validator of a published schema, by file name. */
export function schemaValidator(file: string): ValidateFunction {
  const validate = ajv.getSchema(file)
  if (!validate) throw new Error(`schema ${file} is not published`)
  return validate
}

const FORMAT_MESSAGES: Record<string, string> = {
  kbo: 'must be a valid enterprise number (10 digits, mod-97 check)',
  niss: 'must be a valid national register number (11 digits, mod-97 check)',
  date: 'must be a date YYYY-MM-DD',
  'date-time': 'must be an RFC 3339 instant with an offset',
  uuid: 'must be a UUID',
}

/** ajv errors as the contract's `{ path, message }`, one per problem, most precise first. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, basePath = ''): FieldError[] {
  if (!errors) return []
  const out: FieldError[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    let path = basePath + e.instancePath
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'required') {
      path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`
      message = 'is required'
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`
      message = 'is not allowed'
    } else if (e.keyword === 'format') {
      message = FORMAT_MESSAGES[(e.params as { format: string }).format] ?? message
    } else if (e.keyword === 'pattern' && seenFormatSibling(errors, e)) {
      continue
    }
    const key = `${path}|${message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ path: path === '' ? '/' : path, message })
  }
  return out
}

// A bad kbo fails both pattern and format; one message is enough.
const seenFormatSibling = (all: ErrorObject[], e: ErrorObject) =>
  all.some((o) => o !== e && o.keyword === 'format' && o.instancePath === e.instancePath)
