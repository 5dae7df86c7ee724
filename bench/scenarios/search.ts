/**
 * Feedback search page (issue 18): `GET /acceptance/v1/feedback?status=FORWARDED&flow=…&code=…&limit=100`
 * (three filters: the inspection's pending decisions of one flow and code) with 10 000 and then
 * 1 000 000 messages stored, p99 of each and their ratio (the page must not grow with the store).
 * Also, for information: a walk with a filter that has no set of its own
 * (`status=FORWARDED&cpasKbo=…&kind=UNJUSTIFIED`), and the Redis memory the index costs.
 *
 * Seeding goes straight to Redis (a bulk loader: one Lua step per 2000 messages, pipelined) and
 * writes each message's index entries with the gateway's own Lua function (`fbIndexPut` of
 * src/store/feedback-index.ts, the one the submit script calls), so what is read is what the
 * gateway writes. The seeded records hold what the page reads (status, ids, CPAS, code, kind,
 * party, receivedAt) plus a realistic document and digest, not the history lists the page never
 * touches; their blinkers hold cpas, status and fstat (the flow the page reports).
 *
 * Then, with the gateway's real routes: 20 000 blinkers published and 5 000 feedback messages sent
 * (REST), and Redis's used_memory growth per item, index included (compare BENCHMARKS.md before
 * issue 18: 1 775 B per blinker, 2 000 B per REST feedback).
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { request } from 'undici'
import { FEEDBACK_INDEX_LUA } from '../../src/store/feedback-index.js'
import { runScript, type LuaScript } from '../../src/store/scripts.js'
import { blinkerIndexKey } from '../../src/store/blinker-index.js'
import { compactAof, usedMemory, type BenchContext } from '../lib/harness.js'
import type { ScenarioResult } from '../lib/report.js'
import { blinkerFor, feedbackFor } from '../lib/requests.js'
import { summarize } from '../lib/stats.js'

const PREFIX = 'bgw-bench:acceptance:'
const SIZES = [10_000, 1_000_000] as const
const BATCH = 2000
const SAMPLES = 1000
const CLIENTS = 4
const FLOWS = ['FAMILY_ALLOWANCES', 'UNEMPLOYMENT', 'WORK_INCOME_DIMONA', 'WORK_INCOME_DMFA', 'PENSION', 'CADASTRAL_INCOME', 'INSURABILITY', 'DISABILITY_ALLOWANCES'] as const
/** The flow-specific code of each flow (half of that flow's messages), the rest among codes of every flow. */
const OWN_CODE: Record<string, number> = { FAMILY_ALLOWANCES: 110, UNEMPLOYMENT: 120, WORK_INCOME_DIMONA: 131, WORK_INCOME_DMFA: 132, PENSION: 150, CADASTRAL_INCOME: 160, INSURABILITY: 170, DISABILITY_ALLOWANCES: 150 }
const ANY_CODE = [1, 2, 3, 170, 999]
const JUSTIFIED = new Set([1, 2, 3])
/** Status shares of a store that has been running a while. */
const STATUSES: [string, number][] = [['RECEIVED', 0.02], ['FORWARDED', 0.3], ['ACCEPTED', 0.4], ['REFUSED', 0.25], ['DEAD_LETTERED', 0.03]]
const QUERY = 'status=FORWARDED&flow=FAMILY_ALLOWANCES&code=110&limit=100'
const CPAS_COUNT = 589

/** A valid enterprise number (first digit 0, mod-97 check) per CPAS index. */
const kboOf = (i: number): string => {
  const base = 2_000_000 + i * 7919
  return `0${base}${String(97 - (base % 97)).padStart(2, '0')}`
}

// KEYS: none (the loader writes under ARGV[1], the environment prefix). ARGV: prefix, then per
// message: id, ms, iso, status, blinkerId, cpas, party, flow, code, kind, doc, digest.
const SEED_LUA = `${FEEDBACK_INDEX_LUA}
local p = ARGV[1]
local ix = p .. 'ix:fb:'
for a = 2, #ARGV, 12 do
  local id, ms, iso, status = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  redis.call('HSET', p .. 'feedback:' .. id, 'doc', ARGV[a + 10], 'digest', ARGV[a + 11], 'status', status, 'receivedAt', iso, 'updatedAt', iso,
    'blinkerId', ARGV[a + 4], 'cpas', ARGV[a + 5], 'code', ARGV[a + 8], 'kind', ARGV[a + 9], 'party', ARGV[a + 6])
  fbIndexPut(ix, status, id, ms, ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8])
end
return 1
`
const seedScript: LuaScript = { numberOfKeys: 0, lua: SEED_LUA }

/** A small deterministic generator (the same store in every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = Math.imul(s ^ (s >>> 15), 1 | s)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const BLINKERS_PER_MESSAGE = 10
const START_MS = Date.parse('2025-01-01T00:00:00Z')

/** Seeds messages [from, to): blinker hashes first (one per 10 messages), then the messages with their index entries. */
async function seed(ctx: BenchContext, from: number, to: number): Promise<void> {
  const random = rng(from + 1)
  const blinkerOf = (i: number) => `CLI-2025-${String(Math.floor(i / BLINKERS_PER_MESSAGE)).padStart(9, '0')}`
  const flowOf = (i: number) => FLOWS[Math.floor(i / BLINKERS_PER_MESSAGE) % FLOWS.length] as string
  const cpasOf = (i: number) => kboOf(Math.floor(i / BLINKERS_PER_MESSAGE) % CPAS_COUNT)
  const pipe = ctx.redis.pipeline()
  for (let b = Math.ceil(from / BLINKERS_PER_MESSAGE); b * BLINKERS_PER_MESSAGE < to; b++) {
    const i = b * BLINKERS_PER_MESSAGE
    pipe.hset(`${PREFIX}blinker:${blinkerOf(i)}`, 'status', 'FORWARDED', 'cpas', cpasOf(i), 'fstat', `2025|DIS|${flowOf(i)}`)
  }
  await pipe.exec()
  const calls: Promise<unknown>[] = []
  for (let start = from; start < to; start += BATCH) {
    const args: string[] = [PREFIX]
    for (let i = start; i < Math.min(to, start + BATCH); i++) {
      const ms = START_MS + i * 30_000
      const r = random()
      let acc = 0
      const status = STATUSES.find(([, share]) => (acc += share) > r)?.[0] ?? 'ACCEPTED'
      const flow = flowOf(i)
      const code = random() < 0.5 ? (OWN_CODE[flow] as number) : (ANY_CODE[Math.floor(random() * ANY_CODE.length)] as number)
      const cpas = cpasOf(i)
      const id = randomUUID()
      const iso = new Date(ms).toISOString()
      const doc = JSON.stringify({ messageId: id, blinkerId: blinkerOf(i), cpasKbo: cpas, code, comment: 'Dossier revu, décision notifiée au bénéficiaire', sentAt: iso })
      args.push(id, String(ms), iso, status, blinkerOf(i), cpas, `sh-${Math.floor(i / BLINKERS_PER_MESSAGE) % 12}`, flow, String(code), JUSTIFIED.has(code) ? 'JUSTIFIED' : 'UNJUSTIFIED', doc, id.replaceAll('-', '').repeat(2))
    }
    calls.push(runScript(ctx.redis, seedScript, [], args))
    // A few steps in flight: the connection pipelines them, Redis runs them one after the other.
    if (calls.length >= 8) await Promise.all(calls.splice(0))
  }
  await Promise.all(calls)
}

async function getPage(ctx: BenchContext, query: string): Promise<{ ms: number; items: number; next?: string }> {
  const started = performance.now()
  const res = await request(`${ctx.gateway.origin}/acceptance/v1/feedback?${query}`, { headers: { authorization: 'Bearer demo-acc-inspection' } })
  const body = (await res.body.json()) as { items?: unknown[]; next?: string }
  const ms = performance.now() - started
  if (res.statusCode !== 200 || !Array.isArray(body.items)) throw new Error(`search answered ${res.statusCode}: ${JSON.stringify(body).slice(0, 300)}`)
  return { ms, items: body.items.length, ...(body.next && { next: body.next }) }
}

/** Latencies of SAMPLES pages (CLIENTS at a time), over the first pages of the list (their cursors). */
async function measure(ctx: BenchContext, query: string, pages = 20): Promise<{ p50: number; p99: number; items: number; cursors: number }> {
  const cursors: string[] = ['']
  let items = 0
  for (let i = 0; i < pages - 1; i++) {
    const page = await getPage(ctx, `${query}${cursors[i] ? `&after=${cursors[i]}` : ''}`)
    if (i === 0) items = page.items
    if (!page.next) break
    cursors.push(page.next)
  }
  const latencies: number[] = []
  let n = 0
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (n < SAMPLES) {
        const c = cursors[n++ % cursors.length]
        latencies.push((await getPage(ctx, `${query}${c ? `&after=${c}` : ''}`)).ms)
      }
    }),
  )
  const s = summarize(latencies)
  return { p50: s.p50, p99: s.p99, items, cursors: cursors.length }
}

async function indexBytes(ctx: BenchContext, match: string): Promise<number> {
  let cursor = '0'
  let bytes = 0
  do {
    const [next, found] = await ctx.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000)
    cursor = next
    const p = ctx.redis.pipeline()
    for (const k of found) p.memory('USAGE', k, 'SAMPLES', '0')
    for (const [, v] of (await p.exec()) ?? []) bytes += Number(v ?? 0)
  } while (cursor !== '0')
  return bytes
}

/** Real writes through the gateway: used_memory growth per blinker and per REST feedback. */
async function writeCosts(ctx: BenchContext): Promise<{ perBlinker: number; perFeedback: number; indexPerBlinker: number }> {
  const cpas = '0207017596'
  const total = 20_000
  const first = ctx.nextSeq(total)
  const ixBefore = await indexBytes(ctx, `${blinkerIndexKey(PREFIX, '*')}`)
  const before = await usedMemory(ctx.redis)
  for (let b = 0; b < total / 1000; b++) {
    const blinkers = Array.from({ length: 1000 }, (_, k) => blinkerFor(cpas, 2027, first + b * 1000 + k))
    const res = await request(`${ctx.gateway.origin}/acceptance/v1/blinkers`, { method: 'POST', headers: { authorization: 'Bearer demo-acc-publisher', 'content-type': 'application/json' }, body: JSON.stringify({ blinkers }) })
    await res.body.dump()
    if (res.statusCode !== 202) throw new Error(`publish answered ${res.statusCode}`)
  }
  const afterBlinkers = await usedMemory(ctx.redis)
  const ixAfter = await indexBytes(ctx, `${blinkerIndexKey(PREFIX, '*')}`)
  let n = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (n < ctx.targets.length) {
        const target = ctx.targets[n++]
        if (!target) break
        const res = await request(`${ctx.gateway.origin}/acceptance/v1/feedback`, { method: 'POST', headers: { authorization: 'Bearer demo-acc-alpha', 'content-type': 'application/json' }, body: JSON.stringify(feedbackFor(target)) })
        await res.body.dump()
        if (res.statusCode !== 202) throw new Error(`feedback answered ${res.statusCode}`)
      }
    }),
  )
  const afterFeedback = await usedMemory(ctx.redis)
  return { perBlinker: (afterBlinkers - before) / total, perFeedback: (afterFeedback - afterBlinkers) / ctx.targets.length, indexPerBlinker: (ixAfter - ixBefore) / total }
}

export async function search(ctx: BenchContext): Promise<ScenarioResult> {
  const writes = await writeCosts(ctx)
  ctx.log(`  real writes: ${writes.perBlinker.toFixed(0)} B per blinker (index ${writes.indexPerBlinker.toFixed(0)} B), ${writes.perFeedback.toFixed(0)} B per REST feedback`)
  const rows: { size: number; seedS: number; p50: number; p99: number; items: number; walkP99: number; walkItems: number; indexPerMessage: number; perMessage: number }[] = []
  let stored = 0
  for (const size of SIZES) {
    const memBefore = await usedMemory(ctx.redis)
    const started = performance.now()
    await seed(ctx, stored, size)
    const seedS = (performance.now() - started) / 1000
    const seeded = size - stored
    const perMessage = ((await usedMemory(ctx.redis)) - memBefore) / seeded
    stored = size
    await compactAof(ctx, 0)
    const indexPerMessage = (await indexBytes(ctx, `${PREFIX}ix:fb:*`)) / size
    ctx.log(`  seeded ${size.toLocaleString('en-US')} messages (${seeded.toLocaleString('en-US')} in ${seedS.toFixed(1)} s, ${perMessage.toFixed(0)} B each, index ${indexPerMessage.toFixed(0)} B)`)
    await measure(ctx, QUERY, 3)
    const page = await measure(ctx, QUERY)
    const walk = await measure(ctx, `status=FORWARDED&cpasKbo=${kboOf(3)}&kind=UNJUSTIFIED&limit=100`)
    ctx.log(`  ${size.toLocaleString('en-US')}: page p50 ${page.p50.toFixed(1)} ms, p99 ${page.p99.toFixed(1)} ms (${page.items} items, ${page.cursors} positions); walk p99 ${walk.p99.toFixed(1)} ms (${walk.items} items)`)
    rows.push({ size, seedS, p50: page.p50, p99: page.p99, items: page.items, walkP99: walk.p99, walkItems: walk.items, indexPerMessage, perMessage })
  }
  const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]]
  const nan = Number.NaN
  return {
    id: 'search',
    title: `feedback search page (limit 100, three filters), ${large.size.toLocaleString('en-US')} stored`,
    unit: 'pages',
    gateway: { throughput: nan, p50: large.p50, p99: large.p99, halfP50: nan, halfP99: nan, peakRss: nan, cpuUsPerItem: nan, redisCpuUsPerItem: nan, errors: 0 },
    search: { p99Small: small.p99, p99Large: large.p99, ratio: large.p99 / small.p99, seedSeconds: large.seedS },
    rounds: { gateway: [], baseline: [] },
    notes: [
      `query ${QUERY} (inspection token), ${SAMPLES} pages, ${CLIENTS} clients, at the cursors of the list's first 20 pages (first page included)`,
      ...rows.map(
        (r) =>
          `${r.size.toLocaleString('en-US')} stored: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.items} items a page); walk with an unindexed filter (cpasKbo + kind): p99 ${r.walkP99.toFixed(1)} ms (${r.walkItems} items); seeded at ${(((r.size === small.size ? r.size : r.size - small.size) / r.seedS) | 0).toLocaleString('en-US')} messages/s; ${r.perMessage.toFixed(0)} B per seeded message, of which index ${r.indexPerMessage.toFixed(0)} B`,
      ),
      `p99 ratio 1 000 000 / 10 000: ${(large.p99 / small.p99).toFixed(2)}`,
      `real writes through the gateway: ${writes.perBlinker.toFixed(0)} B of Redis per published blinker (index ${writes.indexPerBlinker.toFixed(0)} B), ${writes.perFeedback.toFixed(0)} B per REST feedback (index included)`,
    ],
  }
}
