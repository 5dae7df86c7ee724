/**
 * Controlled traffic for the barometer's API and page tests, in the ended cycle 2024-2025 (so
 * every evaluation is complete and the answers do not depend on today's date), through the real
 * timed write steps (src/barometer/demo-traffic.ts timedWrites):
 *   alpha — 2024H1: 20 blinkers answered 2 days after delivery; 2024H2: 40 answered 50 days after.
 *           Timeliness GOOD at 2024H1, BAD from 2024H2 on (median over 30 days). Approved.
 *   beta  — 2024H1: 40 blinkers answered with a valid code after 1 day, and 20 messages with a
 *           code of another flow (refused): codeNotValidForFlow 20 / 60. Not approved.
 * Every blinker is delivered one hour after publication and acknowledged one hour later.
 */
import { EXAMPLE_BLINKER } from '../../src/docs/examples.js'
import type { Blinker } from '../../src/domain/model.js'
import type { EnvContext } from '../../src/context.js'
import { timedWrites } from '../../src/barometer/demo-traffic.js'
import { acceptancePrefix } from '../../src/onboarding/conformance-store.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export const PLAN = {
  alpha: { h1: 20, h1Days: 2, h2: 40, h2Days: 50 },
  beta: { valid: 40, wrongFlow: 20 },
} as const

function blinkerAt(house: number, i: number, cpas: string, at: number): Blinker {
  const d = new Date(at)
  const month = String(d.getUTCMonth() + 1).padStart(2, '0')
  return {
    ...structuredClone(EXAMPLE_BLINKER),
    blinkerId: `CLI-${d.getUTCFullYear()}-6${house}${String(i).padStart(7, '0')}`,
    cpasKbo: cpas,
    form: { ...EXAMPLE_BLINKER.form, reference: `B-T-${house}-${i}`, periodStart: `${d.getUTCFullYear()}-${month}-01`, periodEnd: `${d.getUTCFullYear()}-${month}-28` },
  }
}

/** One blinker published, delivered after an hour, acknowledged an hour later; answered `answerDays` after delivery with `code`. */
async function oneBlinker(ctx: EnvContext, party: { id: string; role: 'software-house' }, b: Blinker, published: number, answerDays: number, code = 1): Promise<void> {
  const w = timedWrites(ctx)
  await w.publish(b, published, party.id)
  await w.event(b.blinkerId, 'DELIVER', published + HOUR, 'pulled', party.id)
  await w.event(b.blinkerId, 'ACKNOWLEDGE', published + 2 * HOUR, 'acknowledged', party.id)
  await w.feedback(b, code, published + HOUR + answerDays * DAY, party)
}

export async function loadControlledTraffic(ctx: EnvContext): Promise<void> {
  const alpha = { id: 'alpha', role: 'software-house' as const }
  const beta = { id: 'beta', role: 'software-house' as const }
  const w = timedWrites(ctx)
  const h1 = Date.parse('2024-02-01T08:00:00Z')
  const h2 = Date.parse('2024-08-01T08:00:00Z')
  for (let i = 0; i < PLAN.alpha.h1; i++) await oneBlinker(ctx, alpha, blinkerAt(1, i, CPAS.alpha1, h1 + i * HOUR), h1 + i * HOUR, PLAN.alpha.h1Days)
  for (let i = 0; i < PLAN.alpha.h2; i++) await oneBlinker(ctx, alpha, blinkerAt(1, 100 + i, CPAS.alpha2, h2 + i * HOUR), h2 + i * HOUR, PLAN.alpha.h2Days)
  for (let i = 0; i < PLAN.beta.valid; i++) {
    const b = blinkerAt(2, i, CPAS.beta, h1 + i * HOUR)
    await oneBlinker(ctx, beta, b, h1 + i * HOUR, 1)
    // 120 is a code of the unemployment flow; these blinkers are Dimona: refused as not valid for the flow.
    if (i < PLAN.beta.wrongFlow) await w.feedback(b, 120, h1 + i * HOUR + 3 * DAY, beta, { seq: 1 })
  }
}

/** Records a full conformance pass for `partyId` in acceptance (what `blinker-gateway conformance` leaves). */
export async function recordPass(ctx: EnvContext, partyId: string): Promise<void> {
  const record = { partyId, receivedAt: '2024-01-10T09:00:00.000Z', gatewayVersion: 'test', fullPass: true, required: [], failed: [], missing: [], run: { runner: { name: 'test', version: '0' }, startedAt: '', finishedAt: '', soap: false, scenarios: [] }, lastFullPassAt: '2024-01-10T09:00:00.000Z' }
  await ctx.redis.set(keys.conformancePass(acceptancePrefix(ctx.config), partyId), JSON.stringify(record))
}
