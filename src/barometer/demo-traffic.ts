/**
 * Demo traffic for the barometer (issue 20): gives the demo software houses visibly different
 * profiles through the real write paths — the publish, transition, feedback and decision store
 * steps with generated times (so the delays are real delays), and the feedback service for the
 * technical refusals (it counts them as a request would). Profiles, by the software houses' order
 * in the parties file: the first sends many messages its schema refuses and codes not valid for
 * the flow; the second polls its mailbox late, acknowledges late, answers late or not at all,
 * sees its cancellations refused and answers code 2 without a form D ever following; a third, if
 * the parties file has one, is clean.
 *
 * The timeline is the DEMO_SPAN_DAYS before `now`; a generated event that would fall after `now`
 * does not happen (that blinker is still waiting, as the pending checks expect). Idempotent: a
 * second run finds its first blinker and does nothing.
 */
import type { EnvContext } from '../context.js'
import { storedDoc } from '../domain/canonical-blinker.js'
import { feedbackCode } from '../domain/feedback-codes.js'
import { canonicalFeedback, feedbackDigest, flowsArg } from '../domain/feedback-rules.js'
import type { Blinker, Feedback } from '../domain/model.js'
import { EXAMPLE_BLINKER } from '../docs/examples.js'
import type { Party } from '../parties/parties.js'
import { submitFeedbackBatch } from '../services/feedback-service.js'
import { applyEvent } from '../store/blinker-store.js'
import { recordDecision } from '../store/feedback-progress-store.js'
import { storeFeedbackBatch } from '../store/feedback-store.js'
import { keys } from '../store/keys.js'
import { storeBlinkers } from '../store/publish-store.js'
import { uuidV5 } from '../transition/message-id.js'
import { flushBufferedCounts } from './counters-buffer.js'
import { countFeedbackMessages } from './counters-points.js'

export type DemoProfile = 'refusals' | 'late' | 'clean'
/** Profiles given to the software houses, in the parties file's order. */
export const DEMO_PROFILES: readonly DemoProfile[] = ['refusals', 'late', 'clean']
/** Blinkers per software house (default 36). */
export const DEMO_BLINKERS = 36
/** Days of traffic before `now` (default 300: the 6-month form-D check can conclude). */
export const DEMO_SPAN_DAYS = 300

const HOUR = 3_600_000
const DAY = 24 * HOUR

export interface DemoTrafficSummary {
  parties: { partyId: string; profile: DemoProfile; blinkers: number }[]
}

/** The timed write steps the generator (and the barometer tests) use. */
export function timedWrites(ctx: EnvContext) {
  const iso = (ms: number) => new Date(ms).toISOString()
  return {
    async publish(b: Blinker, at: number, party: string | undefined): Promise<void> {
      await storeBlinkers(ctx.redis, ctx.keys, [{ blinkerId: b.blinkerId, cpas: b.cpasKbo, ...storedDoc(b), party }], 'publisher', new Date(at))
    },
    async event(blinkerId: string, event: 'DELIVER' | 'ACKNOWLEDGE' | 'RESOLVE', at: number, cause: string, by: string): Promise<void> {
      await applyEvent(ctx.redis, ctx.keys, blinkerId, event, cause, by, iso(at))
    },
    /** One feedback message from `party` at `at` (counted as the service counts a message read); its verdict. */
    async feedback(b: Blinker, code: number, at: number, party: Pick<Party, 'id' | 'role'>, opts: { flows?: string; seq?: number } = {}): Promise<{ kind: string; messageId: string }> {
      const entry = feedbackCode(code)
      if (!entry) throw new Error(`no feedback code ${code}`)
      const f: Feedback = { messageId: uuidV5(`barometer-demo\n${b.blinkerId}\n${code}\n${opts.seq ?? 0}`), blinkerId: b.blinkerId, cpasKbo: b.cpasKbo, code, sentAt: iso(at) }
      if (entry.commentRequired) f.comment = 'Demo: none of the listed reasons applies'
      const feedback = canonicalFeedback(f)
      const doc = JSON.stringify(feedback)
      countFeedbackMessages(ctx, party, 1, 0, new Date(at))
      const [outcome] = await storeFeedbackBatch(ctx.redis, ctx.keys, [{ feedback, doc, digest: feedbackDigest(doc), entry, flows: opts.flows ?? flowsArg(entry), party: party.id }], new Date(at))
      return { kind: outcome?.kind ?? 'none', messageId: feedback.messageId }
    },
    async decide(messageId: string, blinkerId: string, decision: 'ACCEPTED' | 'REFUSED', at: number): Promise<void> {
      await recordDecision(ctx.redis, ctx.keys, messageId, blinkerId, decision, undefined, 'inspection', iso(at))
    },
  }
}

/** A demo blinker: `CLI-{year}-7{house}{i}` for one of the house's CPAS. */
function demoBlinker(house: number, i: number, cpas: string, at: number): Blinker {
  const year = new Date(at).getUTCFullYear()
  const month = String(new Date(at).getUTCMonth() + 1).padStart(2, '0')
  return {
    ...structuredClone(EXAMPLE_BLINKER),
    blinkerId: `CLI-${year}-7${house % 10}${String(i).padStart(7, '0')}`,
    cpasKbo: cpas,
    form: { ...EXAMPLE_BLINKER.form, reference: `B-DEMO-${house}-${i}`, periodStart: `${year}-${month}-01`, periodEnd: `${year}-${month}-28` },
  }
}

/** One software house's traffic in its profile. */
async function houseTraffic(ctx: EnvContext, party: Party, house: number, profile: DemoProfile, now: number): Promise<number> {
  const w = timedWrites(ctx)
  const cpas = [...party.cpas]
  if (cpas.length === 0) return 0
  const start = now - DEMO_SPAN_DAYS * DAY
  const first = demoBlinker(house, 0, cpas[0] as string, start)
  if (await ctx.redis.exists(keys.blinker(ctx.keys, first.blinkerId))) return 0
  const late = profile === 'late'
  // An event after `now` has not happened yet.
  const when = async <T>(ms: number, step: () => Promise<T>): Promise<T | undefined> => (ms <= now ? step() : undefined)
  for (let i = 0; i < DEMO_BLINKERS; i++) {
    const published = start + i * 7 * DAY
    const b = demoBlinker(house, i, cpas[i % cpas.length] as string, published)
    await w.publish(b, published, party.id)
    // Late: the mailbox is read after 10 days, acknowledgement 9 days later (every other one).
    const delivered = published + (late ? 10 * DAY : HOUR / 2)
    if (delivered > now) continue
    await w.event(b.blinkerId, 'DELIVER', delivered, 'pulled', party.id)
    if (!late || i % 2 === 0) await when(delivered + (late ? 9 * DAY : 2 * HOUR), () => w.event(b.blinkerId, 'ACKNOWLEDGE', delivered + (late ? 9 * DAY : 2 * HOUR), 'acknowledged', party.id))
    // Late: a third never answers; the others after 70 days.
    if (late && i % 3 === 2) continue
    const answered = delivered + (late ? 70 * DAY : 3 * DAY)
    const code = i % 4 === 0 ? 131 : i % 4 === 1 ? 2 : 1
    const fb = await when(answered, () => w.feedback(b, code, answered, party))
    if (!fb) continue
    const messageId = fb.messageId
    if (code === 131) {
      // Late: its cancellations are refused, then replaced by a 999 "other"; later a form D shows the money was due.
      const decided = answered + 5 * DAY
      await when(decided, () => w.decide(messageId, b.blinkerId, late ? 'REFUSED' : 'ACCEPTED', decided))
      if (late) {
        await when(decided + 10 * DAY, () => w.feedback(b, 999, decided + 10 * DAY, party, { seq: 1 }))
        await when(decided + 40 * DAY, () => w.event(b.blinkerId, 'RESOLVE', decided + 40 * DAY, 'resolved:FORM_D_RECEIVED', 'publisher'))
      }
    } else if (code === 2) {
      // Code 2: a form D follows within two months, except for the late house (never).
      if (!late) await when(answered + 60 * DAY, () => w.event(b.blinkerId, 'RESOLVE', answered + 60 * DAY, 'resolved:FORM_D_RECEIVED', 'publisher'))
    } else {
      await when(answered + 4 * DAY, () => w.event(b.blinkerId, 'RESOLVE', answered + 4 * DAY, 'resolved:FORM_CORRECTED', 'publisher'))
    }
    if (profile === 'refusals') {
      // A code for another flow (120 is for unemployment; the demo blinkers are Dimona): the store refuses it.
      if (i % 3 === 0) await w.feedback(b, 120, answered + HOUR, party, { seq: 2 })
    }
  }
  if (profile === 'refusals') {
    // Messages its schema refuses (no messageId, a code as text), through the feedback service as a request would.
    const bad = Array.from({ length: DEMO_BLINKERS * 2 }, (_, i) => ({ blinkerId: demoBlinker(house, i % DEMO_BLINKERS, cpas[0] as string, start).blinkerId, cpasKbo: cpas[0], code: String(131) }))
    await submitFeedbackBatch(ctx, party, bad)
  }
  return DEMO_BLINKERS
}

/** Loads the demo traffic into an environment for its software houses; `now` default the current time. */
export async function loadBarometerDemoTraffic(ctx: EnvContext, now = Date.now()): Promise<DemoTrafficSummary> {
  const houses = [...ctx.parties.parties.values()].filter((p) => p.role === 'software-house')
  const summary: DemoTrafficSummary = { parties: [] }
  for (const [k, party] of houses.slice(0, DEMO_PROFILES.length).entries()) {
    const profile = DEMO_PROFILES[k] as DemoProfile
    summary.parties.push({ partyId: party.id, profile, blinkers: await houseTraffic(ctx, party, k + 1, profile, now) })
  }
  // The message counts are buffered (counters-buffer.ts): written before a CLI run disconnects.
  await flushBufferedCounts(ctx)
  return summary
}
