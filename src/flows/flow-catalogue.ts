/**
 * The flow catalogue: every data flow a blinker may come from, as data (schemas/flows.json, the
 * file served at GET /schemas/flows.json), like the feedback-code catalogue. A flow is added to
 * the file — with its labels, the same texts as the `flows` namespace of src/i18n — without a new
 * message version: the schemas accept any code of the catalogue's shape (catalogueFlow, XSD
 * gw:CatalogueFlow) and publication refuses a code the catalogue does not hold.
 *
 * `active` flows are the eight of v1 (model.ts FLOWS): every software house receives them.
 * `provisional` flows are announced ones; a software house receives them only once it lists them
 * in `acceptedFlows` (parties file), else they go to the CPAS's transition list (flow-acceptance.ts).
 */
import { readFileSync } from 'node:fs'
import { FLOWS, type CatalogueFlow } from '../domain/model.js'
import type { Lang } from '../i18n/index.js'
import { SCHEMAS_DIR } from '../paths.js'

export const FLOW_STATUSES = ['active', 'provisional'] as const
export type FlowStatus = (typeof FLOW_STATUSES)[number]

export type Labels = Record<Lang, string>

export interface CatalogueEntry {
  code: CatalogueFlow
  status: FlowStatus
  /** `v1`, or the catalogue version that added the flow. */
  since: string
  labels: Labels
  /** The institution whose authentic source the flow crosses with the subsidy forms. */
  source: { id: string; labels: Labels }
}

export interface FlowCatalogue {
  version: string
  note?: string
  flows: CatalogueEntry[]
}

/** The catalogue file's path (GET /schemas/flows.json serves the same file). */
export const FLOW_CATALOGUE_FILE = `${SCHEMAS_DIR}/flows.json`

export function loadFlowCatalogue(file = FLOW_CATALOGUE_FILE): FlowCatalogue {
  return JSON.parse(readFileSync(file, 'utf8')) as FlowCatalogue
}

const catalogue = loadFlowCatalogue()
const byCode = new Map(catalogue.flows.map((f) => [f.code, f]))

/** The catalogue as read at start. */
export const flowCatalogue = (): FlowCatalogue => catalogue

export const catalogueEntry = (code: string): CatalogueEntry | undefined => byCode.get(code)

export const isCatalogueFlow = (code: string): boolean => byCode.has(code)

/** Every code of the catalogue, in its order (v1 first). */
export const CATALOGUE_FLOWS: readonly CatalogueFlow[] = catalogue.flows.map((f) => f.code)

/** What a software house accepts when its party says nothing: the eight v1 flows. */
export const DEFAULT_ACCEPTED_FLOWS: readonly CatalogueFlow[] = FLOWS
