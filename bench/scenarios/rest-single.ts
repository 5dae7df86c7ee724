/**
 * REST single feedback: POST /acceptance/v1/feedback (auth, schema, rules, one Lua step, outbox,
 * queue add) against fastify + the same JSON Schema + queue.add. 16 connections, fresh messageId
 * per request, spread over the set-up blinkers of the alpha software house's CPAS.
 */
import { alternate, measureSide, warmUp, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'

export const CONNECTIONS = 16

export async function restSingle(ctx: BenchContext): Promise<ScenarioResult> {
  const gw: RequestSpec = { kind: 'feedback', path: '/acceptance/v1/feedback', token: 'demo-acc-alpha', targets: ctx.targets, expectStatus: 202, expectBody: '"RECEIVED"' }
  const base: RequestSpec = { kind: 'feedback', path: '/feedback', targets: ctx.targets, expectStatus: 202, expectBody: '"RECEIVED"' }
  const d = ctx.settings.durationMs
  await warmUp(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS })
  await warmUp(ctx, ctx.rest, { request: base, connections: CONNECTIONS })
  const perItem: number[] = []
  const rounds = await alternate(
    ctx,
    'rest-single',
    () => measureSide(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS, durationMs: d }, { onFull: (r, mem) => perItem.push(mem / r.ok) }),
    () => measureSide(ctx, ctx.rest, { request: base, connections: CONNECTIONS, durationMs: d }),
  )
  return {
    id: 'rest-single',
    title: 'REST single feedback',
    unit: 'req/s',
    gateway: combineRounds(rounds.gateway),
    baseline: combineRounds(rounds.baseline),
    redisBytesPerItem: Math.min(...perItem),
    rounds,
    notes: [
      `${CONNECTIONS} connections; baseline = fastify + feedback.schema.json + queue.add`,
      'Redis per item = one feedback record with history, the outbox entry and the waiting forward job (no worker runs here)',
    ],
  }
}
