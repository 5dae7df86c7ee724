/** What the CPAS page and its exports show (cpas-data.ts gathers it). */
import type { BlinkerStatus, CatalogueFlow, FeedbackStatus, Flow, Regime } from '../domain/model.js'
import type { CpasTrendPoint } from './cpas-trend.js'

export interface CpasBlinkerRow {
  blinkerId: string
  flow: Flow
  regime: Regime
  status: BlinkerStatus
  publishedAt: string
  periodStart?: string
  ageDays: number
}

export interface CpasFeedbackRow {
  messageId: string
  blinkerId: string
  flow?: CatalogueFlow
  code: number
  kind?: string
  status: FeedbackStatus
  receivedAt: string
  softwareHouse: string
  softwareHouseName: string
  comment?: string
  decidedBy?: string
  decidedAt?: string
  reason?: string
}

export const BLINKER_SORTS = ['blinkerId', 'flow', 'status', 'publishedAt', 'age', 'periodStart'] as const
export type BlinkerSort = (typeof BLINKER_SORTS)[number]
export const FEEDBACK_SORTS = ['receivedAt', 'blinkerId', 'code', 'status', 'softwareHouse'] as const
export type FeedbackSort = (typeof FEEDBACK_SORTS)[number]

export interface CpasPageData {
  kbo: string
  name: string
  /** The software house serving it; absent: Excel lists. */
  servedBy?: { id: string; name: string }
  trend: CpasTrendPoint[]
  blinkers: CpasBlinkerRow[]
  blinkersAfter?: string
  blinkersNext?: string
  feedback: CpasFeedbackRow[]
  feedbackAfter?: string
  feedbackNext?: string
  /** The follow-ups section (src/follow-up/), already rendered. */
  followUps?: string
}

export const blinkerSortKey = (s: BlinkerSort) => (r: CpasBlinkerRow): string | number | undefined =>
  s === 'age' ? r.ageDays : s === 'blinkerId' ? r.blinkerId : s === 'flow' ? r.flow : s === 'status' ? r.status : s === 'publishedAt' ? r.publishedAt : r.periodStart

export const feedbackSortKey = (s: FeedbackSort) => (r: CpasFeedbackRow): string | number | undefined =>
  s === 'code' ? r.code : s === 'receivedAt' ? r.receivedAt : s === 'blinkerId' ? r.blinkerId : s === 'status' ? r.status : r.softwareHouseName
