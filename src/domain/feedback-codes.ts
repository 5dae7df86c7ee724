/**
 * The feedback-code catalogue (contract section 3). It is data, read once from
 * schemas/feedback-codes.json (the file served at GET /schemas/feedback-codes.json), so a code can
 * be added without a new schema version.
 */
import { readFileSync } from 'node:fs'
import { SCHEMAS_DIR } from '../paths.js'
import type { Flow } from './model.js'

export type FeedbackKind = 'JUSTIFIED' | 'UNJUSTIFIED'

export interface FeedbackCode {
  code: number
  kind: FeedbackKind
  flows: 'ALL' | Flow[]
  provisional: boolean
  commentRequired?: boolean
  labels: { fr: string; nl: string; en: string }
}

export interface Catalogue {
  version: string
  codes: FeedbackCode[]
}

export function loadCatalogue(file = `${SCHEMAS_DIR}/feedback-codes.json`): Catalogue {
  return JSON.parse(readFileSync(file, 'utf8')) as Catalogue
}

const byCode = new Map(loadCatalogue().codes.map((c) => [c.code, c]))

export const feedbackCode = (code: number): FeedbackCode | undefined => byCode.get(code)

export const codeAppliesTo = (entry: FeedbackCode, flow: Flow): boolean =>
  entry.flows === 'ALL' || entry.flows.includes(flow)
