/**
 * Publication (POST /{env}/v1/blinkers): each blinker judged on its own — schema, identifiers, and
 * a CPAS known to the environment — then every valid one stored and queued in ONE Lua step, then
 * the push jobs added with one addBulk per software house. The caller answers 202 only after the
 * Lua step returned: from then on nothing is lost (the outbox covers a crash before addBulk).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EnvContext } from '../context.js'
import { storedDoc } from '../domain/canonical-blinker.js'
import type { Blinker } from '../domain/model.js'
import type { ErrorCode, FieldError } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { deliveryJob, deliveryOutbox } from '../queue/delivery-outbox.js'
import { PUBLISH_OUTCOME, storeBlinkers, type PublishItem } from '../store/publish-store.js'
import { publishStats } from '../store/statistics-store.js'
import { validateMessage } from '../validation/validate-message.js'

/** An item's error carries its own code, as a problem document would. */
export interface ItemError extends FieldError {
  code: ErrorCode
}

export interface PublishResult {
  accepted: number
  duplicates: number
  rejected: { index: number; errors: ItemError[] }[]
}

export const MAX_BATCH = 1000

export async function publishBlinkers(envCtx: EnvContext, publisher: Party, items: readonly unknown[], log?: FastifyBaseLogger): Promise<PublishResult> {
  const rejected: PublishResult['rejected'] = []
  const valid: PublishItem[] = []
  const validIndex: number[] = []
  items.forEach((item, index) => {
    const schemaErrors = validateMessage('blinker', item, `/blinkers/${index}`)
    if (schemaErrors.length > 0) {
      rejected.push({ index, errors: schemaErrors.map((e) => ({ ...e, code: 'GW_ERR_VALIDATION' })) })
      return
    }
    const b = item as Blinker
    const cpas = envCtx.parties.knownCpas.get(b.cpasKbo)
    if (!cpas) {
      rejected.push({ index, errors: [{ path: `/blinkers/${index}/cpasKbo`, message: `CPAS ${b.cpasKbo} is not known to ${envCtx.env}`, code: 'GW_ERR_BUSINESS_RULE' }] })
      return
    }
    valid.push({ blinkerId: b.blinkerId, cpas: b.cpasKbo, ...storedDoc(b), party: cpas.servedBy, stats: publishStats(b) })
    validIndex.push(index)
  })

  const outcomes = await storeBlinkers(envCtx.redis, envCtx.keys, valid, publisher.id)
  let accepted = 0
  let duplicates = 0
  const pushes = new Map<string, string[]>()
  outcomes.forEach((outcome, i) => {
    const item = valid[i] as PublishItem
    if (outcome === PUBLISH_OUTCOME.DUPLICATE) duplicates++
    else if (outcome === PUBLISH_OUTCOME.CONFLICT) {
      rejected.push({
        index: validIndex[i] as number,
        errors: [{ path: `/blinkers/${validIndex[i]}/blinkerId`, message: `${item.blinkerId} was already published with other content`, code: 'GW_ERR_BLINKER_ID_REUSED' }],
      })
    } else {
      accepted++
      if (outcome === PUBLISH_OUTCOME.STORED_PUSH && item.party) {
        const ids = pushes.get(item.party) ?? []
        ids.push(item.blinkerId)
        pushes.set(item.party, ids)
      }
    }
  })
  if (pushes.size > 0) await startFlush(envCtx, pushes, log)
  rejected.sort((a, b) => a.index - b.index)
  return { accepted, duplicates, rejected }
}

/**
 * Push jobs are added AFTER the answer: the Lua step already put their ids in the outbox, so the
 * 202 does not wait for addBulk (the costliest part of a publication with push) and nothing is lost
 * if the process dies first — the delivery worker's sweep adds what is left. At most
 * MAX_PENDING_FLUSHES run per environment; beyond that a publication waits for one to finish, so
 * a burst cannot pile up unbounded work in memory.
 */
const MAX_PENDING_FLUSHES = 4
const pending = new WeakMap<EnvContext, Set<Promise<void>>>()

async function startFlush(envCtx: EnvContext, pushes: ReadonlyMap<string, string[]>, log?: FastifyBaseLogger): Promise<void> {
  let running = pending.get(envCtx)
  if (!running) pending.set(envCtx, (running = new Set()))
  while (running.size >= MAX_PENDING_FLUSHES) await Promise.race(running)
  const flush = flushPushes(envCtx, pushes, log).finally(() => running.delete(flush))
  running.add(flush)
}

/** Waits for the push jobs of publications already answered (tests, graceful close). */
export async function settlePublications(envCtx: EnvContext): Promise<void> {
  await Promise.all(pending.get(envCtx) ?? [])
}

/** Adds the push jobs just recorded; a failure here is logged only: the worker's sweep adds them. */
async function flushPushes(envCtx: EnvContext, pushes: ReadonlyMap<string, string[]>, log?: FastifyBaseLogger): Promise<void> {
  await Promise.all(
    [...pushes].map(async ([party, ids]) => {
      try {
        await deliveryOutbox(envCtx, party)?.flush(ids.map((id) => deliveryJob(envCtx, party, id)))
      } catch (err) {
        log?.warn({ err, party, count: ids.length }, 'push jobs left in the outbox; the delivery worker sweep will add them')
      }
    }),
  )
}
