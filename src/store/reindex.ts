/**
 * The one-time backfill of the search indexes (`blinker-gateway reindex`, src/cli/reindex.ts):
 * records written before the indexes existed have no entry, and the scripts that move a record
 * between statuses leave such records alone (nothing to move). This walks every blinker and
 * feedback record of an environment with SCAN (1000 at a time, one Lua step per page) and puts each
 * under its current status. Safe to run again and while the gateway runs: each record is judged by
 * the status it has when its page's step runs, and its entries under other statuses are removed.
 */
import type { EnvContext } from '../context.js'
import { BLINKER_STATUSES, FEEDBACK_STATUSES } from '../domain/model.js'
import { reindexBlinkers } from './blinker-index.js'
import { reindexFeedback } from './feedback-index.js'
import { keys } from './keys.js'

export interface ReindexReport {
  env: string
  blinkers: number
  feedback: number
}

type Ctx = Pick<EnvContext, 'env' | 'keys' | 'redis'>

async function pages(ctx: Ctx, match: string, each: (keys: string[]) => Promise<number>, onPage?: (n: number) => void): Promise<number> {
  let cursor = '0'
  let total = 0
  do {
    const [next, found] = await ctx.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000, 'TYPE', 'hash')
    cursor = next
    if (found.length > 0) {
      total += await each(found)
      onPage?.(total)
    }
  } while (cursor !== '0')
  return total
}

/** Indexes every blinker and feedback record of the environment; returns how many of each. */
export async function reindexAll(ctx: Ctx, onProgress?: (p: { phase: 'blinkers' | 'feedback'; done: number }) => void): Promise<ReindexReport> {
  const blinkers = await pages(ctx, `${keys.blinker(ctx.keys, '')}*`, (found) => reindexBlinkers(ctx.redis, found, BLINKER_STATUSES), (done) => onProgress?.({ phase: 'blinkers', done }))
  const feedback = await pages(ctx, `${keys.feedback(ctx.keys, '')}*`, (found) => reindexFeedback(ctx.redis, found, FEEDBACK_STATUSES), (done) => onProgress?.({ phase: 'feedback', done }))
  return { env: ctx.env, blinkers, feedback }
}
