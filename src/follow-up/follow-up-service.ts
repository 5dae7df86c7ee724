/**
 * Follow-ups for REST and the pages alike: open one, change it (visits, actions, status), read and
 * list them with their trajectory. Every change is appended to the follow-up's `history` with
 * `at` and `by` (the person logged in, else the party: actor(request)), in the same
 * compare-and-set write as the change itself (follow-up-store.ts); the audit trail records the
 * call (src/security/audit-trail.ts).
 *
 * Rules (README "Follow-ups"):
 * - a follow-up is opened for a CPAS known to the environment: in the parties file or the CPAS
 *   directory, or with files or blinkers in the statistics of its period; otherwise 404;
 * - status moves one step forward only (OPEN → PLAN_AGREED → MONITORING → CLOSED); the same status
 *   again changes nothing; anything else is 409 GW_ERR_ILLEGAL_TRANSITION;
 * - PLAN_AGREED needs a plan: at least one action (after this change), else 422 GW_ERR_BUSINESS_RULE;
 * - a CLOSED follow-up is final: any change is 409 GW_ERR_ILLEGAL_TRANSITION;
 * - an action id that the follow-up does not have is 400 GW_ERR_VALIDATION (path /actions/{i}/id).
 */
import { randomUUID } from 'node:crypto'
import type { EnvContext } from '../context.js'
import { readCpasNames } from '../cpas/cpas-store.js'
import { GatewayError } from '../errors.js'
import { decodeSearchCursor, encodeSearchCursor } from '../services/search-query.js'
import { compareAndSet, cpasHasStatistics, createFollowUp, listByStatus, listOfCpas, nextFollowUpId, pageByStatus, readFollowUp } from './follow-up-store.js'
import { FOLLOW_UP_ID_PATTERN, isAllowedMove, type Action, type Finding, type FollowUp, type FollowUpHistoryEntry, type FollowUpStatus, type StoredFollowUp, type Visit } from './model.js'
import { targetMet, trajectories, trajectoryKey } from './trajectory.js'

export interface OpenRequest {
  reason: string
  period: string
}

export interface VisitInput {
  date: string
  inspector: string
  findings: Finding[]
  notes?: string
}

export interface ActionInput {
  id?: string
  text?: string
  owner?: string
  dueDate?: string
  done?: boolean
}

export interface PatchRequest {
  visits?: VisitInput[]
  actions?: ActionInput[]
  status?: FollowUpStatus
}

/**
 * Who makes a change: actor(request) (the person's id, else the party), or the person logged in
 * with their display name, which history then keeps beside the id (`byName`).
 */
export type Who = string | { id: string; name?: string }

const stamp = (who: Who): Pick<FollowUpHistoryEntry, 'by' | 'byName'> => (typeof who === 'string' ? { by: who } : who.name ? { by: who.id, byName: who.name } : { by: who.id })

/** Attempts of a compare-and-set before giving up (only under a storm of writes to ONE follow-up). */
const CAS_ATTEMPTS = 25

async function knownCpas(envCtx: EnvContext, kbo: string, period: string): Promise<boolean> {
  if (envCtx.parties.knownCpas.has(kbo)) return true
  if ((await readCpasNames(envCtx.redis, envCtx.keys, [kbo])).has(kbo)) return true
  return cpasHasStatistics(envCtx.redis, envCtx.keys, kbo, period)
}

/** Adds trajectories and the target flag (one round trip for all). */
export async function withTrajectories(envCtx: EnvContext, docs: readonly StoredFollowUp[]): Promise<FollowUp[]> {
  const all = await trajectories(envCtx, docs)
  return docs.map((d) => {
    const trajectory = all.get(trajectoryKey(d)) ?? []
    return { ...d, trajectory, targetMet: targetMet(trajectory) }
  })
}

export async function openFollowUp(envCtx: EnvContext, kbo: string, body: OpenRequest, who: Who, now = new Date()): Promise<FollowUp> {
  if (!(await knownCpas(envCtx, kbo, body.period))) {
    throw new GatewayError('GW_ERR_NOT_FOUND', `CPAS ${kbo} is not known in ${envCtx.env}: not in the parties file, and no files or blinkers in the statistics of ${body.period}`)
  }
  const at = now.toISOString()
  const by = stamp(who)
  const doc: StoredFollowUp = {
    id: await nextFollowUpId(envCtx.redis, envCtx.keys),
    cpasKbo: kbo,
    status: 'OPEN',
    openedAt: at,
    openedBy: by.by,
    reason: body.reason.trim(),
    period: body.period,
    visits: [],
    actions: [],
    history: [{ at, ...by, change: 'opened', status: 'OPEN' }],
    updatedAt: at,
  }
  await createFollowUp(envCtx.redis, envCtx.keys, doc)
  return (await withTrajectories(envCtx, [doc]))[0] as FollowUp
}

/** The follow-up `id` of CPAS `kbo`: 404 when there is none (or it belongs to another CPAS). */
async function readOwn(envCtx: EnvContext, kbo: string, id: string) {
  const current = await readFollowUp(envCtx.redis, envCtx.keys, id)
  if (!current || current.doc.cpasKbo !== kbo) throw new GatewayError('GW_ERR_NOT_FOUND', `No follow-up ${id} for CPAS ${kbo}`)
  return current
}

export async function getFollowUp(envCtx: EnvContext, kbo: string, id: string): Promise<FollowUp> {
  return (await withTrajectories(envCtx, [(await readOwn(envCtx, kbo, id)).doc]))[0] as FollowUp
}

/** A follow-up by id alone (the pages' detail view); 404 when unknown. */
export async function getFollowUpById(envCtx: EnvContext, id: string): Promise<FollowUp> {
  const current = await readFollowUp(envCtx.redis, envCtx.keys, id)
  if (!current) throw new GatewayError('GW_ERR_NOT_FOUND', `No follow-up ${id}`)
  return (await withTrajectories(envCtx, [current.doc]))[0] as FollowUp
}

/**
 * The change applied to a copy of `doc`: pure, so a stale write simply applies it again to the
 * newer version. Throws the refusals of the rules above (nothing is written then).
 */
export function applyPatch(doc: StoredFollowUp, patch: PatchRequest, who: Who, at: string, newId: () => string = randomUUID): StoredFollowUp {
  const stamped = stamp(who)
  const by = stamped.by
  if (doc.status === 'CLOSED') throw new GatewayError('GW_ERR_ILLEGAL_TRANSITION', `Follow-up ${doc.id} is CLOSED: it can no longer change`)
  const next: StoredFollowUp = structuredClone(doc)
  const history: FollowUpHistoryEntry[] = []
  for (const v of patch.visits ?? []) {
    const visit: Visit = { id: newId(), date: v.date, inspector: v.inspector.trim(), findings: [...new Set(v.findings)], addedAt: at, addedBy: by }
    if (v.notes !== undefined && v.notes.trim() !== '') visit.notes = v.notes.trim()
    next.visits.push(visit)
    history.push({ at, ...stamped, change: 'visit-added', visitId: visit.id })
  }
  ;(patch.actions ?? []).forEach((a, i) => {
    if (a.id === undefined) {
      if (a.text === undefined || a.owner === undefined || a.dueDate === undefined) {
        throw new GatewayError('GW_ERR_VALIDATION', 'A new action needs text, owner and dueDate', [{ path: `/actions/${i}`, message: 'without an id, text, owner and dueDate are required' }])
      }
      const action: Action = { id: newId(), text: a.text.trim(), owner: a.owner.trim(), dueDate: a.dueDate, done: a.done ?? false, updatedAt: at, updatedBy: by }
      if (action.done) action.doneAt = at
      next.actions.push(action)
      history.push({ at, ...stamped, change: 'action-added', actionId: action.id })
      return
    }
    const action = next.actions.find((x) => x.id === a.id)
    if (!action) throw new GatewayError('GW_ERR_VALIDATION', `Follow-up ${doc.id} has no action ${a.id}`, [{ path: `/actions/${i}/id`, message: 'no such action in this follow-up' }])
    const fields: string[] = []
    for (const field of ['text', 'owner', 'dueDate'] as const) {
      const value = a[field]?.trim()
      if (value === undefined || value === action[field]) continue
      action[field] = value
      fields.push(field)
    }
    if (a.done !== undefined && a.done !== action.done) {
      action.done = a.done
      if (a.done) action.doneAt = at
      else delete action.doneAt
      fields.push('done')
    }
    if (fields.length === 0) return
    action.updatedAt = at
    action.updatedBy = by
    history.push({ at, ...stamped, change: 'action-updated', actionId: action.id, fields })
  })
  if (patch.status !== undefined && patch.status !== doc.status) {
    if (!isAllowedMove(doc.status, patch.status)) {
      throw new GatewayError('GW_ERR_ILLEGAL_TRANSITION', `Follow-up ${doc.id} is ${doc.status}: it may move only one step forward (OPEN → PLAN_AGREED → MONITORING → CLOSED), not to ${patch.status}`)
    }
    if (patch.status === 'PLAN_AGREED' && next.actions.length === 0) {
      throw new GatewayError('GW_ERR_BUSINESS_RULE', 'An improvement plan needs at least one action before it is PLAN_AGREED', [{ path: '/status', message: 'add an action first (or in the same request)' }])
    }
    next.status = patch.status
    history.push({ at, ...stamped, change: 'status-changed', from: doc.status, status: patch.status })
  }
  if (history.length === 0) return doc
  next.history.push(...history)
  next.updatedAt = at
  return next
}

export async function patchFollowUp(envCtx: EnvContext, kbo: string, id: string, patch: PatchRequest, by: Who, now: () => Date = () => new Date()): Promise<FollowUp> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const current = await readOwn(envCtx, kbo, id)
    const next = applyPatch(current.doc, patch, by, now().toISOString())
    if (next === current.doc) return (await withTrajectories(envCtx, [next]))[0] as FollowUp
    const written = await compareAndSet(envCtx.redis, envCtx.keys, current, next)
    if (written === 'ok') return (await withTrajectories(envCtx, [next]))[0] as FollowUp
    // 'stale': someone wrote in between; read again and apply this change on top of theirs.
    await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)))
  }
  throw new GatewayError('GW_ERR_STORE_UNAVAILABLE', `Follow-up ${id} kept changing while this change was applied; nothing of it was written: send it again`)
}

export async function listFollowUps(envCtx: EnvContext, status: FollowUpStatus | 'ALL' = 'ALL'): Promise<FollowUp[]> {
  return withTrajectories(envCtx, await listByStatus(envCtx.redis, envCtx.keys, status))
}

/** Most follow-ups one page may ask for (GET /v1/follow-ups?limit=). */
export const FOLLOW_UP_PAGE_MAX = 500

const FOLLOW_UP_ID = new RegExp(FOLLOW_UP_ID_PATTERN)

/**
 * GET /v1/follow-ups: without `limit`, every follow-up (the contract's `{ items }`, as before);
 * with it, a page of at most `limit` after the cursor `after` (the `next` of the previous page,
 * base64url of (openedAt ms, id) as the message log's cursors), `next` present while more remain.
 * A cursor this list did not give out is 400 GW_ERR_BAD_PARAMETER. Trajectories are read for the
 * page only.
 */
export async function pageFollowUps(envCtx: EnvContext, status: FollowUpStatus | 'ALL', limit?: number, after?: string): Promise<{ items: FollowUp[]; next?: string }> {
  const cursor = after === undefined ? undefined : decodeSearchCursor(after, FOLLOW_UP_ID)
  if (limit === undefined && cursor === undefined) return { items: await listFollowUps(envCtx, status) }
  const page = await pageByStatus(envCtx.redis, envCtx.keys, status, limit ?? FOLLOW_UP_PAGE_MAX, cursor)
  const out: { items: FollowUp[]; next?: string } = { items: await withTrajectories(envCtx, page.docs) }
  if (page.next) out.next = encodeSearchCursor(page.next.score, page.next.id)
  return out
}

export async function listCpasFollowUps(envCtx: EnvContext, kbo: string): Promise<FollowUp[]> {
  return withTrajectories(envCtx, await listOfCpas(envCtx.redis, envCtx.keys, kbo))
}
