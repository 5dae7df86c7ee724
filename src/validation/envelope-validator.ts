/**
 * The published SOAP 1.1 envelope schema (schemas/soap-envelope.xsd) compiled with libxml2, so that
 * POST /validate and the CLI judge a whole envelope exactly as `xmllint --schema` does with the same
 * file. It imports blinker-gateway.xsd by a relative schemaLocation; libxml2-wasm has no file
 * system, so that one file is handed to it from memory by an input provider that matches only its
 * absolute path (nothing else can be loaded through it, and untrusted documents are parsed with
 * NONET/NO_XXE after the safety gate anyway).
 *
 * Compiled on first use, not at module load: the SOAP endpoint never needs it (it checks the
 * envelope's structure itself and validates the Body's element against blinker-gateway.xsd).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { XmlBufferInputProvider, XmlDocument, xmlRegisterInputProvider, XsdValidator } from 'libxml2-wasm'
import type { FieldError } from '../errors.js'
import { SCHEMAS_DIR } from '../paths.js'
import { schemaErrors, XSD_FILE } from './xsd-validator.js'

export const ENVELOPE_XSD_FILE = resolve(SCHEMAS_DIR, 'soap-envelope.xsd')

let compiled: XsdValidator | undefined

function envelopeValidator(): XsdValidator {
  if (compiled) return compiled
  const provider = new XmlBufferInputProvider({ [XSD_FILE]: readFileSync(XSD_FILE) })
  if (!xmlRegisterInputProvider(provider)) throw new Error('libxml2: cannot register the input provider for blinker-gateway.xsd')
  // The schema document stays alive with the validator for the life of the process.
  const doc = XmlDocument.fromString(readFileSync(ENVELOPE_XSD_FILE, 'utf8'), { url: ENVELOPE_XSD_FILE })
  compiled = XsdValidator.fromDoc(doc)
  return compiled
}

/** Problems of a whole document against soap-envelope.xsd, [] when valid (lines as libxml2 gives them). */
export function envelopeXsdErrors(doc: XmlDocument): FieldError[] {
  return schemaErrors(envelopeValidator(), doc)
}
