/**
 * Publish N blinkers (default 100 000) in batches of 1000: POST /acceptance/v1/blinkers (schema
 * per item, canonical digest, one Lua step storing record, history, mailbox entry, outbox) against
 * a fastify route doing one addBulk (jobId = blinkerId). Same client loop, 2 connections. No push
 * subscription exists, so the blinkers wait in the pull mailbox (CPAS 0207151616), which the
 * mailbox scenario then reads.
 */
import { alternate, measureSide, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'

export const BATCH = 1000
export const CONNECTIONS = 2
export const PUBLISH_CPAS = '0207151616'
const YEAR = 2027

export async function publish(ctx: BenchContext): Promise<ScenarioResult> {
  const batches = Math.max(CONNECTIONS, Math.round(ctx.settings.publishTotal / BATCH))
  const spec = (path: string, token: string | undefined, count: number): RequestSpec => ({
    kind: 'publish',
    path,
    ...(token ? { token } : {}),
    cpasKbo: PUBLISH_CPAS,
    size: BATCH,
    year: YEAR,
    firstSeq: ctx.nextSeq(count * BATCH),
    expectStatus: 202,
    expectBody: `"accepted":${BATCH}`,
  })
  // Half load publishes a fifth of the total at half rate; every request carries fresh ids.
  const halfCount = Math.max(CONNECTIONS, Math.round(batches / 5))
  const perItem: number[] = []
  const side = (gateway: boolean) => () =>
    measureSide(
      ctx,
      gateway ? ctx.gateway : ctx.rest,
      { request: spec(gateway ? '/acceptance/v1/blinkers' : '/blinkers', gateway ? 'demo-acc-publisher' : undefined, batches), connections: CONNECTIONS, amount: batches },
      {
        itemsPerRequest: BATCH,
        half: { amount: halfCount, request: spec(gateway ? '/acceptance/v1/blinkers' : '/blinkers', gateway ? 'demo-acc-publisher' : undefined, halfCount) },
        onFull: (r, mem) => {
          if (!gateway) return
          perItem.push(mem / (r.ok * BATCH))
        },
      },
    )
  const rounds = await alternate(ctx, 'publish', side(true), side(false))
  return {
    id: 'publish',
    title: `publish ${(batches * BATCH).toLocaleString('en-US')} blinkers in batches of ${BATCH}`,
    unit: 'blinkers/s',
    gateway: combineRounds(rounds.gateway),
    baseline: combineRounds(rounds.baseline),
    redisBytesPerItem: Math.min(...perItem),
    rounds,
    notes: [
      `${CONNECTIONS} connections, ${batches} batches per round; latency is per batch request; no push subscription (pull mailbox only)`,
      'Redis per item = used_memory growth / blinkers stored: record, canonical digest, history, mailbox stream entry',
    ],
  }
}
