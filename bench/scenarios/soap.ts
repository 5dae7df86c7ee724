/**
 * SOAP SubmitFeedback: POST /acceptance/soap (XML safety gate, libxml2 parse, XSD validation,
 * mapping, then the REST path's service) against node-soap's server + queue.add, no validation.
 */
import { alternate, measureSide, warmUp, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'

export const CONNECTIONS = 16

export async function soapSubmit(ctx: BenchContext): Promise<ScenarioResult> {
  const gw: RequestSpec = { kind: 'soap-feedback', path: '/acceptance/soap', token: 'demo-acc-alpha', targets: ctx.targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' }
  const base: RequestSpec = { kind: 'soap-feedback', path: '/soap', targets: ctx.targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' }
  const d = ctx.settings.durationMs
  await warmUp(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS })
  await warmUp(ctx, ctx.soap, { request: base, connections: CONNECTIONS })
  const rounds = await alternate(
    ctx,
    'soap',
    () => measureSide(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS, durationMs: d }),
    () => measureSide(ctx, ctx.soap, { request: base, connections: CONNECTIONS, durationMs: d }),
  )
  return {
    id: 'soap',
    title: 'SOAP SubmitFeedback',
    unit: 'req/s',
    gateway: combineRounds(rounds.gateway),
    baseline: combineRounds(rounds.baseline),
    rounds,
    notes: [`${CONNECTIONS} connections; baseline = node-soap server (soap.listen) + queue.add, no XSD validation`],
  }
}
