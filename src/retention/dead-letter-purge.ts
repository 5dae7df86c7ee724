/**
 * Dead letters are kept until an operator decides (BullMQ's failed sets are never trimmed by the
 * queues, since they are what gets replayed). This removes those that failed before a given
 * instant, with the usual filters and a dry run. A removed dead letter can no longer be replayed;
 * a forward's feedback record stays DEAD_LETTERED (its history says what happened).
 */
import type { Job } from 'bullmq'
import type { EnvContext } from '../context.js'
import { listDeadLetters } from '../queue/dead-letters.js'
import { queuesFor, type DeadLetterQuery } from '../services/dead-letter-service.js'

export interface PurgeResult {
  dryRun: boolean
  /** Removed (or, in a dry run, to remove). */
  purged: { queue: string; jobId: string }[]
}

/** Removes dead letters that failed before `olderThan` (and match the query). */
export async function purgeDeadLetters(
  envCtx: EnvContext,
  olderThan: Date,
  query: DeadLetterQuery = {},
  dryRun = false,
  onProgress?: (done: number, total: number) => void,
): Promise<PurgeResult> {
  const until = query.until && query.until < olderThan ? query.until : olderThan
  const limit = query.limit ?? 100_000
  const result: PurgeResult = { dryRun, purged: [] }
  const found = []
  for (const queue of queuesFor(envCtx, query.queue)) {
    for (const letter of await listDeadLetters(queue, { ...query, until, limit: limit - found.length })) found.push({ queue, letter })
    if (found.length >= limit) break
  }
  for (const [i, { queue, letter }] of found.entries()) {
    if (!dryRun) {
      const job = (await queue.getJob(letter.jobId)) as Job | undefined
      // Replayed meanwhile: no longer a dead letter, not ours to remove.
      if (!job || !(await job.isFailed())) continue
      await job.remove()
    }
    result.purged.push({ queue: queue.name, jobId: letter.jobId })
    onProgress?.(i + 1, found.length)
  }
  return result
}
