/**
 * Which flows a software house receives. A software house whose software predates a flow must not
 * receive what it cannot parse: a blinker of a flow outside its party's `acceptedFlows` (default:
 * the eight v1 flows) is "held" — the publish step (store/publish-store.ts) writes it to the CPAS's
 * transition-list stream (keys.transitionList) instead of its mailbox, adds no push job, and counts
 * it per period and flow (keys.statsNotAccepted) for the dashboard. The blinker stays PUBLISHED and
 * reaches the CPAS through the monthly transition list (src/transition/), as before the gateway.
 *
 * The decision is taken per item in TypeScript (publish-service.ts) and handed to the script as a
 * negative party index, so the script's key and argument layout does not move.
 */
import type { Redis } from 'ioredis'
import type { Party } from '../parties/parties.js'
import { keys } from '../store/keys.js'
import { DEFAULT_ACCEPTED_FLOWS } from './flow-catalogue.js'

const DEFAULT_SET: ReadonlySet<string> = new Set(DEFAULT_ACCEPTED_FLOWS)

/** Whether the software house serving a CPAS receives blinkers of `flow`; no software house: true (the mailbox is then the CPAS's Excel list). */
export function acceptsFlow(softwareHouse: Party | undefined, flow: string): boolean {
  if (!softwareHouse) return true
  return (softwareHouse.acceptedFlows ?? DEFAULT_SET).has(flow)
}

/**
 * Lua used inside the publish script for a held blinker: one HINCRBY on `stats:notaccepted`,
 * field `{period}|{flow}` taken from the record's `fstat` (`{period}|{regime}|{flow}`). The key is
 * derived from the status-count key (KEYS[1]) as blinker-index.ts derives its prefix: same
 * environment prefix and hash tag, and the script's KEYS layout stays as it is.
 */
export const NOT_ACCEPTED_LUA = `
local function flNotAccepted(statusKey, fstat)
  local key = (string.gsub(statusKey, 'stats:status$', 'stats:notaccepted'))
  local period, flow = string.match(fstat, '^([^|]*)|[^|]*|(.*)$')
  redis.call('HINCRBY', key, period .. '|' .. flow, 1)
end
`

export interface NotAccepted {
  /** Every held blinker, all periods. */
  total: number
  /** Per period (YYYY, the form period's year as in the statistics): per flow. */
  perPeriod: Map<string, Map<string, number>>
}

/** The held-blinker counters: one small HASH (periods × flows fields), no scan. */
export async function notAcceptedCounts(redis: Redis, prefix: string): Promise<NotAccepted> {
  const raw = await redis.hgetall(keys.statsNotAccepted(prefix))
  const out: NotAccepted = { total: 0, perPeriod: new Map() }
  for (const [field, value] of Object.entries(raw)) {
    const bar = field.indexOf('|')
    const period = field.slice(0, bar)
    const flow = field.slice(bar + 1)
    const n = Number(value)
    out.total += n
    const flows = out.perPeriod.get(period) ?? new Map<string, number>()
    flows.set(flow, (flows.get(flow) ?? 0) + n)
    out.perPeriod.set(period, flows)
  }
  return out
}

/** The held blinkers of one period, total and per flow (largest first). */
export function notAcceptedIn(counts: NotAccepted, period: string | undefined): { count: number; flows: { flow: string; count: number }[] } {
  const flows = [...(period ? (counts.perPeriod.get(period) ?? new Map<string, number>()) : new Map<string, number>())]
    .map(([flow, count]) => ({ flow, count }))
    .sort((a, b) => b.count - a.count || a.flow.localeCompare(b.flow))
  return { count: flows.reduce((a, f) => a + f.count, 0), flows }
}
