/**
 * Mailbox pull, 500 per page, from the CPAS the publish scenario filled (≥ 100 000 stored in a
 * full run). First a drain: one client walks the mailbox page by page (each page moves its
 * blinkers PUBLISHED → DELIVERED) up to 100 000 blinkers, timing every page. Then load: 8
 * connections read pages at the cursors the drain collected (re-reads: the status step is a no-op).
 * No raw baseline: a BullMQ queue is not a mailbox one can page through.
 */
import { performance } from 'node:perf_hooks'
import { request } from 'undici'
import { alternate, measureSide, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'
import { summarize } from '../lib/stats.js'
import { PUBLISH_CPAS } from './publish.js'

export const PAGE = 500
export const MAX_DRAIN = 100_000
export const CONNECTIONS = 8
const TOKEN = 'demo-acc-alpha'

/** Walks the mailbox from the start; the cursors of full pages and the latency of each page. */
export async function drain(origin: string, path: string, maxItems: number): Promise<{ cursors: string[]; items: number; latencies: number[] }> {
  const cursors: string[] = []
  const latencies: number[] = []
  let after = ''
  let items = 0
  while (items < maxItems) {
    const started = performance.now()
    const res = await request(`${origin}${path}?limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    const page = (await res.body.json()) as { blinkers?: unknown[]; next?: string }
    latencies.push(performance.now() - started)
    if (res.statusCode !== 200 || !page.blinkers || typeof page.next !== 'string') throw new Error(`mailbox answered ${res.statusCode}: ${JSON.stringify(page).slice(0, 300)}`)
    if (page.blinkers.length < PAGE) break
    cursors.push(after)
    items += page.blinkers.length
    after = page.next
  }
  return { cursors, items, latencies }
}

export async function mailbox(ctx: BenchContext): Promise<ScenarioResult> {
  const path = `/acceptance/v1/cpas/${PUBLISH_CPAS}/blinkers`
  const walked = await drain(ctx.gateway.origin, path, MAX_DRAIN)
  if (walked.cursors.length === 0) throw new Error('mailbox scenario: the mailbox holds less than one page; run the publish scenario first')
  const first = summarize(walked.latencies)
  ctx.log(`  mailbox drain: ${walked.items} blinkers in ${walked.cursors.length} pages, p50 ${first.p50.toFixed(1)} ms, p99 ${first.p99.toFixed(1)} ms`)
  const spec: RequestSpec = { kind: 'mailbox', path, token: TOKEN, cursors: walked.cursors, limit: PAGE, expectStatus: 200, expectBody: '"next"' }
  const rounds = await alternate(ctx, 'mailbox', () =>
    measureSide(ctx, ctx.gateway, { request: spec, connections: CONNECTIONS, durationMs: ctx.settings.durationMs }, { itemsPerRequest: 1 }),
  )
  return {
    id: 'mailbox',
    title: `mailbox pull, ${PAGE} per page, ${walked.items.toLocaleString('en-US')} stored and paged`,
    unit: 'pages/s',
    gateway: combineRounds(rounds.gateway),
    rounds,
    notes: [
      `first drain (1 client, ${walked.cursors.length} pages, each marking ${PAGE} blinkers DELIVERED): p50 ${first.p50.toFixed(1)} ms, p99 ${first.p99.toFixed(1)} ms`,
      `load: ${CONNECTIONS} connections re-reading pages at random cursors; no raw baseline (a queue cannot be paged)`,
    ],
  }
}
