/**
 * SOAP SubmitFeedback: POST /acceptance/soap (XML safety gate, libxml2 parse, XSD validation,
 * mapping, then the REST path's service) against node-soap's server + queue.add, no validation.
 * A third server, the floor (node:http + libxml2 XSD validation + queue.add, nothing else), runs
 * in the same rounds with no target: it shows what any server validating with the gateway's
 * validator can reach next to node-soap, which bounds what the 1.3× target can ask.
 */
import { alternate, measureSide, warmUp, type BenchContext } from '../lib/harness.js'
import { combineRounds, type ScenarioResult } from '../lib/report.js'
import type { RequestSpec } from '../lib/requests.js'
import { ratio, round } from '../lib/stats.js'

export const CONNECTIONS = 16

export async function soapSubmit(ctx: BenchContext): Promise<ScenarioResult> {
  const gw: RequestSpec = { kind: 'soap-feedback', path: '/acceptance/soap', token: 'demo-acc-alpha', targets: ctx.targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' }
  const base: RequestSpec = { kind: 'soap-feedback', path: '/soap', targets: ctx.targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' }
  const d = ctx.settings.durationMs
  await warmUp(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS })
  await warmUp(ctx, ctx.soap, { request: base, connections: CONNECTIONS })
  await warmUp(ctx, ctx.soapFloor, { request: base, connections: CONNECTIONS })
  const rounds = await alternate(
    ctx,
    'soap',
    () => measureSide(ctx, ctx.gateway, { request: gw, connections: CONNECTIONS, durationMs: d }),
    () => measureSide(ctx, ctx.soap, { request: base, connections: CONNECTIONS, durationMs: d }),
    () => measureSide(ctx, ctx.soapFloor, { request: base, connections: CONNECTIONS, durationMs: d }, { noHalf: true }),
  )
  const baseline = combineRounds(rounds.baseline)
  const floor = combineRounds(rounds.reference)
  const cpu = `${round(floor.cpuUsPerItem, 0)} + ${round(floor.redisCpuUsPerItem, 0)} µs per item`
  return {
    id: 'soap',
    title: 'SOAP SubmitFeedback',
    unit: 'req/s',
    gateway: combineRounds(rounds.gateway),
    baseline,
    reference: { title: 'SOAP floor: node:http + libxml2 XSD validation + queue.add', result: floor },
    rounds,
    notes: [
      `${CONNECTIONS} connections; baseline = node-soap server (soap.listen) + queue.add, no XSD validation`,
      `floor (no target) = node:http + libxml2 parse and XSD validation + queue.add, nothing else: ${round(floor.throughput, 0).toLocaleString('en-US')} req/s = ${round(ratio(floor.throughput, baseline.throughput), 2)}× node-soap, CPU ${cpu}${floor.errors ? `, ${floor.errors} errors` : ''}`,
    ],
  }
}
