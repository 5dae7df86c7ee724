/**
 * The demo data set's timeline (issue 19 item 2), when loadDemoData is asked for one
 * (`timeline: true`, as `blinker-gateway demo-data` does): every event at a generated time instead
 * of the load's clock, so the timeliness figures mean something and the test can recompute them.
 *
 * - publication: the blinker's detectedAt + the back office's lag for its flow (DIMONA within the
 *   day, DMFA days: quarterly data; the others a few hours to a week);
 * - delivery: only for a CPAS served by a software house (a mailbox fetch: 10 min to 4 days after
 *   publication); a CPAS on Excel lists gets no delivery (a list download is not one);
 * - feedback: 3 to 75 days after the delivery (else the publication);
 * - decision: 1 to 45 days after the feedback;
 * - form D: for 70 % of the code-2 feedback, 50 to 150 days after it (after any decision).
 * Each year is a little faster than the one before (the seed's loop: "too late" improving).
 *
 * Pure: each time is drawn from the blinker's or message's id and the seed, whatever the order,
 * so the test derives the expected figures from these functions and the generated blinkers. The
 * durations are discrete (a few values each), so events of equal time go to the gateway in
 * batches, as the services take one time per call.
 */
import type { Blinker, Feedback } from '../domain/model.js'
import { seededRandom, type Random } from '../statistics/seeded-random.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The back office's lag per flow (ms); any other flow: DEFAULT_LAGS. */
const PUBLISH_LAGS: Record<string, readonly number[]> = {
  WORK_INCOME_DIMONA: [2 * HOUR, 6 * HOUR, 20 * HOUR],
  WORK_INCOME_DMFA: [DAY + 2 * HOUR, 3 * DAY + 2 * HOUR, 9 * DAY + 2 * HOUR],
}
const DEFAULT_LAGS = [6 * HOUR, 20 * HOUR, 2 * DAY + 6 * HOUR, 5 * DAY + 6 * HOUR]
const DELIVERY_LAGS = [10 * 60_000, 2 * HOUR, 26 * HOUR, 4 * DAY]
const FEEDBACK_LAGS = [3, 8, 15, 25, 40, 75].map((d) => d * DAY + 9 * HOUR)
const DECISION_LAGS = [1, 4, 10, 20, 45].map((d) => d * DAY + 2 * HOUR)
const FORM_D_LAGS = [50, 90, 150].map((d) => d * DAY + 3 * HOUR)
/** Share of the code-2 feedback followed by a form D in the demo. */
export const FORM_D_SHARE = 0.7
/** The first year of the demo's trend: later years step towards the shorter lags. */
const BASE_YEAR = 2014

function hash(id: string): number {
  let h = 2166136261
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619)
  return h >>> 0
}

const rng = (id: string, seed: number, salt: number): Random => seededRandom((hash(id) ^ Math.imul(seed, 2654435761) ^ salt) >>> 0)

/** One of the lags, one step shorter with probability 0.2 per year after BASE_YEAR. */
function lag(rnd: Random, lags: readonly number[], year: number): number {
  let i = rnd.int(0, lags.length - 1)
  const faster = rnd.next() < Math.min(0.8, 0.2 * Math.max(0, year - BASE_YEAR))
  if (faster && i > 0) i--
  return lags[i] as number
}

const yearOf = (blinkerId: string): number => Number(blinkerId.slice(4, 8))

export interface DemoBlinkerTimes {
  publishAt: number
  /** Only for a CPAS served by a software house. */
  deliverAt?: number
}

/** Publication and delivery times of a demo blinker; `served`: its CPAS has a software house. */
export function demoBlinkerTimes(b: Blinker, served: boolean, seed: number): DemoBlinkerTimes {
  const rnd = rng(b.blinkerId, seed, 1)
  const year = yearOf(b.blinkerId)
  const publishAt = Date.parse(b.detectedAt) + lag(rnd, PUBLISH_LAGS[b.flow] ?? DEFAULT_LAGS, year)
  const deliveryLag = lag(rnd, DELIVERY_LAGS, year)
  return served ? { publishAt, deliverAt: publishAt + deliveryLag } : { publishAt }
}

/** When the feedback on a blinker arrives: after its delivery, else its publication. */
export function demoFeedbackAt(f: Pick<Feedback, 'blinkerId'>, times: DemoBlinkerTimes, seed: number): number {
  return (times.deliverAt ?? times.publishAt) + lag(rng(f.blinkerId, seed, 2), FEEDBACK_LAGS, yearOf(f.blinkerId))
}

/** When the inspection decides on a feedback message. */
export function demoDecisionAt(messageId: string, blinkerId: string, feedbackAt: number, seed: number): number {
  return feedbackAt + lag(rng(messageId, seed, 3), DECISION_LAGS, yearOf(blinkerId))
}

/** When the form D of a code-2 feedback arrives, if it does in the demo. */
export function demoFormDAt(f: Pick<Feedback, 'blinkerId' | 'code'>, feedbackAt: number, seed: number): number | undefined {
  if (f.code !== 2) return undefined
  const rnd = rng(f.blinkerId, seed, 4)
  if (rnd.next() >= FORM_D_SHARE) return undefined
  return feedbackAt + lag(rnd, FORM_D_LAGS, yearOf(f.blinkerId))
}

/**
 * Items in batches of at most `max` that share one time (ascending), or plain slices when there
 * is no time (`timeOf` undefined: the load's clock).
 */
export function timedBatches<T>(items: readonly T[], timeOf: ((item: T) => number) | undefined, max: number): { at: Date | undefined; items: T[] }[] {
  const out: { at: Date | undefined; items: T[] }[] = []
  if (!timeOf) {
    for (let i = 0; i < items.length; i += max) out.push({ at: undefined, items: items.slice(i, i + max) })
    return out
  }
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const at = timeOf(item)
    const list = groups.get(at) ?? []
    list.push(item)
    groups.set(at, list)
  }
  for (const at of [...groups.keys()].sort((a, b) => a - b)) {
    const list = groups.get(at) as T[]
    for (let i = 0; i < list.length; i += max) out.push({ at: new Date(at), items: list.slice(i, i + max) })
  }
  return out
}
