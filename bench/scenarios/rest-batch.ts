/**
 * REST feedback batch of 1000: POST /acceptance/v1/feedback { feedback: [1000] } (each item judged
 * alone, 1000 Lua steps pipelined, one addBulk) against a fastify route doing one addBulk.
 */
import { alternate, measureSide, warmUp, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'

export const BATCH = 1000
export const CONNECTIONS = 4

export async function restBatch(ctx: BenchContext): Promise<ScenarioResult> {
  const gw: RequestSpec = { kind: 'feedback-batch', size: BATCH, path: '/acceptance/v1/feedback', token: 'demo-acc-alpha', targets: ctx.targets, expectStatus: 202, expectBody: '"rejected":[]' }
  const base: RequestSpec = { kind: 'feedback-batch', size: BATCH, path: '/feedback-batch', targets: ctx.targets, expectStatus: 202, expectBody: '"rejected":[]' }
  const d = ctx.settings.durationMs
  await warmUp(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS })
  await warmUp(ctx, ctx.rest, { request: base, connections: CONNECTIONS })
  const rounds = await alternate(
    ctx,
    'rest-batch',
    () => measureSide(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS, durationMs: d }, { itemsPerRequest: BATCH }),
    () => measureSide(ctx, ctx.rest, { request: base, connections: CONNECTIONS, durationMs: d }, { itemsPerRequest: BATCH }),
  )
  return {
    id: 'rest-batch',
    title: `REST feedback batch of ${BATCH}`,
    unit: 'feedback/s',
    gateway: combineRounds(rounds.gateway),
    baseline: combineRounds(rounds.baseline),
    rounds,
    notes: [`${CONNECTIONS} connections, ${BATCH} messages per request; latency is per batch request; baseline = one addBulk, no per-item validation`],
  }
}
