/**
 * Barometer cycles (seed: "le cycle complet … s'étend sur une période de deux ans", first cycle
 * 2016-2017, first final evaluation at its end): two calendar years starting on an even year,
 * named `YYYY-YYYY`. Inside a cycle, an interim evaluation at the end of each semester, cumulative
 * from the cycle's start (so the last one of a finished cycle is the final evaluation); in the
 * running semester, one more evaluation "to date".
 *
 * Known cycles: from FIRST_CYCLE_START to the running one. Anything else — ill-formed, an odd
 * start, two years that do not follow, before the first or not yet begun — is 400
 * GW_ERR_BAD_PARAMETER (contract 9: "unknown cycle").
 */
import { GatewayError } from '../errors.js'

/** The first cycle's first year (the seed's 2016-2017). */
export const FIRST_CYCLE_START = 2016

export interface Cycle {
  /** `YYYY-YYYY`. */
  id: string
  startYear: number
  /** First day, `YYYY-01-01`. */
  start: string
  /** Last day, `YYYY-12-31` of the second year (inclusive). */
  end: string
  /** The day after the last (the exclusive end of the counters' window). */
  endExclusive: string
  /** The cycle has ended: its last evaluation is final. */
  final: boolean
}

export interface Evaluation {
  /** The semester it ends: `YYYYH1` or `YYYYH2`. */
  id: string
  /** First day of the semester (the evaluation itself is cumulative from the cycle's start). */
  semesterStart: string
  /** Last day of the semester (inclusive). */
  end: string
  /** What measureParty reads: the cycle's start to the semester's end, [start, end). */
  window: { start: string; end: string }
  /** The moment it is judged as of: the semester's end, or now for the running semester. */
  asOf: Date
  /** The semester is over (false for the running one). */
  complete: boolean
}

const CYCLE_ID = /^(\d{4})-(\d{4})$/

const day = (year: number, month: number, date: number) => new Date(Date.UTC(year, month - 1, date))
const iso = (d: Date) => d.toISOString().slice(0, 10)

/** The cycle that `now` falls in. */
export function cycleStartOf(now: Date): number {
  const y = now.getUTCFullYear()
  return y % 2 === 0 ? y : y - 1
}

export function cycleOf(startYear: number, now: Date): Cycle {
  const endExclusive = day(startYear + 2, 1, 1)
  return {
    id: `${startYear}-${startYear + 1}`,
    startYear,
    start: iso(day(startYear, 1, 1)),
    end: `${startYear + 1}-12-31`,
    endExclusive: iso(endExclusive),
    final: now.getTime() >= endExclusive.getTime(),
  }
}

const bad = (detail: string) => new GatewayError('GW_ERR_BAD_PARAMETER', detail, [{ path: 'querystring:/cycle', message: detail }])

/** `cycle=` of a request: `YYYY-YYYY`, `current`, or absent (= current). */
export function parseCycle(param: string | undefined, now: Date): Cycle {
  const running = cycleStartOf(now)
  if (param === undefined || param === 'current') return cycleOf(running, now)
  const m = CYCLE_ID.exec(param)
  if (!m) throw bad('cycle must be YYYY-YYYY (two calendar years, e.g. 2016-2017) or current')
  const first = Number(m[1])
  if (Number(m[2]) !== first + 1) throw bad('a cycle is two calendar years that follow each other (e.g. 2016-2017)')
  if (first % 2 !== 0) throw bad(`cycles start on even years (${FIRST_CYCLE_START}-${FIRST_CYCLE_START + 1}, ${FIRST_CYCLE_START + 2}-${FIRST_CYCLE_START + 3}, …)`)
  if (first < FIRST_CYCLE_START) throw bad(`the first cycle is ${FIRST_CYCLE_START}-${FIRST_CYCLE_START + 1}`)
  if (first > running) throw bad(`cycle ${param} has not begun; the running cycle is ${running}-${running + 1}`)
  return cycleOf(first, now)
}

/** The known cycles, newest first (the page's selector). */
export function knownCycles(now: Date): string[] {
  const out: string[] = []
  for (let y = cycleStartOf(now); y >= FIRST_CYCLE_START; y -= 2) out.push(`${y}-${y + 1}`)
  return out
}

/** The cycle's evaluations so far, oldest first: one per semester ended, plus the running one. */
export function evaluationsOf(cycle: Cycle, now: Date): Evaluation[] {
  const out: Evaluation[] = []
  for (let k = 0; k < 4; k++) {
    const year = cycle.startYear + Math.floor(k / 2)
    const half = (k % 2) + 1
    const from = day(year, half === 1 ? 1 : 7, 1)
    if (now.getTime() < from.getTime()) break
    const to = half === 1 ? day(year, 7, 1) : day(year + 1, 1, 1)
    const complete = now.getTime() >= to.getTime()
    out.push({
      id: `${year}H${half}`,
      semesterStart: iso(from),
      end: iso(new Date(to.getTime() - 86_400_000)),
      window: { start: cycle.start, end: iso(to) },
      asOf: complete ? to : now,
      complete,
    })
  }
  return out
}
