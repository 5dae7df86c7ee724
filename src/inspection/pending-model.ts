/** What the pending-decisions page and its exports show (pending-data.ts gathers it). */
import type { CatalogueFlow, Finding, Flow, Regime } from '../domain/model.js'

export interface PendingFilters {
  cpas?: string
  flow?: CatalogueFlow
  code?: number
  softwareHouse?: string
  /** Only messages received more than this many days ago. */
  olderThan?: number
}

export const FILTER_NAMES = ['cpas', 'flow', 'code', 'softwareHouse', 'olderThan'] as const

export interface PendingItem {
  messageId: string
  blinkerId: string
  cpasKbo: string
  cpasName: string
  flow: Flow
  regime?: Regime
  code: number
  comment?: string
  softwareHouse: string
  softwareHouseName: string
  receivedAt: string
  ageDays: number
  /** Absent when the blinker record is gone (purged). */
  finding?: Finding
}

export interface PendingPage {
  filters: PendingFilters
  items: PendingItem[]
  /** The cursor of this page (absent: the first). */
  after?: string
  next?: string
  /** Software houses of the environment, for the filter. */
  softwareHouses: { id: string; name: string }[]
}

/** The filters as query parameters (for links, forms and the redirect after a decision). */
export function filterQuery(filters: PendingFilters): Record<string, string> {
  const q: Record<string, string> = {}
  for (const name of FILTER_NAMES) {
    const v = filters[name]
    if (v !== undefined) q[name] = String(v)
  }
  return q
}
