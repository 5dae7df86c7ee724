/**
 * The judge of a gateway-judged conformance run: from the gateway's own records only — the
 * histories of the blinkers it created for the run (who received, acknowledged, sent which code,
 * what the sandbox decided) and the run log of the party's refused and state-changing requests
 * (conformance-run-log.ts) — never from anything the party says about itself. Pure: the service
 * reads the records, this decides.
 *
 * Each scenario is PASSED (everything asked was seen), FAILED (something was seen that can no
 * longer be undone: another code than the one asked, an acknowledgement before any delivery, a
 * blinker deleted by a sandbox reset) or PENDING (not everything seen yet). The run is FAILED as
 * soon as one scenario is, PASSED when all are, EXPIRED when the deadline passes first, RUNNING
 * until then. Only records inside [startedAt, deadline] count.
 */
import type { HistoryEntry } from '../domain/model.js'
import type { PlannedScenario, RunBlinker } from './conformance-run-plan.js'
import type { RunLogEntry } from './conformance-run-log.js'

export type ScenarioStatus = 'PASSED' | 'FAILED' | 'PENDING'
export type RunVerdict = 'RUNNING' | 'PASSED' | 'FAILED' | 'EXPIRED'

export interface ScenarioJudgment {
  name: string
  status: ScenarioStatus
  /** What was seen (passed), what went wrong (failed), or what is still missing (pending). */
  reason: string
}

export interface JudgeInput {
  partyId: string
  plan: readonly PlannedScenario[]
  startedAt: number
  deadline: number
  /** History of each planned blinker; absent when the blinker no longer exists. */
  histories: ReadonlyMap<string, readonly HistoryEntry[]>
  log: readonly RunLogEntry[]
  now: number
}

export interface Judgment {
  verdict: RunVerdict
  scenarios: ScenarioJudgment[]
}

const passed = (name: string, reason: string): ScenarioJudgment => ({ name, status: 'PASSED', reason })
const failed = (name: string, reason: string): ScenarioJudgment => ({ name, status: 'FAILED', reason })
const pending = (name: string, reason: string): ScenarioJudgment => ({ name, status: 'PENDING', reason })

/** The feedback code of a FEEDBACK_RECEIVED history entry (cause `feedback <code> (<kind>)`). */
const codeOf = (e: HistoryEntry): number | undefined => {
  const m = /^feedback (\d+)/.exec(e.cause)
  return m ? Number(m[1]) : undefined
}

class Records {
  readonly partyId: string
  constructor(private readonly input: JudgeInput) {
    this.partyId = input.partyId
  }

  private inRun = (ms: number): boolean => ms >= this.input.startedAt && ms <= this.input.deadline

  /** The blinker's history entries of the run, or undefined when the blinker is gone. */
  history(b: RunBlinker): HistoryEntry[] | undefined {
    const h = this.input.histories.get(b.blinkerId)
    return h?.filter((e) => this.inRun(Date.parse(e.at)))
  }

  /** The party's feedback on the blinker, as its history recorded it. */
  feedback(h: readonly HistoryEntry[]): { at: number; code: number | undefined }[] {
    return h.filter((e) => e.status === 'FEEDBACK_RECEIVED' && e.by === this.input.partyId).map((e) => ({ at: Date.parse(e.at), code: codeOf(e) }))
  }

  /** Log entries of the run matching a predicate. */
  seen(match: (e: RunLogEntry) => boolean): RunLogEntry[] {
    return this.input.log.filter((e) => this.inRun(e.t) && match(e))
  }

  refusal(s: PlannedScenario, extra: (e: RunLogEntry) => boolean = () => true): RunLogEntry | undefined {
    const r = s.refusal
    return r ? this.seen((e) => e.s === r.status && e.e === r.code && extra(e))[0] : undefined
  }
}

const at = (ms: number): string => new Date(ms).toISOString()
const gone = (s: PlannedScenario, b: RunBlinker): ScenarioJudgment => failed(s.name, `${b.blinkerId} no longer exists (deleted by a sandbox reset during the run?): start a new run`)

function judgeScenario(s: PlannedScenario, rec: Records): ScenarioJudgment {
  const [b] = s.blinkers
  const h = b ? rec.history(b) : []
  if (b && !h) return gone(s, b)
  const history = h ?? []
  const refusalText = s.refusal ? `${s.refusal.status} ${s.refusal.code}` : ''
  switch (s.name) {
    case 'pull-and-acknowledge': {
      const delivered = history.find((e) => e.status === 'DELIVERED')
      const acked = history.find((e) => e.status === 'ACKNOWLEDGED' && e.by === rec.partyId)
      if (acked && !delivered) return failed(s.name, `${b?.blinkerId} was acknowledged at ${acked.at} without being received first (pull the mailbox or take the push)`)
      if (!delivered) return pending(s.name, `${b?.blinkerId} not received yet (mailbox pull or push)`)
      if (!acked) return pending(s.name, `${b?.blinkerId} received (${delivered.cause}) at ${delivered.at}, not acknowledged yet`)
      return passed(s.name, `${b?.blinkerId} received (${delivered.cause}) at ${delivered.at}, acknowledged at ${acked.at}`)
    }
    case 'each-feedback-code': {
      const missing: string[] = []
      for (const x of s.blinkers) {
        const xh = rec.history(x)
        if (!xh) return gone(s, x)
        const fb = rec.feedback(xh)
        const wrong = fb.find((f) => f.code !== x.code)
        if (wrong) return failed(s.name, `${x.blinkerId}: feedback code ${wrong.code ?? '?'} received at ${at(wrong.at)}, expected ${x.code}`)
        if (fb.length === 0) missing.push(`${x.code} on ${x.blinkerId}`)
      }
      if (missing.length > 0) return pending(s.name, `${s.blinkers.length - missing.length} of ${s.blinkers.length} codes received; missing ${missing.join(', ')}`)
      return passed(s.name, `all ${s.blinkers.length} codes received, each on its blinker`)
    }
    case 'code-not-for-flow':
    case 'comment-required':
    case 'conflicting-resend': {
      const seen = rec.refusal(s, (e) => e.b === b?.blinkerId)
      if (!seen) return pending(s.name, `no ${refusalText} seen yet for a feedback on ${b?.blinkerId}`)
      return passed(s.name, `${refusalText} answered at ${at(seen.t)} for ${b?.blinkerId}`)
    }
    case 'idempotent-resend': {
      const fb = rec.feedback(history)
      if (fb.length > 1) return failed(s.name, `${b?.blinkerId} received ${fb.length} different feedback messages: a re-send must be the same message (same messageId, same content)`)
      const wrong = fb.find((f) => f.code !== b?.code)
      if (wrong) return failed(s.name, `${b?.blinkerId}: feedback code ${wrong.code ?? '?'} received, expected ${b?.code}`)
      const accepted = rec.seen((e) => e.b === b?.blinkerId && e.s >= 200 && e.s < 300 && e.i !== undefined)
      const counts = new Map<string, number>()
      for (const e of accepted) counts.set(e.i as string, (counts.get(e.i as string) ?? 0) + 1)
      const twice = [...counts].find(([, n]) => n >= 2)
      if (fb.length === 1 && twice) return passed(s.name, `message ${twice[0]} sent ${twice[1]} times, recorded once`)
      return pending(s.name, fb.length === 0 ? `no feedback on ${b?.blinkerId} yet` : `feedback on ${b?.blinkerId} received once; send the same message again`)
    }
    case 'closed-blinker': {
      const closed = history.find((e) => e.status === 'CLOSED')
      if (!closed) return pending(s.name, `${b?.blinkerId} is not closed yet (feedback, then sandbox decision ACCEPTED)`)
      const seen = rec.refusal(s, (e) => e.b === b?.blinkerId && e.t >= Date.parse(closed.at))
      if (!seen) return pending(s.name, `${b?.blinkerId} closed at ${closed.at}; no ${refusalText} seen yet for a feedback after that`)
      return passed(s.name, `${b?.blinkerId} closed at ${closed.at}; ${refusalText} answered at ${at(seen.t)}`)
    }
    case 'refused-reopens': {
      const reopened = history.find((e) => e.status === 'REOPENED')
      if (!reopened) return pending(s.name, `${b?.blinkerId} is not reopened yet (feedback, then sandbox decision REFUSED)`)
      const after = rec.feedback(history).filter((f) => f.at >= Date.parse(reopened.at))
      const wrong = after.find((f) => f.code !== b?.secondCode)
      if (wrong) return failed(s.name, `${b?.blinkerId}: after the reopening, feedback code ${wrong.code ?? '?'} received, expected ${b?.secondCode}`)
      if (after.length === 0) return pending(s.name, `${b?.blinkerId} reopened at ${reopened.at}; no new feedback yet`)
      return passed(s.name, `${b?.blinkerId} reopened at ${reopened.at}; code ${b?.secondCode} received at ${at(after[0]?.at ?? 0)}`)
    }
    case 'wrong-cpas':
    case 'invalid-message':
    case 'invalid-xml': {
      const routes = s.name === 'invalid-message' ? ['/v1/feedback', '/soap'] : s.name === 'invalid-xml' ? ['/soap'] : undefined
      const seen = rec.refusal(s, (e) => !routes || routes.includes(e.r))
      if (!seen) return pending(s.name, `no ${refusalText} seen yet${routes ? ` on ${routes.join(' or ')}` : ''}`)
      return passed(s.name, `${refusalText} answered at ${at(seen.t)} (${seen.m} ${seen.r}${seen.o ? ` ${seen.o}` : ''})`)
    }
  }
}

export function judgeRun(input: JudgeInput): Judgment {
  const rec = new Records(input)
  const expired = input.now > input.deadline
  const scenarios = input.plan.map((s) => {
    const j = judgeScenario(s, rec)
    return expired && j.status === 'PENDING' ? { ...j, reason: `not done before the deadline ${at(input.deadline)}: ${j.reason}` } : j
  })
  const verdict: RunVerdict = scenarios.some((s) => s.status === 'FAILED')
    ? 'FAILED'
    : scenarios.every((s) => s.status === 'PASSED')
      ? 'PASSED'
      : expired
        ? 'EXPIRED'
        : 'RUNNING'
  return { verdict, scenarios }
}
