/**
 * Dead letters across every queue of an environment (push delivery per software house, and
 * whatever other queue the context holds, e.g. forwarding), for the operator route and the CLI.
 * Generic over the queue name: a new queue in the context is covered with no code here.
 */
import type { Queue } from 'bullmq'
import type { EnvContext } from '../context.js'
import { GatewayError } from '../errors.js'
import { getDeadLetter, listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterFilter } from '../queue/dead-letters.js'
import { allQueues } from '../queue/queues.js'

export interface DeadLetterQuery extends DeadLetterFilter {
  /** BullMQ queue name (forward, delivery-<party>…); absent = every queue. */
  queue?: string
}

export interface ReplaySummary {
  dryRun: boolean
  replayed: { queue: string; jobId: string }[]
  /** No longer dead when the replay reached them (someone replayed them first). */
  skipped: { queue: string; jobId: string }[]
}

/** The queues a query covers; an unknown name is the caller's 404. */
export function queuesFor(envCtx: EnvContext, name?: string): Queue[] {
  const all = allQueues(envCtx)
  if (name === undefined) return [...all.values()]
  const queue = all.get(name)
  if (!queue) throw new GatewayError('GW_ERR_NOT_FOUND', `No queue ${name} in ${envCtx.env}; queues: ${[...all.keys()].join(', ')}`)
  return [queue]
}

/** Dead letters matching the query over the chosen queues, oldest failure first. */
export async function listAllDeadLetters(envCtx: EnvContext, query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
  const limit = query.limit ?? 100
  const lists = await Promise.all(queuesFor(envCtx, query.queue).map((q) => listDeadLetters(q, { ...query, limit })))
  return lists
    .flat()
    .sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? ''))
    .slice(0, limit)
}

export async function inspectDeadLetter(envCtx: EnvContext, queueName: string, jobId: string): Promise<DeadLetter> {
  const [queue] = queuesFor(envCtx, queueName)
  const letter = queue ? await getDeadLetter(queue, jobId) : undefined
  if (!letter) throw new GatewayError('GW_ERR_NOT_FOUND', `No dead letter ${jobId} in ${queueName}`)
  return letter
}

/**
 * Moves matching dead letters back to their queue under the same job id. Idempotent: a second
 * replay finds them no longer dead (delivered, or waiting again) and replays nothing.
 */
export async function replayAll(envCtx: EnvContext, query: DeadLetterQuery = {}, dryRun = false): Promise<ReplaySummary> {
  const summary: ReplaySummary = { dryRun, replayed: [], skipped: [] }
  let budget = query.limit ?? 100
  for (const queue of queuesFor(envCtx, query.queue)) {
    if (budget <= 0) break
    const result = await replayDeadLetters(queue, { ...query, limit: budget }, dryRun)
    for (const jobId of result.replayed) summary.replayed.push({ queue: queue.name, jobId })
    for (const jobId of result.skipped) summary.skipped.push({ queue: queue.name, jobId })
    budget -= result.replayed.length + result.skipped.length
  }
  return summary
}
