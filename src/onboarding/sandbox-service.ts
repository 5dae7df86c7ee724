/**
 * The acceptance sandbox: a software house walks the whole lifecycle alone, on its own CPAS.
 *
 * - create: generated blinkers published through the SAME publish service as the back office's
 *   (same validation, mailbox, push), with `by: sandbox:<party>` in their history;
 * - reset: deletes the CPAS's sandbox blinkers (never anything the publisher sent) and answers the
 *   cursor of the mailbox's end, so the next pull with it sees only what is created afterwards;
 * - decide: the SAME decision service as the inspection, for feedback on sandbox blinkers of the
 *   caller's own CPAS only, recorded `by: sandbox:<party>`.
 * The routes exist in acceptance only (sandbox-routes.ts); these functions refuse production too,
 * so no other entry can reach them there.
 */
import type { EnvContext } from '../context.js'
import { FLOWS, type Blinker, type Flow } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { requireCpas } from '../ingress/rest/auth.js'
import type { Party } from '../parties/parties.js'
import { decide, type DecisionRequest, type DecisionView } from '../services/decision-service.js'
import { parseMessageId } from '../services/feedback-service.js'
import { checkKbo, encodeCursor } from '../services/mailbox-service.js'
import { publishBlinkers } from '../services/publish-service.js'
import { getFeedback } from '../store/feedback-store.js'
import { generateBlinkers, type Random } from './sandbox-generator.js'
import { isSandboxBlinker, markSandbox, reserveSeqs, resetSandbox } from './sandbox-store.js'

export interface SandboxCreateRequest {
  cpasKbo: string
  count?: number
  flows?: Flow[]
}

export interface SandboxResetResult {
  deleted: number
  kept: string[]
  next: string
}

/** The identity sandbox actions are recorded under: `sandbox:<party id>`, same role. */
const actor = (party: Party): Party => ({ ...party, id: `sandbox:${party.id}` })

function requireSandbox(envCtx: EnvContext, party: Party, kbo: string): void {
  if (envCtx.env !== 'acceptance') throw new GatewayError('GW_ERR_NOT_FOUND', 'The sandbox exists in acceptance only')
  checkKbo(kbo)
  requireCpas(party, kbo)
}

export async function createSandboxBlinkers(envCtx: EnvContext, party: Party, req: SandboxCreateRequest, random?: Random): Promise<Blinker[]> {
  requireSandbox(envCtx, party, req.cpasKbo)
  // Default: one blinker per flow asked (every flow when none is named). The schema caps count at 100.
  const count = req.count ?? req.flows?.length ?? FLOWS.length
  const seqs = await reserveSeqs(envCtx.redis, envCtx.keys, count)
  const blinkers = generateBlinkers({ cpasKbo: req.cpasKbo, seqs, ...(req.flows ? { flows: req.flows } : {}), ...(random ? { random } : {}) })
  const result = await publishBlinkers(envCtx, actor(party), blinkers)
  // Marked after the store step, and only what it took: an id the publisher already used (the
  // range is reserved, but nothing stops a publisher) must never become resettable here.
  const refused = new Set(result.rejected.map((r) => r.index))
  const stored = blinkers.filter((_, i) => !refused.has(i))
  await markSandbox(envCtx.redis, envCtx.keys, req.cpasKbo, stored.map((b) => b.blinkerId))
  if (stored.length < blinkers.length) {
    const errors = result.rejected.flatMap((r) => r.errors.map((e) => ({ path: e.path ?? `/blinkers/${r.index}`, message: e.message })))
    throw new GatewayError('GW_ERR_BUSINESS_RULE', `${blinkers.length - stored.length} generated blinker(s) were refused by the publish step`, errors)
  }
  return stored
}

export async function resetSandboxMailbox(envCtx: EnvContext, party: Party, kbo: string): Promise<SandboxResetResult> {
  requireSandbox(envCtx, party, kbo)
  const outcome = await resetSandbox(envCtx.redis, envCtx.keys, kbo)
  return { deleted: outcome.deleted, kept: outcome.kept, next: encodeCursor(outcome.lastId) }
}

/** The inspection's decision, simulated on the caller's own sandbox feedback. */
export async function sandboxDecision(envCtx: EnvContext, party: Party, req: DecisionRequest): Promise<DecisionView> {
  if (envCtx.env !== 'acceptance') throw new GatewayError('GW_ERR_NOT_FOUND', 'The sandbox exists in acceptance only')
  const messageId = parseMessageId(req.messageId)
  const record = await getFeedback(envCtx.redis, envCtx.keys, messageId)
  if (!record) throw new GatewayError('GW_ERR_UNKNOWN_MESSAGE', `No feedback message ${messageId} in this environment`)
  requireCpas(party, record.cpas)
  if (!(await isSandboxBlinker(envCtx.redis, envCtx.keys, record.cpas, record.blinkerId))) {
    throw new GatewayError('GW_ERR_NOT_SANDBOX', `Feedback ${messageId} concerns ${record.blinkerId}, which the sandbox did not create; only the inspection decides on it`)
  }
  return decide(envCtx, actor(party).id, { ...req, messageId })
}
