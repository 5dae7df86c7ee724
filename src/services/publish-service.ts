/**
 * Publication (POST /{env}/v1/blinkers): each blinker judged on its own — schema, identifiers, a
 * CPAS known to the environment and a flow of the catalogue (schemas/flows.json) — then every valid
 * one stored and queued in ONE Lua step (a flow the CPAS's software house does not accept goes to
 * the CPAS's transition list instead of its mailbox and push: src/flows/flow-acceptance.ts), then
 * the push jobs added with one addBulk per software house. The caller answers 202 only after the
 * Lua step returned: from then on nothing is lost (the outbox covers a crash before addBulk).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EnvContext } from '../context.js'
import { storedDoc } from '../domain/canonical-blinker.js'
import type { Blinker } from '../domain/model.js'
import type { ErrorCode, FieldError } from '../errors.js'
import { acceptsFlow } from '../flows/flow-acceptance.js'
import { isCatalogueFlow } from '../flows/flow-catalogue.js'
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

/** `at`: the publication's time; default now (the demo data set's timeline passes generated ones). */
export async function publishBlinkers(envCtx: EnvContext, publisher: Party, items: readonly unknown[], log?: FastifyBaseLogger, at?: Date): Promise<PublishResult> {
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
    const ruleErrors: ItemError[] = []
    if (!cpas) ruleErrors.push({ path: `/blinkers/${index}/cpasKbo`, message: `CPAS ${b.cpasKbo} is not known to ${envCtx.env}`, code: 'GW_ERR_BUSINESS_RULE' })
    // The schemas accept any code of the catalogue's shape (a flow is added without a new message
    // version); membership is a business rule, as for a feedback code.
    if (!isCatalogueFlow(b.flow)) ruleErrors.push({ path: `/blinkers/${index}/flow`, message: `flow ${b.flow} is not in the flow catalogue (GET /schemas/flows.json)`, code: 'GW_ERR_BUSINESS_RULE' })
    if (!cpas || ruleErrors.length > 0) {
      rejected.push({ index, errors: ruleErrors })
      return
    }
    const softwareHouse = cpas.servedBy ? envCtx.parties.parties.get(cpas.servedBy) : undefined
    const held = !acceptsFlow(softwareHouse, b.flow)
    valid.push({ blinkerId: b.blinkerId, cpas: b.cpasKbo, ...storedDoc(b), party: cpas.servedBy, stats: publishStats(b), ...(held ? { held } : {}) })
    validIndex.push(index)
  })

  const outcomes = await storeBlinkers(envCtx.redis, envCtx.keys, valid, publisher.id, at)
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
