/**
 * The reference software for a gateway-judged run: starts a run (POST /acceptance/v1/conformance/runs)
 * and does what each scenario asks, as a software house's own software would — pull the mailbox,
 * acknowledge, send the codes asked, re-send, decide in the sandbox, provoke the refusals — then
 * asks the gateway for its verdict (GET …/runs/{id}), polling while it says RUNNING. It judges
 * nothing itself: the verdict is the gateway's, from its own records. A software house runs it to
 * see a pass before wiring its own software to the same plan (`--judged --start-only`).
 */
import type { Dispatcher } from 'undici'
import { BlinkerGatewayClient, type Feedback, type RawAnswer } from '../../client/index.js'
import { feedbackFor } from './scenario-kit.js'
import { soapCall, soapEnvelope } from './soap-calls.js'

/** The run as the gateway answers it (onboarding/conformance-run-schemas.ts runView). */
export interface JudgedRun {
  id: string
  partyId: string
  cpasKbo: string
  startedAt: string
  deadline: string
  verdict: 'RUNNING' | 'PASSED' | 'FAILED' | 'EXPIRED'
  judgedAt: string | null
  scenarios: {
    name: string
    todo: string
    actions: string[]
    blinkers: { blinkerId: string; flow: string; code?: number; commentRequired?: boolean; secondCode?: number }[]
    refusal?: { status: number; code: string }
    cpasKbo?: string
    status: 'PASSED' | 'FAILED' | 'PENDING'
    reason: string
  }[]
}

export interface JudgedRunOptions {
  /** Gateway root, e.g. http://localhost:3000 (an /acceptance suffix is accepted and dropped). */
  baseUrl: string
  /** The software house's ACCEPTANCE token. */
  token: string
  /** CPAS of the run; default the gateway's choice (the first the party serves). */
  cpasKbo?: string
  /** Minutes the run stays open; default the gateway's (60). */
  deadlineMinutes?: number
  /** Do only these scenarios (the others stay PENDING: the run cannot pass); default all. */
  only?: readonly string[]
  /** How long to poll for a verdict other than RUNNING; default 10 000 ms. */
  verdictTimeoutMs?: number
  /** undici dispatcher for every call (tests, proxies); default undici's global one. */
  dispatcher?: Dispatcher
}

export interface JudgedRunReport {
  target: string
  run: JudgedRun
  /** What the driver sent and got back, one line per call (for the curious; the gateway judged). */
  calls: string[]
}

export class JudgedRunError extends Error {
  override name = 'JudgedRunError'
}

const COMMENT = 'conformance run: explained in the comment'

function expectStatus(what: string, a: RawAnswer, status: number): void {
  if (a.status !== status) throw new JudgedRunError(`${what}: expected ${status}, got ${a.status} ${a.text.slice(0, 300)}`)
}

export function clientFor(opts: Pick<JudgedRunOptions, 'baseUrl' | 'token' | 'dispatcher'>): { client: BlinkerGatewayClient; target: string } {
  const target = opts.baseUrl.replace(/\/+$/, '').replace(/\/acceptance$/, '')
  return { client: new BlinkerGatewayClient({ baseUrl: target, token: opts.token, environment: 'acceptance', ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) }), target }
}

/** POST …/conformance/runs: the run and what to do. */
export async function startJudgedRun(client: BlinkerGatewayClient, opts: Pick<JudgedRunOptions, 'cpasKbo' | 'deadlineMinutes'>): Promise<JudgedRun> {
  const body = { ...(opts.cpasKbo ? { cpasKbo: opts.cpasKbo } : {}), ...(opts.deadlineMinutes ? { deadlineMinutes: opts.deadlineMinutes } : {}) }
  const res = await client.send('POST', client.envPath('/v1/conformance/runs'), { json: body })
  expectStatus('starting the run (POST /acceptance/v1/conformance/runs)', res, 201)
  return res.body as JudgedRun
}

/** GET …/conformance/runs/{id}, polled while RUNNING up to timeoutMs. */
export async function judgedVerdict(client: BlinkerGatewayClient, runId: string, timeoutMs = 0): Promise<JudgedRun> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await client.send('GET', client.envPath(`/v1/conformance/runs/${runId}`))
    expectStatus(`reading run ${runId}`, res, 200)
    const run = res.body as JudgedRun
    if (run.verdict !== 'RUNNING' || Date.now() >= until) return run
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export async function driveJudgedRun(opts: JudgedRunOptions): Promise<JudgedRunReport> {
  const { client, target } = clientFor(opts)
  const calls: string[] = []
  const note = (what: string, a: RawAnswer): RawAnswer => {
    const code = typeof a.body === 'object' && a.body !== null ? (a.body as { code?: string }).code : /<(?:\w+:)?code>([^<]*)</.exec(a.text)?.[1]
    calls.push(`${what} → ${a.status}${code ? ` ${code}` : ''}`)
    return a
  }
  const post = (what: string, f: unknown) => client.send('POST', client.envPath('/v1/feedback'), { json: f }).then((a) => note(what, a))
  // The mailbox's end before the run, so the pull reads only what the run creates (a software
  // house would keep its own cursor).
  const cpasKbo = opts.cpasKbo ?? [...(await client.sandboxProfile()).cpas].sort()[0]
  if (!cpasKbo) throw new JudgedRunError('the party serves no CPAS')
  const { next } = await client.resetSandboxMailbox(cpasKbo)
  const run = await startJudgedRun(client, { cpasKbo, ...(opts.deadlineMinutes ? { deadlineMinutes: opts.deadlineMinutes } : {}) })
  const todo = run.scenarios.filter((s) => !opts.only || opts.only.includes(s.name))

  if (todo.some((s) => s.actions.includes('receive'))) {
    const { blinkers } = await client.drainMailbox(run.cpasKbo, { after: next })
    calls.push(`mailbox pull → ${blinkers.length} blinker(s)`)
  }
  for (const s of todo) {
    for (const b of s.blinkers) {
      let last: Feedback | undefined
      for (const action of s.actions) {
        const first = (): Feedback => (last = feedbackFor({ blinkerId: b.blinkerId, cpasKbo: run.cpasKbo }, b.code ?? 0, b.commentRequired ? COMMENT : undefined))
        switch (action) {
          case 'acknowledge':
            await client.acknowledge(b.blinkerId)
            calls.push(`${s.name}: acknowledge ${b.blinkerId}`)
            break
          case 'feedback':
            await post(`${s.name}: code ${b.code} on ${b.blinkerId}`, first())
            break
          case 'feedback-without-comment':
            await post(`${s.name}: code ${b.code} without comment on ${b.blinkerId}`, feedbackFor({ blinkerId: b.blinkerId, cpasKbo: run.cpasKbo }, b.code ?? 0))
            break
          case 'resend-same-message':
            await post(`${s.name}: the same message again`, last ?? first())
            break
          case 'resend-same-messageId-other-code':
            await post(`${s.name}: same messageId, code ${b.secondCode}`, { ...(last ?? first()), code: b.secondCode })
            break
          case 'sandbox-decision-accepted':
          case 'sandbox-decision-refused': {
            const decision = action === 'sandbox-decision-accepted' ? 'ACCEPTED' : 'REFUSED'
            const d = await client.sandboxDecision({ messageId: (last ?? first()).messageId, decision, reason: 'conformance run' })
            calls.push(`${s.name}: sandbox decision ${decision} → blinker ${d.blinkerStatus}`)
            break
          }
          case 'feedback-again':
            await post(`${s.name}: new feedback code ${b.secondCode ?? b.code} on ${b.blinkerId}`, feedbackFor({ blinkerId: b.blinkerId, cpasKbo: run.cpasKbo }, b.secondCode ?? b.code ?? 0))
            break
        }
      }
    }
    if (s.actions.includes('call-unserved-cpas')) note(`${s.name}: mailbox of ${s.cpasKbo}`, await client.send('GET', client.envPath(`/v1/cpas/${s.cpasKbo}/blinkers`)))
    if (s.actions.includes('send-invalid-feedback')) {
      const any = run.scenarios[0]?.blinkers[0]
      const bad = `${run.cpasKbo.slice(0, 8)}${run.cpasKbo.slice(8) === '00' ? '01' : '00'}`
      await post(`${s.name}: cpasKbo with a wrong check digit`, { ...feedbackFor({ blinkerId: any?.blinkerId ?? 'CLI-1999-000000001', cpasKbo: bad }, 1) })
    }
    if (s.actions.includes('send-malformed-soap')) {
      const broken = soapEnvelope('GetBlinkersRequest', [['cpasKbo', run.cpasKbo]]).replace('</soapenv:Body>', '</soapenv:Bdy>')
      note(`${s.name}: malformed SOAP envelope`, await soapCall(client, 'GetBlinkers', broken))
    }
  }
  return { target, run: await judgedVerdict(client, run.id, opts.verdictTimeoutMs ?? 10_000), calls }
}

/** The plain-text report: the gateway's verdict per scenario, then the run's. */
export function formatJudgedRun(target: string, run: JudgedRun): string[] {
  const width = Math.max(...run.scenarios.map((s) => s.name.length), 10)
  return [
    `Conformance run ${run.id} judged by the gateway at ${target}/acceptance, party ${run.partyId}, CPAS ${run.cpasKbo}, deadline ${run.deadline}`,
    ...run.scenarios.map((s) => `${s.status.padEnd(7)} ${s.name.padEnd(width)}  ${s.reason}`),
    `Verdict: ${run.verdict}${run.judgedAt ? ` (judged at ${run.judgedAt})` : ''}${run.verdict === 'PASSED' ? ': production accepts this party when it requires a pass' : ''}`,
  ]
}
